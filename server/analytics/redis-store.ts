/**
 * The analytics store for several proxies: Redis hashes per kind and day, written by one Lua
 * script per flush (redis-add-script.ts: atomic, adds). No key has an expiry, so a cache's
 * eviction policy cannot drop them (maxmemory-policy must not evict these keys, and Redis needs AOF
 * persistence: docs/analytics.md).
 *
 * Reports read rollups, not every daily field: for visible queries only, a hash per ISO week and a
 * sorted set per day and per week for each query table's score. A range is cut into whole weeks and
 * single days (segments() in store.ts), and each table's best rows come from the parts' sorted sets
 * by the threshold algorithm (Fagin et al.): take the K best of every part, read the exact sums of
 * those keys, and stop once the last row shown beats the sum of the parts' K-th scores (what any
 * key not yet seen can have at most); else K × 4. A 30-day dashboard reads O(parts × K) entries.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ADD_SCRIPT, FORGET_SCRIPT } from './redis-add-script.js';
import { addDays, QUERY_FIELDS, QUERY_ORDER_NAMES, QUERY_ORDERS, segments, topBy, type AnalyticsStore, type Day, type FactKind, type FactRow, type FlushBatch, type QueryOrder, type QueryRow, type QueryTops, type RisingWindow, type StoreRange } from './store.js';

const SEP = '\u001f';
const FACT_KINDS: readonly FactKind[] = ['position', 'correction', 'reformulation', 'filter', 'article', 'total'];
/** The sorted sets kept per part: one per query table's score (`searches` for rising). */
const SCORE_SETS = ['top', 'zero', 'noClicks', 'searches'] as const;

/** A part of a range: a whole ISO week (rollups) or a single day. */
interface Part {
  kind: 'w' | 'd';
  day: Day;
}

type Windows = Record<'range' | 'recent' | 'earlier', Part[]>;
const EMPTY_ROW: QueryRow = { key: '', answers: 0, answersZero: 0, searches: 0, searchesZero: 0, clicks: 0, noClicks: 0, clients: 0, recent: 0, earlier: 0 };

function partsOf(range: StoreRange, wholeFrom: Day): Part[] {
  if (range.from > range.to) return [];
  const { weeks, days } = segments(range, [], wholeFrom);
  return [...weeks.map((day) => ({ kind: 'w' as const, day })), ...days.map((day) => ({ kind: 'd' as const, day }))];
}

