import type { RankingStore } from './store.js';

/**
 * The work bound of one search (search.ts): which of a query's terms are read, so that a query of
 * many common words reads at most a bounded number of postings (docs/api.md "Work per query").
 */

type TermIds = ReadonlyMap<number, number>;

/** Postings of all the term's ids. */
function postingsOf(s: RankingStore, ids: TermIds): number {
  let sum = 0;
  for (const id of ids.keys()) sum += s.postingLength(id);
  return sum;
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
