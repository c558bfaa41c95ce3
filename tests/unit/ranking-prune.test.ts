import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { searchFields } from '../../core/text/stem.js';
import { createRankingIndex, INDEX_RANK_PARAMS, type RankingDocument, type RankingIndex } from '../../server/ranking/index.js';
import { analyzeQuery } from '../../server/search/analyze.js';

// Words of very different frequencies: a few in most chunks, some in a few, many rare.
const COMMON = ['город', 'власти', 'заявил', 'году', 'россии'];
const MIDDLE = ['завод', 'порт', 'ракета', 'орбита', 'выборы', 'хоккей', 'минск', 'зерно'];
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

const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COMMON) },
  { weight: 3, arbitrary: fc.constantFrom(...MIDDLE) },
  { weight: 1, arbitrary: fc.constantFrom(...RARE) },
);
const docs = fc.uniqueArray(fc.tuple(fc.constantFrom(...ARTICLES), fc.integer({ min: 0, max: 5 }), fc.array(word, { minLength: 1, maxLength: 25 })), {
  minLength: 40,
  maxLength: 140,
  selector: ([a, n]) => `${a}-${n}`,
});
// Query words from every band; the trailing space: no as-you-type prefix.
const query = fc.array(fc.oneof(fc.constantFrom(...COMMON), fc.constantFrom(...MIDDLE), fc.constantFrom(...RARE)), { minLength: 3, maxLength: 12 }).map((w) => w.join(' ') + ' ');

const defaults = { ...INDEX_RANK_PARAMS };
afterEach(() => {
  Object.assign(INDEX_RANK_PARAMS, defaults);
});

function answer(index: RankingIndex, q: string, prune: number) {
  INDEX_RANK_PARAMS.prune = prune;
  const r = index.search(analyzeQuery(q), {}, 1, ['tags', 'year']);
  return { result: { chunks: r.chunks, total: r.total, facets: r.facets(), unmatched: r.unmatched.map((t) => t.surface) }, pruned: r.pruned, walked: r.postingsWalked };
}

describe('max-score pruning', () => {
  it('gives exactly the exhaustive walk\'s chunks, scores, total and facets on random indexes and queries', () => {
    // A short cut (1 hit wanted, 2 refined: the best 10 kept) so that small indexes split.
    INDEX_RANK_PARAMS.refine = 2;
    let splits = 0;
    let queries = 0;
    fc.assert(
      fc.property(docs, fc.array(query, { minLength: 1, maxLength: 6 }), (chunks, qs) => {
        const index = createRankingIndex(chunks.map(([a, n, text]) => doc(a, n, text)));
        for (const q of qs) {
          const exhaustive = answer(index, q, 0);
          const pruned = answer(index, q, 1);
          expect(exhaustive.pruned).toBe(false);
          expect(pruned.result).toEqual(exhaustive.result);
          queries++;
          if (pruned.pruned) splits++;
        }
      }),
      { numRuns: 150 },
    );
    // The comparison means something only if pruning really left chunks unscored often enough.
    expect(splits).toBeGreaterThan(queries / 10);
  });
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

  it('grows with the index: a bound per chunk reads as many postings as the same absolute bound', () => {
    INDEX_RANK_PARAMS.maxPostings = 0;
    INDEX_RANK_PARAMS.maxPostingsPerChunk = 200 / 75; // 75 chunks
    const bounded = index.search(analyzeQuery(q), {}, 10);
    expect(bounded.postingsWalked).toBe(1 + 27 + 75 * 2);
    expect(bounded.dropped).toBe(3);
  });

  it('holds with pruning on too (at most twice the bound: the split search, then the walk)', () => {
    INDEX_RANK_PARAMS.maxPostings = 200;
    INDEX_RANK_PARAMS.maxPostingsPerChunk = 0;
    INDEX_RANK_PARAMS.prune = 1;
    const bounded = index.search(analyzeQuery(q), {}, 1);
    expect(bounded.postingsWalked).toBeLessThanOrEqual(400);
    expect(bounded.dropped).toBe(3);
    expect(bounded.chunks[0]!.id).toBe('a7-1');
  });
});