export class RedisAnalyticsStore implements AnalyticsStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.prefix = `${namespace}:analytics`;
  }

  private queriesOf(day: Day): string {
    return `${this.prefix}:q:${day}`;
  }
  private spellingsOf(day: Day): string {
    return `${this.prefix}:s:${day}`;
  }
  private factsOf(kind: FactKind, day: Day): string {
    return `${this.prefix}:f:${kind}:${day}`;
  }
  private get visibleKey(): string {
    return `${this.prefix}:visible`;
  }
  private get daysKey(): string {
    return `${this.prefix}:days`;
  }
  private get weeksKey(): string {
    return `${this.prefix}:weeks`;
  }
  private get lastKey(): string {
    return `${this.prefix}:last`;
  }
  private get prunedBeforeKey(): string {
    return `${this.prefix}:pruned_before`;
  }
  /** A key's spellings: field `day␟text`, so one key's are read without scanning a day's hash. */
  private spellingsOfKey(key: string): string {
    return `${this.prefix}:sp:${key}`;
  }
  private countsOf(part: Part): string {
    return part.kind === 'w' ? `${this.prefix}:w:${part.day}` : this.queriesOf(part.day);
  }
  private scoresOf(set: (typeof SCORE_SETS)[number], kind: Part['kind'], day: Day): string {
    return `${this.prefix}:z:${set}:${kind}:${day}`;
  }

  async add(batch: FlushBatch, today: Day, threshold: number): Promise<void> {
    await this.redis.eval(ADD_SCRIPT, 0, this.prefix, JSON.stringify(batch), today, String(threshold));
  }

  async answeredSince(keys: readonly string[], since: Day): Promise<Set<string>> {
    const days = await this.daysFrom(since);
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hmget(this.queriesOf(day), ...keys.map((k) => k + SEP + 'answers'));
    const rows = ((await pipeline.exec()) ?? []).map(([, value]) => value as (string | null)[]);
    return new Set(keys.filter((_, i) => rows.some((row) => Number(row[i] ?? 0) > 0)));
  }

  async queries(range: StoreRange, rising: RisingWindow, limit: number): Promise<QueryTops> {
    const wholeFrom = (await this.redis.get(this.prunedBeforeKey)) ?? '';
    const windows: Windows = {
      range: partsOf(range, wholeFrom),
      recent: partsOf({ from: rising.recentFrom, to: range.to }, wholeFrom),
      earlier: partsOf({ from: rising.earlierFrom, to: addDays(rising.recentFrom, -1) }, wholeFrom),
    };
    const rows = new Map<string, QueryRow>();
    const shown: Record<QueryOrder, string[]> = {
      top: await this.best('top', windows, rows, limit),
      zero: await this.best('zero', windows, rows, limit),
      noClicks: await this.best('noClicks', windows, rows, limit),
      rising: await this.rising(windows, limit),
    };
    await this.readRows(
      [...new Set(Object.values(shown).flat())].filter((key) => !rows.has(key)),
      windows,
      rows,
    );
    return Object.fromEntries(QUERY_ORDER_NAMES.map((order) => [order, shown[order].map((key) => rows.get(key)!)])) as QueryTops;
  }

  /**
   * One linear table's best `limit` keys by the threshold algorithm over the range parts' sorted
   * sets: the K best of each part, their exact scores (ZMSCORE in every part), and done once the
   * last key shown scores above the bound (the sum of the parts' K-th scores: the most a key not
   * seen can have). Only \`zero\` needs more than the score to tell which rows it takes.
   */
  private async best(order: 'top' | 'zero' | 'noClicks', windows: Windows, rows: Map<string, QueryRow>, limit: number): Promise<string[]> {
    const { take } = QUERY_ORDERS[order];
    const parts = windows.range;
    for (let k = Math.max(16, limit * 2); ; k *= 4) {
      const lists = await this.run<string[]>(parts.map((part) => ['zrevrange', this.scoresOf(order, part.kind, part.day), 0, k - 1, 'WITHSCORES']));
      let bound = 0;
      const seen = new Set<string>();
      for (const list of lists) {
        for (let i = 0; i < list.length; i += 2) seen.add(list[i]!);
        if (list.length === k * 2) bound += Number(list.at(-1));
      }
      const scores = await this.scores(order, parts, [...seen]);
      const ranked = [...seen].filter((key) => scores.get(key)! > 0).sort((a, b) => scores.get(b)! - scores.get(a)! || (a < b ? -1 : 1));
      let shown = ranked.slice(0, limit);
      if (order === 'zero') {
        shown = [];
        for (let i = 0; i < ranked.length && shown.length < limit; i += limit * 2) {
          const batch = ranked.slice(i, i + limit * 2);
          await this.readRows(batch.filter((key) => !rows.has(key)), windows, rows);
          shown.push(...batch.filter((key) => take(rows.get(key)!)).slice(0, limit - shown.length));
        }
      }
      if (bound === 0 || (shown.length === limit && scores.get(shown.at(-1)!)! > bound)) return shown;
    }
  }

  /**
   * Rising: Redis sums this week's and the four weeks before's searches of visible queries
   * (ZUNIONSTORE of the windows' sorted sets, into keys deleted at once and expiring in a minute
   * anyway) and keeps those that grew, recent − 0.375 × earlier ≥ 0 (recent ≥ 1.5 × the weekly
   * average), so steady queries never leave Redis; their two sums are then read for the ranking.
   */
  private async rising(windows: Windows, limit: number): Promise<string[]> {
    if (windows.recent.length === 0) return [];
    const tmp = `${this.prefix}-tmp:${randomUUID()}`;
    const [recentKey, earlierKey, grewKey] = [`${tmp}:recent`, `${tmp}:earlier`, `${tmp}:grew`];
    const setsOf = (parts: Part[]) => parts.map((part) => this.scoresOf('searches', part.kind, part.day));
    const union: (string | number)[][] = [['zunionstore', recentKey, windows.recent.length, ...setsOf(windows.recent)]];
    if (windows.earlier.length > 0) union.push(['zunionstore', earlierKey, windows.earlier.length, ...setsOf(windows.earlier)]);
    union.push(['zunionstore', grewKey, 2, recentKey, earlierKey, 'WEIGHTS', 1, -0.375]);
    for (const key of [recentKey, earlierKey, grewKey]) union.push(['pexpire', key, 60_000]);
    try {
      await this.run(union);
      const [grew] = await this.run<string[]>([['zrangebyscore', grewKey, 0, '+inf']]);
      const [recent, earlier] = await this.run<(string | null)[]>(
        grew!.length === 0 ? [] : [
          ['zmscore', recentKey, ...grew!],
          ['zmscore', earlierKey, ...grew!],
        ],
      );
      const { take, score } = QUERY_ORDERS.rising;
      const sums = grew!.map((key, i) => ({ ...EMPTY_ROW, key, recent: Number(recent?.[i] ?? 0), earlier: Number(earlier?.[i] ?? 0) }));
      return topBy(sums.filter(take), score, limit).map((r) => r.key);
    } finally {
      await this.redis.del(recentKey, earlierKey, grewKey);
    }
  }

  /** Each key's score summed over the parts' sorted sets (0 where absent). */
  private async scores(set: (typeof SCORE_SETS)[number], parts: Part[], keys: string[]): Promise<Map<string, number>> {
    const sums = new Map(keys.map((key) => [key, 0]));
    if (keys.length === 0) return sums;
    for (const values of await this.run<(string | null)[]>(parts.map((part) => ['zmscore', this.scoresOf(set, part.kind, part.day), ...keys]))) {
      keys.forEach((key, i) => sums.set(key, sums.get(key)! + Number(values[i] ?? 0)));
    }
    return sums;
  }

  /** Commands in one pipeline; their results, or the first error. */
  private async run<T>(commands: (string | number)[][]): Promise<T[]> {
    if (commands.length === 0) return [];
    const results = (await this.redis.pipeline(commands).exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value as T;
    });
  }

  /** The exact sums of `keys` over the range and the rising window, from the parts' hashes. */
  private async readRows(keys: string[], windows: Windows, rows: Map<string, QueryRow>): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) rows.set(key, { ...EMPTY_ROW, key });
    const pipeline = this.redis.pipeline();
    const allFields = keys.flatMap((key) => QUERY_FIELDS.map((f) => key + SEP + f));
    const searchFields = keys.map((key) => key + SEP + 'searches');
    for (const part of windows.range) pipeline.hmget(this.countsOf(part), ...allFields);
    for (const part of [...windows.recent, ...windows.earlier]) pipeline.hmget(this.countsOf(part), ...searchFields);
    const results = ((await pipeline.exec()) ?? []).map(([error, value]) => {
      if (error) throw error;
      return value as (string | null)[];
    });
    let next = 0;
    for (const _ of windows.range) {
      const values = results[next++]!;
      keys.forEach((key, i) => {
        const row = rows.get(key)!;
        QUERY_FIELDS.forEach((f, j) => (row[f] += Number(values[i * QUERY_FIELDS.length + j] ?? 0)));
      });
    }
    for (const window of ['recent', 'earlier'] as const) {
      for (const _ of windows[window]) {
        const values = results[next++]!;
        keys.forEach((key, i) => (rows.get(key)![window] += Number(values[i] ?? 0)));
      }
    }
  }

  async daily(range: StoreRange): Promise<{ day: Day; key: string; n: number }[]> {
    const out: { day: Day; key: string; n: number }[] = [];
    for (const [day, hash] of await this.hashes(range, (d) => this.factsOf('total', d))) {
      for (const [field, value] of Object.entries(hash)) out.push({ day, key: field.split(SEP)[0]!, n: Number(value) });
    }
    return out;
  }

  async facts(kind: FactKind, range: StoreRange): Promise<FactRow[]> {
    const sums = new Map<string, number>();
    for (const [, hash] of await this.hashes(range, (d) => this.factsOf(kind, d))) {
      for (const [field, value] of Object.entries(hash)) sums.set(field, (sums.get(field) ?? 0) + Number(value));
    }
    return [...sums].map(([field, n]) => {
      const cut = field.indexOf(SEP);
      return { key: field.slice(0, cut), sub: field.slice(cut + 1), n };
    });
  }

  async spellings(keys: readonly string[], range: StoreRange): Promise<Map<string, string>> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(this.spellingsOfKey(key));
    const results = (await pipeline.exec()) ?? [];
    const out = new Map<string, string>();
    keys.forEach((key, i) => {
      const texts = new Map<string, number>();
      for (const [field, value] of Object.entries((results[i]?.[1] ?? {}) as Record<string, string>)) {
        const day = field.slice(0, field.indexOf(SEP));
        if (day < range.from || day > range.to) continue;
        const text = field.slice(field.indexOf(SEP) + 1);
        texts.set(text, (texts.get(text) ?? 0) + Number(value));
      }
      const best = [...texts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      if (best) out.set(key, best[0]);
    });
    return out;
  }

  async visible(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const values = await this.redis.hmget(this.visibleKey, ...keys);
    return new Set(keys.filter((_, i) => values[i] !== null));
  }

  async prune(keepFrom: Day, hiddenKeepFrom: Day): Promise<void> {
    const days = await this.redis.smembers(this.daysKey);
    const visible = await this.redis.hgetall(this.visibleKey);
    const isVisible = (field: string) => field.slice(0, field.indexOf(SEP)) in visible;
    for (const day of days) {
      if (day < keepFrom) {
        await this.dropSpellings(day, () => true);
        await this.redis.del(this.queriesOf(day), this.spellingsOf(day), ...FACT_KINDS.map((k) => this.factsOf(k, day)), ...SCORE_SETS.map((set) => this.scoresOf(set, 'd', day)));
        await this.redis.srem(this.daysKey, day);
      } else if (day < hiddenKeepFrom) {
        await this.dropSpellings(day, (field) => !isVisible(field));
        for (const hash of [this.queriesOf(day), this.factsOf('correction', day), this.factsOf('reformulation', day)]) {
          const hidden = (await this.redis.hkeys(hash)).filter((field) => !isVisible(field));
          if (hidden.length > 0) await this.redis.hdel(hash, ...hidden);
        }
      }
    }
    // A week some of whose days are gone is read day by day from now on; one wholly gone, deleted.
    const goneWeeks = (await this.redis.smembers(this.weeksKey)).filter((week) => week <= addDays(keepFrom, -7));
    for (const week of goneWeeks) {
      await this.redis.del(`${this.prefix}:w:${week}`, ...SCORE_SETS.map((set) => this.scoresOf(set, 'w', week)));
      await this.redis.srem(this.weeksKey, week);
    }
    const gone = Object.entries(await this.redis.hgetall(this.lastKey))
      .filter(([, last]) => last < hiddenKeepFrom)
      .map(([key]) => key);
    for (let i = 0; i < gone.length; i += 1000) await this.redis.eval(FORGET_SCRIPT, 0, this.prefix, keepFrom, hiddenKeepFrom, ...gone.slice(i, i + 1000));
    const prunedBefore = await this.redis.get(this.prunedBeforeKey);
    if (!prunedBefore || prunedBefore < keepFrom) await this.redis.set(this.prunedBeforeKey, keepFrom);
  }

  /** A day's spellings out of the per-key hashes (then out of the day's hash, by the caller). */
  private async dropSpellings(day: Day, drop: (field: string) => boolean): Promise<void> {
    const fields = (await this.redis.hkeys(this.spellingsOf(day))).filter(drop);
    if (fields.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const field of fields) {
      const cut = field.indexOf(SEP);
      pipeline.hdel(this.spellingsOfKey(field.slice(0, cut)), day + SEP + field.slice(cut + 1));
    }
    pipeline.hdel(this.spellingsOf(day), ...fields);
    await pipeline.exec();
  }

  async close(): Promise<void> {}

  private async daysFrom(since: Day): Promise<Day[]> {
    return (await this.redis.smembers(this.daysKey)).filter((d) => d >= since);
  }

  /** The hashes of the range's days that exist, fetched in one pipeline. */
  private async hashes(range: StoreRange, name: (day: Day) => string): Promise<[Day, Record<string, string>][]> {
    const days = (await this.redis.smembers(this.daysKey)).filter((d) => d >= range.from && d <= range.to).sort();
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(name(day));
    const results = (await pipeline.exec()) ?? [];
    return days.map((day, i) => [day, (results[i]?.[1] ?? {}) as Record<string, string>]);
  }
}
