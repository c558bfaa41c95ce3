/**
 * The editors' reports, computed from the store for a date range: per-day figures for the charts,
 * and the tables (each also exported as JSON and CSV). Only queries that reached the client
 * threshold appear (the store returns visible queries only); each is shown in its commonest spelling.
 */
import { ParameterError } from '../../core/errors.js';
import { addDays, dayOf, topBy, type AnalyticsStore, type Day, type QueryOrder, type QueryRow, type QueryTops, type StoreRange } from './store.js';
import { withReformulationLines, withZeroResultLines } from './synonym-candidates.js';

export const REPORT_NAMES = ['top-queries', 'zero-results', 'no-clicks', 'rising', 'corrections', 'reformulations', 'filters', 'articles', 'daily', 'positions'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface ReportQuery extends StoreRange {
  limit: number;
}

export type Cell = string | number;
export interface Table {
  columns: readonly string[];
  rows: Cell[][];
}

export const DEFAULT_DAYS = 30;
export const MAX_LIMIT = 1000;
/** ANALYTICS_RETENTION_DAYS' largest value (core/config.ts): nothing is kept longer. */
const MAX_RANGE_DAYS = 3660;
/** The rising report compares the last 7 days with the 28 before. */
const RISING_DAYS = 35;
const POSITION_BUCKETS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11-20', '21+'];

/** `from`, `to` (YYYY-MM-DD; default the last 30 days) and `limit` (1…1000) from a query string; 400 names the parameter. */
export function parseReportQuery(query: Record<string, unknown>, defaultLimit: number, now = Date.now()): ReportQuery {
  const day = (name: string, fallback: Day): Day => {
    const value = query[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || dayOf(Date.parse(`${value}T00:00:00Z`)) !== value) {
      throw new ParameterError(name, 'must be a date YYYY-MM-DD');
    }
    return value;
  };
  // No row is older than the longest retention or newer than tomorrow: the range is cut to that, so
  // a schema-valid `from=1900-01-01&to=2100-12-30` walks ~10 years of days, not 200. `from` after
  // `to` is an empty range (every date is schema-valid), as for the search's own date filter.
  const today = dayOf(now);
  const earliest = addDays(today, -MAX_RANGE_DAYS);
  const latest = addDays(today, 1);
  const clamp = (d: Day): Day => (d < earliest ? earliest : d > latest ? latest : d);
  const to = clamp(day('to', today));
  const from = clamp(day('from', addDays(to, -(DEFAULT_DAYS - 1))));
  const rawLimit = query['limit'];
  let limit = defaultLimit;
  if (rawLimit !== undefined) {
    if (typeof rawLimit !== 'string' || !/^\d{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_LIMIT) {
      throw new ParameterError('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    }
    limit = Number(rawLimit);
  }
  return { from, to, limit };
}

const rate = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

/** Reports over one range, reading each part of the store at most once and only when asked for. */
export class Reports {
  private queryTops: Promise<QueryTops> | undefined;

  constructor(
    private readonly store: AnalyticsStore,
    readonly range: ReportQuery,
  ) {}

  async table(name: ReportName): Promise<Table> {
    switch (name) {
      case 'top-queries':
        return this.queryTable('top', ['query', 'searches', 'answers', 'zero_result_pct', 'ctr_pct'], (r) => [r.searches, r.answers, rate(r.searchesZero, r.searches), rate(r.clicks, r.searches)]);
      case 'zero-results':
        return withZeroResultLines(
          await this.queryTable('zero', ['query', 'zero_result_searches', 'zero_result_answers', 'searches'], (r) => [r.searchesZero, r.answersZero, r.searches]),
          await this.reformulations(),
        );
      case 'no-clicks':
        return this.queryTable('noClicks', ['query', 'searches_without_click', 'searches', 'ctr_pct'], (r) => [r.noClicks, r.searches, rate(r.clicks, r.searches)]);
      case 'rising':
        return this.queryTable('rising', ['query', 'this_week', 'weekly_average_before', 'growth'], (r) => [
          r.recent,
          Math.round((r.earlier / 4) * 10) / 10,
          Math.round((r.recent / Math.max(1, r.earlier / 4)) * 10) / 10,
        ]);
      case 'corrections':
        return this.corrections();
      case 'reformulations':
        return withReformulationLines(await this.reformulations());
      case 'filters': {
        const rows = (await this.store.facts('filter', this.range)).sort((a, b) => b.n - a.n).slice(0, this.range.limit);
        return { columns: ['filter', 'value', 'searches'], rows: rows.map((r) => [r.key, r.sub, r.n]) };
      }
      case 'articles': {
        const rows = (await this.store.facts('article', this.range)).sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1)).slice(0, this.range.limit);
        return { columns: ['article', 'opened'], rows: rows.map((r) => [r.key, r.n]) };
      }
      case 'daily':
        return this.daily();
      case 'positions': {
        const counts = new Map((await this.store.facts('position', this.range)).map((r) => [r.key, r.n]));
        return { columns: ['position', 'clicks'], rows: POSITION_BUCKETS.map((b) => [b, counts.get(b) ?? 0]) };
      }
    }
  }

  /** One row per day of the range: answers, final searches, zero-result searches, clicks, and the rates. */
  async daily(): Promise<Table> {
    const byDay = new Map<Day, Record<string, number>>();
    for (const row of await this.store.daily(this.range)) {
      const day = byDay.get(row.day) ?? {};
      day[row.key] = (day[row.key] ?? 0) + row.n;
      byDay.set(row.day, day);
    }
    const rows: Cell[][] = [];
    for (let day = this.range.from; day <= this.range.to; day = addDays(day, 1)) {
      const d = byDay.get(day) ?? {};
      const searches = d['searches'] ?? 0;
      rows.push([day, d['answers'] ?? 0, searches, d['zero'] ?? 0, d['clicks'] ?? 0, rate(d['zero'] ?? 0, searches), rate(d['clicks'] ?? 0, searches)]);
    }
    return { columns: ['day', 'answers', 'searches', 'zero_result_searches', 'clicks', 'zero_result_pct', 'ctr_pct'], rows };
  }

  /** Spellings over the range, or the rising window when that starts earlier (rising rows come from it). */
  private spellingRange(): StoreRange {
    const risingFrom = addDays(this.range.to, -(RISING_DAYS - 1));
    return { from: risingFrom < this.range.from ? risingFrom : this.range.from, to: this.range.to };
  }

  /** One reading of the store gives the four query tables (their orders: QUERY_ORDERS in store.ts). */
  private queries(): Promise<QueryTops> {
    return (this.queryTops ??= this.store.queries(this.range, { earlierFrom: addDays(this.range.to, -(RISING_DAYS - 1)), recentFrom: addDays(this.range.to, -6) }, this.range.limit));
  }

  /** An order's best `limit` rows, each query in its commonest spelling. */
  private async queryTable(order: QueryOrder, columns: string[], cells: (r: QueryRow) => Cell[]): Promise<Table> {
    const best = (await this.queries())[order];
    const spellings = await this.store.spellings(
      best.map((r) => r.key),
      this.spellingRange(),
    );
    return { columns, rows: best.map((r) => [spellings.get(r.key) ?? r.key, ...cells(r)]) };
  }

  private async corrections(): Promise<Table> {
    const pairs = new Map<string, { key: string; to: string; accepted: number; rejected: number }>();
    for (const row of await this.store.facts('correction', this.range)) {
      const cut = row.sub.indexOf('\u001f');
      const status = row.sub.slice(0, cut);
      const to = row.sub.slice(cut + 1);
      const pair = pairs.get(row.key + '\u001f' + to) ?? { key: row.key, to, accepted: 0, rejected: 0 };
      if (status === 'rejected') pair.rejected += row.n;
      else pair.accepted += row.n;
      pairs.set(row.key + '\u001f' + to, pair);
    }
    const visible = await this.store.visible([...new Set([...pairs.values()].map((p) => p.key))]);
    const best = topBy([...pairs.values()].filter((p) => visible.has(p.key)), (p) => p.accepted + p.rejected, this.range.limit);
    const spellings = await this.store.spellings(best.map((p) => p.key), this.range);
    return { columns: ['query', 'corrected_to', 'accepted', 'rejected'], rows: best.map((p) => [spellings.get(p.key) ?? p.key, p.to, p.accepted, p.rejected]) };
  }

  /** Read once per request: the zero-results table's synonym lines use it too. */
  private reformulationTable: Promise<Table> | undefined;

  private reformulations(): Promise<Table> {
    return (this.reformulationTable ??= this.readReformulations());
  }

  private async readReformulations(): Promise<Table> {
    const rows = await this.store.facts('reformulation', this.range);
    const visible = await this.store.visible([...new Set(rows.flatMap((r) => [r.key, r.sub]))]);
    const best = topBy(rows.filter((r) => visible.has(r.key) && visible.has(r.sub)), (r) => r.n, this.range.limit);
    const spellings = await this.store.spellings([...new Set(best.flatMap((r) => [r.key, r.sub]))], this.spellingRange());
    return { columns: ['searched_first', 'then_found_with', 'times'], rows: best.map((r) => [spellings.get(r.key) ?? r.key, spellings.get(r.sub) ?? r.sub, r.n]) };
  }
}
