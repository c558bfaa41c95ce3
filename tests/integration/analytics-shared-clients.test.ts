/**
 * Several proxies over one Redis (a real redis-server): a reader sent to two proxies counts once
 * per query and day, not once per proxy; the shared set holds keyed hashes only and expires.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { redisKeys } from '../../server/analytics/client-key.js';
import { SearchAnalytics } from '../../server/analytics/collector.js';
import { RedisAnalyticsStore } from '../../server/analytics/redis-store.js';
import { redisSharedClients, SHARED_CLIENTS_TTL_HOURS } from '../../server/analytics/shared-clients.js';
import { redisSharedAnswers } from '../../server/analytics/shared-answers.js';
import { dayOf } from '../../server/analytics/store.js';
import { redisServerOrSkip, startRedis, type TestRedis } from '../support/redis.js';

const NS = 'news-search:shared-clients';

if (redisServerOrSkip('analytics shared clients')) {
  describe('distinct clients across proxies (REDIS_URL)', () => {
    let redisServer: TestRedis;
    let redis: Redis;
    let proxies: SearchAnalytics[];
    beforeAll(async () => {
      redisServer = await startRedis();
      redis = new Redis(redisServer.url);
      proxies = [0, 1].map(() => new SearchAnalytics(new RedisAnalyticsStore(redis, NS), { flushMs: 600_000, retentionDays: 395, log: createLogger('silent'), keys: redisKeys(redis, NS), sharedClients: redisSharedClients(redis, NS), sharedAnswers: redisSharedAnswers(redis, NS) }));
      for (const proxy of proxies) await proxy.start();
    });
    afterAll(async () => {
      for (const proxy of proxies ?? []) await proxy.stop(1000);
      redis?.disconnect();
      await redisServer?.stop();
    });

    const answer = (proxy: SearchAnalytics, q: string, address: string) => {
      const tally = proxy.tally({ q, total: 3, complete: true, articles: [], tags: [] })!;
      proxy.answered(tally, () => address);
      return tally.key;
    };
    const flushAll = async () => {
      for (const proxy of proxies) await proxy.flush();
    };

    it('counts a reader who reached both proxies once, and shows the query only at 5 distinct readers', async () => {
      const [a, b] = proxies as [SearchAnalytics, SearchAnalytics];
      let key = '';
      for (const n of [1, 2, 3]) {
        key = answer(a, 'переговоры', `10.1.0.${n}`);
        answer(b, 'Переговоры', `10.1.0.${n}`);
      }
      await flushAll();
      answer(a, 'переговоры', '10.1.0.4');
      answer(b, 'переговоры', '10.1.0.4');
      await flushAll();
      // Four readers, each seen by both proxies: summed per proxy this was 8 ≥ 5.
      expect(await proxies[0]!.store.visible([key])).toEqual(new Set());
      answer(b, 'переговоров', '10.1.0.5');
      await flushAll();
      expect(await proxies[0]!.store.visible([key])).toEqual(new Set([key]));
    });

    it('checks a report reaching the other proxy against what the first one answered (article, correction, tag)', async () => {
      const [a, b] = proxies as [SearchAnalytics, SearchAnalytics];
      const tally = a.tally({ q: 'gfhjv', total: 2, complete: true, correction: 'паром', articles: ['ferry-north'], tags: ['транспорт'] })!;
      a.answered(tally, () => '10.1.0.9');
      await a.flush();
      const base = { v: 1 as const, q: 'gfhjv', total: 2, more: 0, end: 'click' as const };
      b.report({ ...base, click: { position: 1, id: 'ferry-north-0-0' }, correction: { to: 'паром', rejected: false }, filters: { tag: 'транспорт' } }, '10.1.0.9');
      b.report({ ...base, click: { position: 2, id: 'made-up-0-0' }, correction: { to: 'made-up', rejected: false }, filters: { tag: 'made-up' } }, '10.1.0.9');
      await b.flush();
      const today = { from: dayOf(Date.now()), to: dayOf(Date.now()) };
      expect(await b.store.facts('article', today)).toEqual([{ key: 'ferry-north', sub: '', n: 1 }]);
      expect(await b.store.facts('correction', today)).toEqual([{ key: tally.key, sub: 'accepted\u001fпаром', n: 1 }]);
      expect(await b.store.facts('filter', today)).toEqual([{ key: 'tag', sub: 'транспорт', n: 1 }]);
      expect((await b.store.facts('position', today)).reduce((sum, r) => sum + r.n, 0)).toBe(2);
    });

    it('keeps keyed hashes only, in per-day keys that expire within 48 h', async () => {
      const answeredTtl = await redis.ttl(`${NS}:analytics:answered:${dayOf(Date.now())}`);
      // -2 (no key) and -1 (no expiry) would also be ≤ 48 h.
      expect(answeredTtl).toBeGreaterThan(0);
      expect(answeredTtl).toBeLessThanOrEqual(SHARED_CLIENTS_TTL_HOURS * 3600);
      const keys = await redis.keys(`${NS}:analytics:clients:*`);
      expect(keys.length).toBe(2);
      for (const name of keys) {
        const ttl = await redis.ttl(name);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(SHARED_CLIENTS_TTL_HOURS * 3600);
        const type = await redis.type(name);
        const dump = JSON.stringify(type === 'set' ? await redis.smembers(name) : await redis.hgetall(name));
        expect(dump).not.toContain('10.1.0.');
      }
    });
  });
}
