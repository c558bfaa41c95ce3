/**
 * One conformance suite for both analytics stores (server/analytics/store.ts): the embedded SQLite
 * store and the Redis store (a real redis-server) must behave the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAnalyticsStore } from '../../server/analytics/redis-store.js';
import { SqliteAnalyticsStore } from '../../server/analytics/sqlite-store.js';
import { addDays, topsOf, type AnalyticsStore, type Day, type FlushBatch, type QueryCounts, type QueryRow, type StoreRange } from '../../server/analytics/store.js';
import { redisServerOrSkip, startRedis, type TestRedis } from '../support/redis.js';

const TODAY = '2026-03-20';

function query(day: string, key: string, counts: FlushBatch['queries'][number]['counts']): FlushBatch {
  return { queries: [{ day, key, counts }], spellings: [], facts: [] };
}

const FIELDS = ['answers', 'answersZero', 'searches', 'searchesZero', 'clicks', 'noClicks', 'clients'] as const;

/** 61 days of 150 queries of skewed popularity, some rising; a third reach 5 clients on one day (visible from then on, their earlier days included). */
function history(): { batches: FlushBatch[]; rows: { day: Day; key: string; counts: QueryCounts }[]; visible: Set<string> } {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows: { day: Day; key: string; counts: QueryCounts }[] = [];
  const visible = new Set<string>();
  const promotedOn = new Map<string, number>();
  for (let i = 0; i < 150; i++) if (i % 3 === 0) promotedOn.set(`запрос ${i}`, Math.floor(random() * 61));
  const batches: FlushBatch[] = [];
  for (let d = 0; d <= 60; d++) {
    const day = addDays(TODAY, d - 60);
    const batch: FlushBatch = { queries: [], spellings: [], facts: [] };
    for (let i = 0; i < 150; i++) {
      if (random() > 0.6 || (i % 10 === 7 && d < 50)) continue;
      const key = `запрос ${i}`;
      // Some queries grow 4× in the last week, some are new in the last 11 days: rising rows.
      const searches = (Math.floor(60 / (1 + i)) + Math.floor(random() * 4)) * (i % 10 === 3 && d >= 54 ? 4 : 1);
      const clicks = Math.floor(searches * random());
      const searchesZero = i % 5 === 1 ? Math.floor(searches * random()) : 0;
      const clients = promotedOn.get(key) === d ? 5 : 0;
      const counts: QueryCounts = { answers: searches * 2 + Math.floor(random() * 3), answersZero: i % 7 === 2 ? 1 + Math.floor(random() * 3) : 0, searches, searchesZero, clicks, noClicks: searches - clicks, clients };
      if (clients) visible.add(key);
      rows.push({ day, key, counts });
      batch.queries.push({ day, key, counts });
    }
    batches.push(batch);
  }
  return { batches, rows, visible };
}

/** What the stores must answer: every visible query's sums over the range and the rising window, day by day. */
function expected(data: ReturnType<typeof history>, range: StoreRange, limit: number, keepFrom: Day = '') {
  const recentFrom = addDays(range.to, -6);
  const earlierFrom = addDays(range.to, -34);
  const sums = new Map<string, QueryRow>();
  for (const { day, key, counts } of data.rows) {
    if (!data.visible.has(key) || day < keepFrom || day > range.to) continue;
    if (day < range.from && day < earlierFrom) continue;
    let row = sums.get(key);
    if (!row) sums.set(key, (row = { key, answers: 0, answersZero: 0, searches: 0, searchesZero: 0, clicks: 0, noClicks: 0, clients: 0, recent: 0, earlier: 0 }));
    if (day >= range.from) for (const f of FIELDS) row[f] += counts[f];
    if (day >= recentFrom) row.recent += counts.searches;
    else if (day >= earlierFrom) row.earlier += counts.searches;
  }
  return topsOf([...sums.values()], limit);
}

