/**
 * The one interface both analytics stores implement (SQLite embedded, Redis for several proxies),
 * held to the same behaviour by tests/integration/analytics-store.test.ts. Everything is a daily
 * counter that only ever adds: a flush is one batch of increments, applied atomically.
 */

/** UTC day, `YYYY-MM-DD`. */
export type Day = string;

/** Per analysed query and day (the key is queryKey()); every field an increment. */
export interface QueryCounts {
  /** Search answers the server sent (API, no-JS page, cache and fast-path hits included). */
  answers: number;
  /** Of those, complete answers (no failed shard) with no result. */
  answersZero: number;
  /** Final searches (widget reports, no-JS pages). */
  searches: number;
  /** Final searches with no result, not counting answers with failed shards or errors. */
  searchesZero: number;
  /** Final searches where a result was opened. */
  clicks: number;
  /** Final searches with results where nothing was opened. */
  noClicks: number;
  /** Distinct clients that day, counted with a keyed hash and capped at the threshold (only the count is kept; not comparable across days). */
  clients: number;
}

export const QUERY_FIELDS = ['answers', 'answersZero', 'searches', 'searchesZero', 'clicks', 'noClicks', 'clients'] as const satisfies readonly (keyof QueryCounts)[];

/**
 * Small-cardinality counters: `position` (key 1…10, 11-20, 21+), `correction` (key query, sub
 * `accepted|rejected\u001fcorrected text`), `reformulation` (key from-query, sub to-query), `filter`
 * (key e.g. `tag`, sub its value), `article` (key article id), `total` (key metric name).
 */
export type FactKind = 'position' | 'correction' | 'reformulation' | 'filter' | 'article' | 'total';

export interface FlushBatch {
  queries: { day: Day; key: string; counts: Partial<QueryCounts> }[];
  /** How a query was written (masked text), per day: the commonest is the one shown. */
  spellings: { day: Day; key: string; text: string; n: number }[];
  facts: { day: Day; kind: FactKind; key: string; sub: string; n: number }[];
}

export interface QueryRow extends QueryCounts {
  key: string;
  /** Final searches from `rising.recentFrom` to the range's end, and from `rising.earlierFrom` up to `recentFrom` (rising queries). */
  recent: number;
  earlier: number;
}

/** The rising-queries window, read in the same pass as the range (it may start before it). */
export interface RisingWindow {
  earlierFrom: Day;
  recentFrom: Day;
}

/**
 * The query tables' orders, defined once for both stores: which rows a table takes and by what it
 * ranks them (the best `limit`, ties by key). Sums over the range, except `rising` (this week
 * against the weekly average of the four before).
 */
export const QUERY_ORDERS = {
  top: { take: (r: QueryRow) => r.searches + r.answers > 0, score: (r: QueryRow) => r.searches * 1e9 + r.answers },
  zero: { take: (r: QueryRow) => r.searchesZero > 0 || (r.searches === 0 && r.answersZero > 0), score: (r: QueryRow) => r.searchesZero * 1e9 + r.answersZero },
  noClicks: { take: (r: QueryRow) => r.noClicks > 0, score: (r: QueryRow) => r.noClicks },
  rising: { take: (r: QueryRow) => r.recent >= 3 && r.recent >= (1.5 * r.earlier) / 4, score: (r: QueryRow) => r.recent / Math.max(1, r.earlier / 4) },
} as const;
export type QueryOrder = keyof typeof QUERY_ORDERS;
export const QUERY_ORDER_NAMES = Object.keys(QUERY_ORDERS) as QueryOrder[];
export type QueryTops = Record<QueryOrder, QueryRow[]>;

/** The `limit` highest by score (ties: by key). */
export function topBy<T extends { key: string }>(rows: readonly T[], score: (r: T) => number, limit: number): T[] {
  const scored = rows.map((r) => ({ r, s: score(r) }));
  scored.sort((a, b) => b.s - a.s || (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : 0));
  return scored.slice(0, limit).map((x) => x.r);
}

/** Each order's best `limit` of `rows` (every visible query's sums): the reference the stores must match. */
export function topsOf(rows: readonly QueryRow[], limit: number): QueryTops {
  return Object.fromEntries(QUERY_ORDER_NAMES.map((o) => [o, topBy(rows.filter(QUERY_ORDERS[o].take), QUERY_ORDERS[o].score, limit)])) as QueryTops;
}

export interface FactRow {
  key: string;
  sub: string;
  n: number;
}

export interface StoreRange {
  from: Day;
  to: Day;
}

export interface AnalyticsStore {
  /**
   * Adds a batch in one transaction, then marks as visible every query of the batch that had
   * `clients` ≥ `threshold` on some day of the 7 up to `today`. The most of any one day, never a
   * sum: clients are told apart within a day only (the hashing key changes daily), so a sum would
   * count one reader returning on 5 days as 5 clients.
   */
  add(batch: FlushBatch, today: Day, threshold: number): Promise<void>;
  /** Keys among `keys` with answers on `since` or later (reports for queries never answered are dropped). */
  answeredSince(keys: readonly string[], since: Day): Promise<Set<string>>;
  /**
   * For each order of QUERY_ORDERS, the best `limit` visible queries with their sums over the range
   * and the rising window's two sums: what the four query tables show, read once per request.
   */
  queries(range: StoreRange, rising: RisingWindow, limit: number): Promise<QueryTops>;
  /** Per-day sums of `total` facts (charts). */
  daily(range: StoreRange): Promise<{ day: Day; key: string; n: number }[]>;
  facts(kind: FactKind, range: StoreRange): Promise<FactRow[]>;
  /** The commonest spelling of each key over the range. */
  spellings(keys: readonly string[], range: StoreRange): Promise<Map<string, string>>;
  /** Keys that reached the threshold. */
  visible(keys: readonly string[]): Promise<Set<string>>;
  /** Deletes days before `keepFrom`, and below-threshold query rows before `hiddenKeepFrom`. */
  prune(keepFrom: Day, hiddenKeepFrom: Day): Promise<void>;
  close(): Promise<void>;
}

/** The Monday of `day`'s ISO week: the stores' weekly rollups are keyed by it. */
export function weekOf(day: Day): Day {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * A range cut into whole ISO weeks (read from weekly rollups) and single days: at its ends, around
 * each of `cuts` (a week is whole only if no cut falls inside it, so every part lies wholly on one
 * side of each cut), and in weeks starting before `wholeFrom` (pruning took some of their days).
 */
export function segments(range: StoreRange, cuts: readonly Day[] = [], wholeFrom: Day = ''): { weeks: Day[]; days: Day[] } {
  const weeks: Day[] = [];
  const days: Day[] = [];
  for (let day = range.from; day <= range.to; ) {
    const end = addDays(day, 6);
    if (weekOf(day) === day && end <= range.to && day >= wholeFrom && !cuts.some((c) => c > day && c <= end)) {
      weeks.push(day);
      day = addDays(day, 7);
    } else {
      days.push(day);
      day = addDays(day, 1);
    }
  }
  return { weeks, days };
}

/** `day` shifted by `days` (negative = earlier). */
export function addDays(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function dayOf(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}
