import { bm25Idf, type INDEX_RANK_PARAMS } from './params.js';
import type { RankingStore } from './store.js';

/**
 * Bounds for max-score pruning and the per-request work bound (search.ts). Nothing here scores:
 * it only says how much a term can add at most, in which order to walk terms and when to look.
 */

type RankParams = typeof INDEX_RANK_PARAMS;
type TermIds = ReadonlyMap<number, number>;

/**
 * Slack for comparing a partial score (summed best bound first) with final ones (summed in query
 * order, rounded to 1e-9): far above float error, far below any score difference that matters.
 */
export const PRUNE_MARGIN = 1e-6;

/** Postings of all the term's ids. */
export function postingsOf(s: RankingStore, ids: TermIds): number {
  let sum = 0;
  for (const id of ids.keys()) sum += s.postingLength(id);
  return sum;
}

/**
 * The most one query term can add to any chunk's score over the whole index: BM25 saturates at
 * idf × (k1 + 1) whatever the counts and lengths, and the term's chunk (article) frequency is at
 * least that of its commonest id, so its idf is at most the idf of that frequency.
 */
export function termBound(s: RankingStore, ids: TermIds, P: RankParams): number {
  let df = 0;
  let articleDf = 0;
  for (const id of ids.keys()) {
    df = Math.max(df, s.postingLength(id));
    articleDf = Math.max(articleDf, s.articleDf[id]!);
  }
  if (df === 0) return 0;
  return bm25Idf(s.chunkCount, df) * (P.k1 + 1) + P.article * bm25Idf(s.articleCount, Math.max(1, articleDf)) * (P.articleK1 + 1);
}

/**
 * The work bound: terms taken rarest first (fewest postings) while their postings together stay
 * within `budget`; the rest of the query (its commonest words) is left out. Query order is kept.
 */
export function withinBudget<T extends { ids: TermIds }>(s: RankingStore, matches: readonly T[], budget: number): T[] {
  const postings = matches.map((m) => postingsOf(s, m.ids));
  const rarestFirst = matches.map((_, i) => i).sort((x, y) => postings[x]! - postings[y]! || x - y);
  const kept = new Uint8Array(matches.length);
  let used = 0;
  for (const i of rarestFirst) {
    if (used + postings[i]! > budget) break;
    used += postings[i]!;
    kept[i] = 1;
  }
  return matches.filter((_, i) => kept[i] === 1);
}

export interface PruningPlan {
  /** Term positions, largest bound first. */
  order: number[];
  /** Σ bounds. */
  total: number;
  /** Walked postings after which the search stops looking for a split (then walks exhaustively). */
  giveUpAfter: number;
  /**
   * Whether a split is worth testing with `rest` left (Σ bounds of terms not walked): the partial
   * scores cannot exceed what was walked, and the test costs a pass over the touched chunks, so it
   * is run only when `rest` has halved since the last one.
   */
  worthChecking(rest: number): boolean;
}

/** How much of a query's postings may go into looking for a split before giving up. */
const GIVE_UP_SHARE = 0.5;

export function pruningPlan(bounds: readonly number[], postings: readonly number[]): PruningPlan {
  const order = bounds.map((_, i) => i).sort((x, y) => bounds[y]! - bounds[x]! || postings[x]! - postings[y]! || x - y);
  const total = bounds.reduce((sum, b) => sum + b, 0);
  let lastChecked = Infinity;
  return {
    order,
    total,
    giveUpAfter: GIVE_UP_SHARE * postings.reduce((sum, p) => sum + p, 0),
    worthChecking(rest) {
      if (total - rest <= rest || rest > 0.5 * lastChecked) return false;
      lastChecked = rest;
      return true;
    },
  };
}

/** The k-th largest value (1-based; the smallest when there are fewer): quickselect on a copy. */
export function kthLargest(values: Float64Array, k: number): number {
  const a = Float64Array.from(values);
  if (a.length === 0) return 0;
  const target = Math.min(k, a.length) - 1;
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}
