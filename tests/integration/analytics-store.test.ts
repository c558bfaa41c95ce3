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
import { addDays, type AnalyticsStore, type FlushBatch } from '../../server/analytics/store.js';
import { redisServerOrSkip, startRedis, type TestRedis } from '../support/redis.js';

const TODAY = '2026-03-20';

function query(day: string, key: string, counts: FlushBatch['queries'][number]['counts']): FlushBatch {
  return { queries: [{ day, key, counts }], spellings: [], facts: [] };
}

function conformance(name: string, open: () => Promise<{ store: AnalyticsStore; reopen?: () => Promise<AnalyticsStore>; done(): Promise<void> }>) {
  describe(`analytics store conformance: ${name}`, () => {
    let store: AnalyticsStore;
    let handle: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      handle = await open();
      store = handle.store;
    });
    afterAll(() => handle.done());

    it('adds increments (upserts that add), and shows a query only after 5 clients within 7 days', async () => {
      await store.add(query(TODAY, 'путин', { answers: 3, searches: 2, clicks: 1, noClicks: 1, clients: 2 }), TODAY, 5);
      await store.add(query(TODAY, 'путин', { answers: 2, searches: 1, searchesZero: 1, clients: 2 }), TODAY, 5);
      const range = { from: addDays(TODAY, -29), to: TODAY };
      expect(await store.queries(range, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) })).toEqual([]);
      expect(await store.visible(['путин'])).toEqual(new Set());
      await store.add(query(addDays(TODAY, -3), 'путин', { answers: 1, clients: 0 }), TODAY, 5);
      await store.add(query(TODAY, 'путин', { clients: 1 }), TODAY, 5);
      expect(await store.visible(['путин'])).toEqual(new Set(['путин']));
      const rows = await store.queries(range, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) });
      expect(rows).toEqual([{ key: 'путин', answers: 6, answersZero: 0, searches: 3, searchesZero: 1, clicks: 1, noClicks: 1, clients: 5, recent: 3, earlier: 0 }]);
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

    it('keeps everything across a reopen', async () => {
      if (!handle.reopen) return;
      await store.close();
      store = await handle.reopen();
      const rows = await store.queries({ from: addDays(TODAY, -29), to: TODAY }, { earlierFrom: addDays(TODAY, -34), recentFrom: addDays(TODAY, -6) });
      expect(rows.find((r) => r.key === 'путин')?.answers).toBe(7);
    });
  });
}

conformance('SQLite (libsql)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'analytics-store-'));
  const file = path.join(dir, 'analytics.sqlite');
  return {
    store: new SqliteAnalyticsStore(file),
    reopen: async () => new SqliteAnalyticsStore(file),
    done: () => rm(dir, { recursive: true, force: true }),
  };
});

if (redisServerOrSkip('analytics store conformance (Redis)')) {
  conformance('Redis', async () => {
    const server: TestRedis = await startRedis();
    const clients: Redis[] = [];
    const connect = () => {
      const redis = new Redis(server.url);
      clients.push(redis);
      return new RedisAnalyticsStore(redis, 'test');
    };
    return {
      store: connect(),
      reopen: async () => connect(),
      async done() {
        for (const c of clients) c.disconnect();
        await server.stop();
      },
    };
  });
}
