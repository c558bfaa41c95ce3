import { describe, expect, it } from 'vitest';
import { edits1, typoCandidates, type Vocabulary } from '../../core/text/typo.js';
import { forEachEditHash, WordFilter, wordHash } from '../../core/text/word-filter.js';
import { searchFields } from '../../core/text/stem.js';
import { createRankingIndex } from '../../server/ranking/index.js';

const CYRILLIC = 'абвгдежзийклмнопрстуфхцчшщъыьэюя';

describe('forEachEditHash', () => {
  it('visits exactly the strings edits1 builds, each with its wordHash', () => {
    for (const word of ['президент', 'ааб', 'соглашение', 'ёлка2', 'x']) {
      const seen = new Set<string>();
      forEachEditHash(word, CYRILLIC, (hash, make) => {
        const edited = make();
        expect(hash, `${word} → ${edited}`).toBe(wordHash(edited));
        if (edited !== word) seen.add(edited);
      });
      expect([...seen].sort()).toEqual([...edits1(word, CYRILLIC)].sort());
    }
  });
});

describe('WordFilter', () => {
  it('never rules out a word it was given, also after growing', () => {
    const words: string[] = [];
    const filter = new WordFilter(() => words, 6);
    for (let i = 0; i < 5000; i++) {
      const word = `слово${i.toString(36)}`;
      words.push(word);
      filter.add(word);
    }
    expect(words.every((w) => filter.mayHave(wordHash(w)))).toBe(true);
    // It rules out most others (what makes it worth having).
    const others = Array.from({ length: 2000 }, (_, i) => `другое${i}`).filter((w) => filter.mayHave(wordHash(w)));
    expect(others.length).toBeLessThan(400);
  });
});

describe('typo candidates through the filter', () => {
  it('finds the same candidates as looking every variant up', () => {
    const chunks = ['президент россии подписал соглашение', 'президенты стран обсудили соглашения', 'призидент ответил на вопросы', 'трамп и трап', 'песенный конкурс пенсионный фонд'];
    const index = createRankingIndex(chunks.map((text, i) => ({ id: `c${i}`, articleId: `a${i}`, stems: searchFields('', text).stems, sectionTitle: '', text, tags: null, dateTs: null, year: null, sectionIndex: 0, passage: 0 })));
    // Words added later are found through the filter too.
    index.apply({ upsert: [{ id: 'late', articleId: 'late', stems: searchFields('', 'президентский указ').stems, sectionTitle: '', text: 'президентский указ', tags: null, dateTs: null, year: null, sectionIndex: 0, passage: 0 }] });
    const filtered = index.vocabulary();
    const plain: Vocabulary = { frequency: (w) => filtered.frequency(w) };
    expect(filtered.mayHave).toBeDefined();
    for (const word of ['президент', 'призидент', 'прездент', 'соглашенье', 'трампп', 'пенсиооный', 'песеный', 'неизвестное', 'президентскй', 'уках', 'прездиент', 'соглашнеи', 'пресидентскйи']) {
      for (const edits of [1, 2] as const) expect(typoCandidates(word, filtered, edits), `${word}, ${edits}`).toEqual(typoCandidates(word, plain, edits));
    }
    expect(typoCandidates('призидент', filtered, 1).map((c) => c.word)).toContain('президент');
    expect(typoCandidates('прездиент', filtered, 2).map((c) => c.word)).toContain('президент');
  });
});
