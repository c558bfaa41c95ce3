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
  /** Distinct clients that day, counted with a keyed hash and capped at the threshold (only the count is kept). */
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
   * Adds a batch in one transaction, then marks as visible every query of the batch whose
   * `clients`, summed over the 7 days up to `today`, reached `threshold`.
   */
  add(batch: FlushBatch, today: Day, threshold: number): Promise<void>;
  /** Keys among `keys` with answers on `since` or later (reports for queries never answered are dropped). */
  answeredSince(keys: readonly string[], since: Day): Promise<Set<string>>;
  /** Per-query sums over the range, visible queries only, with the rising window's two sums (one pass). */
  queries(range: StoreRange, rising: RisingWindow): Promise<QueryRow[]>;
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

/** `day` shifted by `days` (negative = earlier). */
export function addDays(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function dayOf(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}
