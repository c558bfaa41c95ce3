import { afterEach, describe, expect, it } from 'vitest';
import { searchFields } from '../../core/text/stem.js';
import { createRankingIndex, INDEX_RANK_PARAMS, VERBOSE_QUERY_PARAMS, type RankingDocument, type RankingIndex } from '../../server/ranking/index.js';
import { analyzeQuery } from '../../server/search/analyze.js';

// Words of very different frequencies: a few in most chunks, some in a few, many rare.
const COMMON = ['город', 'власти', 'заявил', 'году', 'россии'];
const RARE = Array.from({ length: 30 }, (_, i) => `редк${'абвгдежзиклмнопрстуфхцчшщ'[i % 25]}${'оеяю'[i % 4]}м`);
const ARTICLES = Array.from({ length: 25 }, (_, i) => `a${i}`);

function doc(article: string, n: number, text: string[]): RankingDocument {
  const a = ARTICLES.indexOf(article);
  const body = text.join(' ') + '.';
  return {
    id: `${article}-${n}`,
    articleId: article,
    stems: searchFields('', body).stems,
    sectionTitle: '',
    text: body,
    tags: [a % 2 === 0 ? 'экономика' : 'спорт'],
    dateTs: 1_690_000_000 + a * 5_000_000,
    year: 2023 + (a % 2),
    sectionIndex: n,
    passage: 0,
  };
}

const defaults = { ...INDEX_RANK_PARAMS };
const verboseDefaults = { ...VERBOSE_QUERY_PARAMS };
afterEach(() => {
  Object.assign(INDEX_RANK_PARAMS, defaults);
  Object.assign(VERBOSE_QUERY_PARAMS, verboseDefaults);
});

describe('work bound', () => {
  const chunks = ARTICLES.flatMap((a, i) =>
    [0, 1, 2].map((n) => doc(a, n, [...COMMON, ...(i % 3 === 0 ? ['завод'] : []), ...(i === 7 && n === 1 ? [RARE[0]!] : [])])),
  );
  const index = createRankingIndex(chunks);
  const q = `${COMMON.join(' ')} завод ${RARE[0]} `;

  it('reads at most maxPostings postings, keeping the rarest words of the query', () => {
    const unbounded = index.search(analyzeQuery(q), {}, 10);
    // 5 words in all 75 chunks, «завод» in 27, the rare word in 1.
    expect(unbounded.postingsWalked).toBe(5 * 75 + 27 + 1);
    expect(unbounded.dropped).toBe(0);

    INDEX_RANK_PARAMS.maxPostings = 200;
    INDEX_RANK_PARAMS.maxPostingsPerChunk = 0;
    const bounded = index.search(analyzeQuery(q), {}, 10);
    expect(bounded.postingsWalked).toBeLessThanOrEqual(200);
    expect(bounded.postingsWalked).toBe(1 + 27 + 75 * 2);
    expect(bounded.dropped).toBe(3);
    // The rare word still decides the first hit.
    expect(bounded.chunks[0]!.id).toBe('a7-1');
    expect(bounded.total).toBe(75);
  });

  it('a pasted passage (verboseTerms terms or more) has its own, tighter bound', () => {
    // The same words plus unknown ones: 26 terms, none of the extra ones in the index.
    const passage = `${q} ${RARE.slice(1, 21).join(' ')}`;
    expect(analyzeQuery(passage).terms.length).toBeGreaterThanOrEqual(INDEX_RANK_PARAMS.verboseTerms);
    INDEX_RANK_PARAMS.maxPostings = 1_000_000;
    VERBOSE_QUERY_PARAMS.maxPostings = 200;
    VERBOSE_QUERY_PARAMS.maxPostingsPerChunk = 0;
    const bounded = index.search(analyzeQuery(passage), {}, 10);
    expect(bounded.postingsWalked).toBe(1 + 27 + 75 * 2);
    expect(bounded.dropped).toBe(3);
    expect(bounded.chunks[0]!.id).toBe('a7-1');
    // A shorter query of the same indexed words keeps the general bound: nothing left out.
    expect(index.search(analyzeQuery(q), {}, 10).dropped).toBe(0);
  });

  it('grows with the index: a bound per chunk reads as many postings as the same absolute bound', () => {
    INDEX_RANK_PARAMS.maxPostings = 0;
    INDEX_RANK_PARAMS.maxPostingsPerChunk = 200 / 75; // 75 chunks
    const bounded = index.search(analyzeQuery(q), {}, 10);
    expect(bounded.postingsWalked).toBe(1 + 27 + 75 * 2);
    expect(bounded.dropped).toBe(3);
  });
});
