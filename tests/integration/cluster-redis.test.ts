import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpIndexVersion, connectRedis, redisRateLimitStore, SharedResponseCache } from '../../server/http/redis-stores.js';
import { redisServerOrSkip, startRedis, type TestRedis } from '../support/redis.js';

const hasRedis = redisServerOrSkip('cluster-redis');

let redis: TestRedis;
const clients: Redis[] = [];
const servers: Server[] = [];

/** Each "proxy" gets its own connection, as separate processes would. */
function connection(): Redis {
  const client = connectRedis(redis.url);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  await redis.stop();
});

async function proxy(limit: number, prefix: string): Promise<string> {
  const app = express();
  app.use(rateLimit({ windowMs: 60_000, limit, standardHeaders: 'draft-8', legacyHeaders: false, store: redisRateLimitStore(connection(), prefix) }));
  app.get('/api/search', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.runIf(hasRedis)('rate limiting shared by two proxies through Redis', () => {
  it('counts requests to either proxy against one budget per client', async () => {
    const [a, b] = [await proxy(3, 'rl-shared:'), await proxy(3, 'rl-shared:')];
    const statuses = [];
    for (const url of [a, b, a, b, a]) statuses.push((await fetch(`${url}/api/search`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});

describe.runIf(hasRedis)('the shared response cache', () => {
  it('an entry stored by one proxy is served by another', async () => {
    const [a, b] = [new SharedResponseCache(connection(), { namespace: 'c1', ttlSeconds: 60 }), new SharedResponseCache(connection(), { namespace: 'c1', ttlSeconds: 60 })];
    let computed = 0;
    const compute = async () => ({ hits: ++computed });
    expect(await a.getOrCompute('q=зерно', compute)).toEqual({ hits: 1 });
    expect(await b.getOrCompute('q=зерно', compute)).toEqual({ hits: 1 });
    expect(computed).toBe(1);
  });

  it('after the indexer bumps the index version every proxy misses', async () => {
    const [a, b] = [new SharedResponseCache(connection(), { namespace: 'c2', ttlSeconds: 60 }), new SharedResponseCache(connection(), { namespace: 'c2', ttlSeconds: 60 })];
    await a.getOrCompute('k', async () => 'old');
    await bumpIndexVersion(connection(), 'c2');
    expect((await a.lookup('k')).value).toBeUndefined();
    expect((await b.lookup('k')).value).toBeUndefined();
    expect(await b.getOrCompute('k', async () => 'new')).toBe('new');
    expect(await a.getOrCompute('k', async () => 'unused')).toBe('new');
  });

  it('a result computed while the index changed is never served as fresh', async () => {
    const cache = new SharedResponseCache(connection(), { namespace: 'c3', ttlSeconds: 60 });
    const lookedUp = await cache.lookup<string>('k');
    await bumpIndexVersion(connection(), 'c3');
    await cache.store('k', lookedUp, 'computed from the old index');
    expect((await cache.lookup('k')).value).toBeUndefined();
  });

  it('keeps namespaces (indexes) apart and expires entries', async () => {
    const client = connection();
    const news = new SharedResponseCache(client, { namespace: 'news', ttlSeconds: 1 });
    const other = new SharedResponseCache(client, { namespace: 'other', ttlSeconds: 1 });
    await news.getOrCompute('k', async () => 1);
    expect((await other.lookup('k')).value).toBeUndefined();
    const keys = await client.keys('news:v*');
    expect(await client.ttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('Redis being unreachable is a miss reported to onError, not a failed request', async () => {
    const dead = connectRedis('redis://127.0.0.1:1');
    clients.push(dead);
    const errors: unknown[] = [];
    const cache = new SharedResponseCache(dead, { namespace: 'c4', ttlSeconds: 60, onError: (e) => errors.push(e) });
    expect(await cache.getOrCompute('k', async () => 'from the engine')).toBe('from the engine');
    expect(errors.length).toBeGreaterThan(0);
  });
});
