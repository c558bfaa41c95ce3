import { describe, expect, it } from 'vitest';
import { searchFields } from '../../core/text/stem.js';
import { createRankingIndex, type RankingDocument } from '../../server/ranking/index.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { correctTypos } from '../../server/search/typo.js';

function chunk(id: string, text: string): RankingDocument {
  return { id, articleId: id, stems: searchFields('', text).stems, sectionTitle: '', text, tags: null, dateTs: null, year: null, sectionIndex: 0, passage: 0 };
}

describe('typo correction over the ranking index', () => {
  it('the vocabulary follows the index as chunks are added and removed', () => {
    const index = createRankingIndex([chunk('a', 'Санкции против банков продлены.'), chunk('b', 'Новые санкции обсудят в Брюсселе.')]);
    const vocabulary = index.vocabulary();
    expect(vocabulary.frequency('санкции')).toBe(2);
    expect(correctTypos(analyzeQuery('санкцции банков'), vocabulary).replaced.get('санкцции')).toBe('санкции');
    index.apply({ remove: ['a', 'b'] });
    expect(vocabulary.frequency('санкции')).toBe(0);
    expect(correctTypos(analyzeQuery('санкцции банков'), vocabulary).kind).toBeUndefined();
    index.apply({ upsert: [chunk('c', 'Санкции сняты.')] });
    expect(vocabulary.frequency('санкции')).toBe(1);
  });

  it('a corrected word ranks the chunks with the word it meant, the typed form matching nothing', () => {
    const index = createRankingIndex([chunk('a', 'Санкции против банков продлены.'), chunk('b', 'Погода в Брюсселе.'), chunk('c', 'Банков стало меньше.')]);
    const typed = analyzeQuery('санкцции');
    expect(index.search(typed, {}, 10).chunks).toEqual([]);
    const { query } = correctTypos(typed, index.vocabulary());
    expect(index.search(query, {}, 10).chunks.map((c) => c.id)).toEqual(['a']);
  });
});
