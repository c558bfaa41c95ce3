/**
 * The analytics store for several proxies: Redis hashes, one per kind and day, with HINCRBY (adds)
 * in one MULTI per flush. No key has an expiry, so a cache's eviction policy cannot drop them
 * (maxmemory-policy must not evict these keys, and Redis needs AOF persistence: docs/analytics.md).
 */
import type { Redis } from 'ioredis';
import { addDays, QUERY_FIELDS, type AnalyticsStore, type Day, type FactKind, type FactRow, type FlushBatch, type QueryRow, type RisingWindow, type StoreRange } from './store.js';

const SEP = '\u001f';
const FACT_KINDS: readonly FactKind[] = ['position', 'correction', 'reformulation', 'filter', 'article', 'total'];

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

  async add(batch: FlushBatch, today: Day, threshold: number): Promise<void> {
    const multi = this.redis.multi();
    const days = new Set<Day>();
    const touched = new Set<string>();
    for (const q of batch.queries) {
      days.add(q.day);
      for (const field of QUERY_FIELDS) {
        const n = q.counts[field] ?? 0;
        if (n !== 0) multi.hincrby(this.queriesOf(q.day), q.key + SEP + field, n);
      }
      if (q.counts.clients) touched.add(q.key);
    }
    for (const s of batch.spellings) {
      days.add(s.day);
      multi.hincrby(this.spellingsOf(s.day), s.key + SEP + s.text, s.n);
    }
    for (const f of batch.facts) {
      days.add(f.day);
      multi.hincrby(this.factsOf(f.kind, f.day), f.key + SEP + f.sub, f.n);
    }
    if (days.size > 0) multi.sadd(this.daysKey, ...days);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('analytics: the Redis transaction was discarded');
    await this.promote([...touched], today, threshold);
  }

  /** Visible once the week's daily distinct-client counts add up to the threshold (recomputed on every touch: converges). */
  private async promote(keys: readonly string[], today: Day, threshold: number): Promise<void> {
    if (keys.length === 0) return;
    const week = Array.from({ length: 7 }, (_, i) => addDays(today, -i));
    const pipeline = this.redis.pipeline();
    for (const day of week) pipeline.hmget(this.queriesOf(day), ...keys.map((k) => k + SEP + 'clients'));
    const rows = ((await pipeline.exec()) ?? []).map(([, value]) => value as (string | null)[]);
    const promote = this.redis.pipeline();
    keys.forEach((key, i) => {
      const sum = rows.reduce((total, row) => total + Number(row[i] ?? 0), 0);
      if (sum >= threshold) promote.hsetnx(this.visibleKey, key, today);
    });
    await promote.exec();
  }

  async answeredSince(keys: readonly string[], since: Day): Promise<Set<string>> {
    const days = await this.daysFrom(since);
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hmget(this.queriesOf(day), ...keys.map((k) => k + SEP + 'answers'));
    const rows = ((await pipeline.exec()) ?? []).map(([, value]) => value as (string | null)[]);
    return new Set(keys.filter((_, i) => rows.some((row) => Number(row[i] ?? 0) > 0)));
  }

  async queries(range: StoreRange, rising: RisingWindow): Promise<QueryRow[]> {
    const visible = await this.redis.hgetall(this.visibleKey);
    const rows = new Map<string, QueryRow>();
    const low = range.from < rising.earlierFrom ? range.from : rising.earlierFrom;
    for (const [day, hash] of await this.hashes({ from: low, to: range.to }, (d) => this.queriesOf(d))) {
      const inRange = day >= range.from;
      for (const [field, value] of Object.entries(hash)) {
        const cut = field.lastIndexOf(SEP);
        const key = field.slice(0, cut);
        if (!(key in visible)) continue;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { key, answers: 0, answersZero: 0, searches: 0, searchesZero: 0, clicks: 0, noClicks: 0, clients: 0, recent: 0, earlier: 0 }));
        const name = field.slice(cut + 1) as (typeof QUERY_FIELDS)[number];
        const n = Number(value);
        if (inRange) row[name] += n;
        if (name === 'searches') {
          if (day >= rising.recentFrom) row.recent += n;
          else if (day >= rising.earlierFrom) row.earlier += n;
        }
      }
    }
    return [...rows.values()];
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
    const wanted = new Set(keys);
    const counts = new Map<string, Map<string, number>>();
    for (const [, hash] of await this.hashes(range, (d) => this.spellingsOf(d))) {
      for (const [field, value] of Object.entries(hash)) {
        const cut = field.indexOf(SEP);
        const key = field.slice(0, cut);
        if (!wanted.has(key)) continue;
        const texts = counts.get(key) ?? new Map<string, number>();
        counts.set(key, texts);
        const text = field.slice(cut + 1);
        texts.set(text, (texts.get(text) ?? 0) + Number(value));
      }
    }
    return new Map([...counts].map(([key, texts]) => [key, [...texts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0]]));
  }

  async visible(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const values = await this.redis.hmget(this.visibleKey, ...keys);
    return new Set(keys.filter((_, i) => values[i] !== null));
  }

  async prune(keepFrom: Day, hiddenKeepFrom: Day): Promise<void> {
    const days = await this.redis.smembers(this.daysKey);
    const visible = await this.redis.hgetall(this.visibleKey);
    for (const day of days) {
      if (day < keepFrom) {
        await this.redis.del(this.queriesOf(day), this.spellingsOf(day), ...FACT_KINDS.map((k) => this.factsOf(k, day)));
        await this.redis.srem(this.daysKey, day);
      } else if (day < hiddenKeepFrom) {
        for (const hash of [this.queriesOf(day), this.spellingsOf(day), this.factsOf('correction', day), this.factsOf('reformulation', day)]) {
          const hidden = (await this.redis.hkeys(hash)).filter((field) => !(field.slice(0, field.indexOf(SEP)) in visible));
          if (hidden.length > 0) await this.redis.hdel(hash, ...hidden);
        }
      }
    }
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