function conformance(name: string, open: () => Promise<{ store: AnalyticsStore; reopen?: () => Promise<AnalyticsStore>; fresh(): Promise<AnalyticsStore>; done(): Promise<void> }>) {
  describe(`analytics store conformance: ${name}`, () => {
    let store: AnalyticsStore;
    let handle: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      handle = await open();
      store = handle.store;
    });
    afterAll(() => handle.done());

    it('adds increments (upserts that add), and shows a query only after 5 clients on a day within 7 days', async () => {
      await store.add(query(TODAY, 'путин', { answers: 3, searches: 2, clicks: 1, noClicks: 1, clients: 2 }), TODAY, 5);
      await store.add(query(TODAY, 'путин', { answers: 2, searches: 1, searchesZero: 1, clients: 2 }), TODAY, 5);
      const range = { from: addDays(TODAY, -29), to: TODAY };
      expect((await store.queries(range, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) }, 10)).top).toEqual([]);
      expect(await store.visible(['путин'])).toEqual(new Set());
      await store.add(query(addDays(TODAY, -3), 'путин', { answers: 1, clients: 0 }), TODAY, 5);
      await store.add(query(TODAY, 'путин', { clients: 1 }), TODAY, 5);
      expect(await store.visible(['путин'])).toEqual(new Set(['путин']));
      const rows = (await store.queries(range, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) }, 10)).top;
      expect(rows).toEqual([{ key: 'путин', answers: 6, answersZero: 0, searches: 3, searchesZero: 1, clicks: 1, noClicks: 1, clients: 5, recent: 3, earlier: 0 }]);
    });

    it('needs the threshold on one day: one reader a day on 5 days stays hidden', async () => {
      // Clients are told apart within a day only: 1 a day on 5 days may well be one person.
      for (let d = 4; d >= 0; d--) await store.add(query(addDays(TODAY, -d), 'санкции', { answers: 1, searches: 1, clients: 1 }), addDays(TODAY, -d), 5);
      expect(await store.visible(['санкции'])).toEqual(new Set());
      await store.add(query(addDays(TODAY, -2), 'санкции', { clients: 3 }), TODAY, 5);
      expect(await store.visible(['санкции'])).toEqual(new Set());
      await store.add(query(addDays(TODAY, -2), 'санкции', { clients: 1 }), TODAY, 5);
      expect(await store.visible(['санкции'])).toEqual(new Set(['санкции']));
    });

    it('counts clients of the last 7 days only for the threshold', async () => {
      await store.add(query(addDays(TODAY, -8), 'визит', { answers: 1, clients: 4 }), addDays(TODAY, -8), 5);
      await store.add(query(TODAY, 'визит', { answers: 1, clients: 1 }), TODAY, 5);
      expect(await store.visible(['визит'])).toEqual(new Set());
    });

    it('keeps facts, spellings and per-day totals, summed over a range', async () => {
      const batch: FlushBatch = {
        queries: [],
        spellings: [
          { day: TODAY, key: 'путин', text: 'Путин', n: 3 },
          { day: TODAY, key: 'путин', text: 'путина', n: 1 },
          { day: addDays(TODAY, -1), key: 'путин', text: 'путина', n: 1 },
        ],
        facts: [
          { day: TODAY, kind: 'position', key: '1', sub: '', n: 4 },
          { day: addDays(TODAY, -1), kind: 'position', key: '1', sub: '', n: 1 },
          { day: TODAY, kind: 'correction', key: 'путин', sub: 'rejected\u001fпутина', n: 1 },
          { day: TODAY, kind: 'total', key: 'searches', sub: '', n: 7 },
          { day: addDays(TODAY, -1), kind: 'total', key: 'searches', sub: '', n: 2 },
        ],
      };
      await store.add(batch, TODAY, 5);
      await store.add(batch, TODAY, 5);
      const range = { from: addDays(TODAY, -6), to: TODAY };
      expect(await store.facts('position', range)).toEqual([{ key: '1', sub: '', n: 10 }]);
      expect(await store.facts('correction', range)).toEqual([{ key: 'путин', sub: 'rejected\u001fпутина', n: 2 }]);
      expect((await store.daily(range)).sort((a, b) => (a.day < b.day ? -1 : 1))).toEqual([
        { day: addDays(TODAY, -1), key: 'searches', n: 4 },
        { day: TODAY, key: 'searches', n: 14 },
      ]);
      expect(await store.spellings(['путин', 'нет'], range)).toEqual(new Map([['путин', 'Путин']]));
      expect(await store.facts('position', { from: TODAY, to: TODAY })).toEqual([{ key: '1', sub: '', n: 8 }]);
    });

    it('tells which queries were answered since a day', async () => {
      expect(await store.answeredSince(['путин', 'визит', 'никогда'], addDays(TODAY, -1))).toEqual(new Set(['путин', 'визит']));
      expect(await store.answeredSince(['визит'], addDays(TODAY, 1))).toEqual(new Set());
    });

    it('prunes old days, and below-threshold rows after 7 days; visible rows stay', async () => {
      const old = addDays(TODAY, -10);
      await store.add(query(old, 'редкий', { answers: 1, clients: 1 }), old, 5);
      await store.add({ queries: [], spellings: [{ day: old, key: 'редкий', text: 'редкий', n: 1 }], facts: [{ day: addDays(TODAY, -400), kind: 'total', key: 'searches', sub: '', n: 1 }] }, old, 5);
      await store.add(query(old, 'путин', { answers: 1 }), old, 5);
      await store.prune(addDays(TODAY, -395), addDays(TODAY, -7));
      expect(await store.answeredSince(['редкий', 'путин'], addDays(TODAY, -30))).toEqual(new Set(['путин']));
      expect(await store.spellings(['редкий'], { from: old, to: old })).toEqual(new Map());
      expect(await store.daily({ from: addDays(TODAY, -500), to: addDays(TODAY, -300) })).toEqual([]);
    });

    it('reads the same best rows as sums over every day: whole weeks, days at the ends, after pruning', async () => {
      const fresh = await handle.fresh();
      const data = history();
      for (const batch of data.batches) {
        // Each day in two flushes: the rollups add up like the daily rows.
        const half = Math.floor(batch.queries.length / 2);
        const day = batch.queries[0]!.day;
        await fresh.add({ ...batch, queries: batch.queries.slice(0, half) }, day, 5);
        await fresh.add({ ...batch, queries: batch.queries.slice(half) }, day, 5);
      }
      const ranges: StoreRange[] = [
        { from: addDays(TODAY, -29), to: TODAY },
        { from: '2026-02-16', to: '2026-03-15' },
        { from: addDays(TODAY, -45), to: addDays(TODAY, -10) },
        { from: TODAY, to: TODAY },
        { from: TODAY, to: addDays(TODAY, -1) },
        // Two whole ISO weeks; pruning below takes six days of the first.
        { from: '2026-02-02', to: '2026-02-15' },
      ];
      // The data fills every table (else the comparison below could not fail on it).
      for (const rows of Object.values(expected(data, ranges[0]!, 20))) expect(rows.length).toBeGreaterThan(3);
      const read = (range: StoreRange, limit: number) => fresh.queries(range, { earlierFrom: addDays(range.to, -34), recentFrom: addDays(range.to, -6) }, limit);
      for (const range of ranges) {
        for (const limit of [1, 5, 20, 1000]) expect(await read(range, limit), `${range.from}…${range.to}, ${limit}`).toEqual(expected(data, range, limit));
      }
      const keepFrom = addDays(TODAY, -40);
      await fresh.prune(keepFrom, addDays(TODAY, -7));
      for (const range of ranges) expect(await read(range, 20), `${range.from}…${range.to} after pruning`).toEqual(expected(data, range, 20, keepFrom));
      await fresh.close();
    });

    it('keeps everything across a reopen', async () => {
      if (!handle.reopen) return;
      await store.close();
      store = await handle.reopen();
      const rows = (await store.queries({ from: addDays(TODAY, -29), to: TODAY }, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) }, 10)).top;
      expect(rows.find((r) => r.key === 'путин')?.answers).toBe(7);
    });

    it('forgets a visible query once none of its days is left', async () => {
      const old = addDays(TODAY, -20);
      await store.add(query(old, 'старый', { answers: 2, searches: 2, clients: 5 }), old, 5);
      expect(await store.visible(['старый', 'путин'])).toEqual(new Set(['старый', 'путин']));
      await store.prune(addDays(TODAY, -10), addDays(TODAY, -7));
      expect(await store.visible(['старый', 'путин'])).toEqual(new Set(['путин']));
      // Shown again only after reaching the threshold again, with only what is left.
      await store.add(query(TODAY, 'старый', { answers: 1, searches: 1, clients: 4 }), TODAY, 5);
      expect(await store.visible(['старый'])).toEqual(new Set());
      await store.add(query(TODAY, 'старый', { clients: 1 }), TODAY, 5);
      const rows = (await store.queries({ from: addDays(TODAY, -29), to: TODAY }, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) }, 1000)).top;
      expect(rows.find((r) => r.key === 'старый')).toMatchObject({ answers: 1, searches: 1, clients: 5 });
    });
  });
}

conformance('SQLite (libsql)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'analytics-store-'));
  const file = path.join(dir, 'analytics.sqlite');
  let n = 0;
  return {
    store: new SqliteAnalyticsStore(file),
    reopen: async () => new SqliteAnalyticsStore(file),
    fresh: async () => new SqliteAnalyticsStore(path.join(dir, `fresh-${n++}.sqlite`)),
    done: () => rm(dir, { recursive: true, force: true }),
  };
});

if (redisServerOrSkip('analytics store conformance (Redis)')) {
  conformance('Redis', async () => {
    const server: TestRedis = await startRedis();
    const clients: Redis[] = [];
    const connect = (namespace = 'test') => {
      const redis = new Redis(server.url);
      clients.push(redis);
      return new RedisAnalyticsStore(redis, namespace);
    };
    let n = 0;
    return {
      store: connect(),
      reopen: async () => connect(),
      fresh: async () => connect(`fresh-${n++}`),
      async done() {
        for (const c of clients) c.disconnect();
        await server.stop();
      },
    };
  });
}
