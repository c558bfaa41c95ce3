import { bm25, bm25Idf } from '../ranking/params.js';
import type { AnalyzedQuery, QueryTerm } from './analyze.js';
import { termKey } from './analyze.js';
import type { TermStats } from './term-stats.js';

/**
 * Re-ranking of engine candidates with BM25 over the stemmed field, plus two signals the engine's
 * bucket sort lacks: how much of the query the candidate's whole article covers (news queries
 * such as headlines spread their words over several sections) and exact (unstemmed) word matches,
 * so that «партнер» ranks the section saying «партнер» above one saying «партнера».
 */
export const RANK_PARAMS = {
  k1: 2,
  b: 0.75,
  /**
   * Weight of the article's query coverage next to the chunk's own BM25: high, so the article
   * decides the order and the chunk BM25 orders sections within it (docs/relevance.md has the sweep).
   */
  article: 10,
  /** Bonus per query term found exactly as typed, in idf units. */
  exact: 0.15,
  /** A prefix (as-you-type) match counts this much of a full match. */
  prefixMatch: 0.9,
};

export interface Candidate {
  id: string;
  articleId: string;
  /** Space-separated stems (the indexer's `stems` field). */
  stems: string;
  /** Folded words of the original text, when the candidate came with it (exact-match bonus). */
  exactWords: ReadonlySet<string> | undefined;
  /** Best position of this candidate in the engine's own rankings (0 = first). */
  engineRank: number;
}

export interface Scored<C extends Candidate> {
  candidate: C;
  score: number;
}

interface TermWeight {
  term: QueryTerm;
  idf: number;
}

export function rankCandidates<C extends Candidate>(query: AnalyzedQuery, stats: TermStats, candidates: readonly C[]): Scored<C>[] {
  const weights = termWeights(query, stats);
  const parsed = candidates.map((c) => ({ candidate: c, tokens: c.stems ? c.stems.split(' ') : [] }));
  const avgLength = Math.max(1, parsed.reduce((sum, p) => sum + p.tokens.length, 0) / Math.max(1, parsed.length));
  const perChunk = parsed.map(({ candidate, tokens }) => {
    const tfs = weights.map(({ term }) => termFrequency(term, tokens));
    return { candidate, tfs, length: tokens.length };
  });

  // Article coverage: for each article, which query terms occur in any of its candidate chunks.
  const articleTf = new Map<string, number[]>();
  for (const { candidate, tfs } of perChunk) {
    const sums = articleTf.get(candidate.articleId) ?? new Array<number>(weights.length).fill(0);
    tfs.forEach((tf, i) => (sums[i]! += tf));
    articleTf.set(candidate.articleId, sums);
  }

  const { k1, b } = RANK_PARAMS;
  return perChunk
    .map(({ candidate, tfs, length }) => {
      let chunkScore = 0;
      let exact = 0;
      tfs.forEach((tf, i) => {
        const { term, idf } = weights[i]!;
        if (tf > 0) chunkScore += bm25(idf, tf, k1, b, length / avgLength);
        if (candidate.exactWords?.has(term.surface)) exact += idf;
      });
      const coverage = articleTf.get(candidate.articleId)!.reduce((sum, tf, i) => sum + (tf > 0 ? weights[i]!.idf * (tf / (tf + k1)) : 0), 0);
      // Candidates with no stem match (typo-only) keep the engine's order, below every real match.
      const score = chunkScore + RANK_PARAMS.article * coverage + RANK_PARAMS.exact * exact + 1e-3 / (1 + candidate.engineRank);
      return { candidate, score };
    })
    .sort((x, y) => y.score - x.score || x.candidate.engineRank - y.candidate.engineRank);
}

function termWeights(query: AnalyzedQuery, stats: TermStats): TermWeight[] {
  const n = stats.documents;
  const known = query.terms.map((t) => stats.df.get(termKey(t)) ?? 0);
  // A prefix still being typed has no exact count of its own: give it a middling rarity.
  const fallbackDf = Math.max(1, Math.round(n / 100));
  return query.terms.map((term, i) => {
    const df = known[i]! > 0 ? known[i]! : term.prefix ? fallbackDf : 1;
    return { term, idf: bm25Idf(n, df) };
  });
}

/** Occurrences of any alternative of the term (phrases for multi-word ones) in the stem sequence. */
export function termFrequency(term: QueryTerm, tokens: readonly string[]): number {
  let tf = 0;
  for (const alternative of term.alternatives) {
    if (alternative.length === 1) {
      const stem = alternative[0]!;
      for (const token of tokens) if (token === stem) tf++;
    } else {
      tf += phraseCount(alternative, tokens);
    }
  }
  if (term.prefix) {
    // As-you-type: words that start with what was typed count too (a little less than a full match).
    const typed = term.surface;
    const stem = term.alternatives[0]![0]!;
    let partial = 0;
    for (const token of tokens) {
      if (token !== stem && (token.startsWith(typed) || (stem.length >= 4 && token.startsWith(stem)))) partial++;
    }
    tf += partial * RANK_PARAMS.prefixMatch;
  }
  return tf;
}

function phraseCount(phrase: readonly string[], tokens: readonly string[]): number {
  let count = 0;
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((p, j) => tokens[i + j] === p)) count++;
  }
  return count;
}
