import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { loadConfig } from '../../core/config.js';
import { shardFor } from '../../core/engine/cluster.js';
import { createLogger } from '../../core/logger.js';
import { runIndexer } from '../../indexer/run.js';
import { runShardedIndexer } from '../../indexer/shards.js';
import { startSystem, type RunningSystem } from '../../server/system.js';
import { restartShard, shardTargets, startShards, stopShards, writeClusterCorpus, type TestShard } from '../support/cluster.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { redisServerOrSkip, startRedis, type TestRedis } from '../support/redis.js';

const hasRedis = redisServerOrSkip('cluster-server');
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * `npm start` over 3 real engines and a real redis-server: two proxies (startSystem, as main.ts
 * runs it) answer like one engine holding everything, flag a dead shard, share the cache, its
 * invalidation and the rate limit through Redis, and keep answering without Redis.
 */
const uid = uniqueIndexUid('cluster_server');
const RATE_LIMIT = 400;
const QUERIES = ['зерно', 'экспорт зерна', 'метро Казань', 'вратарь финал', 'снег дороги', 'Омск'];
const SLOW_MACHINE_MS = 180_000;

let corpus = '';
let extra = '';
let shards: TestShard[] = [];
let redis: TestRedis;
let single: TestServer;
const proxies: RunningSystem[] = [];
const logLines: string[] = [];

function systemConfig(skipIndexOnStart: boolean) {
  return loadConfig({
    MEILI_SHARDS: JSON.stringify(shards.map((s) => ({ name: s.name, url: s.engine.url, masterKey: s.engine.masterKey }))),
    REDIS_URL: redis.url,
    INDEX_UID: uid,
    HOST: '127.0.0.1',
    PORT: '0',
    ARTICLES_DIR: corpus,
    SKIP_INDEX_ON_START: skipIndexOnStart ? 'true' : 'false',
    INDEX_POLL_MS: '200',
    RATE_LIMIT: String(RATE_LIMIT),
    ENGINE_TIMEOUT_MS: '5000',
    LOG_QUERIES: 'false',
  });
}

async function get(base: string, route: string): Promise<{ status: number; body: any; cache: string | null }> {
  const res = await fetch(`${base}${route}`);
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, cache: res.headers.get('x-cache') };
}

const search = (base: string, q: string, extraParams = '') => get(base, `/api/search?q=${encodeURIComponent(q)}${extraParams}`);

/** The answer without the one field that depends on timing. */
function comparable(body: SearchResponse): Omit<SearchResponse, 'processingTimeMs'> {
  const { processingTimeMs: _ignored, ...rest } = body;
  return rest;
}

/** Polls until `check` passes (index changes reach the proxies within a poll or two). */
async function eventually(check: () => Promise<void>, tries = 100): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await check();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

beforeAll(async () => {
  corpus = await writeClusterCorpus(40);
  extra = await mkdtemp(path.join(os.tmpdir(), 'news-cluster-extra-'));
  [shards, redis] = await Promise.all([startShards(['a', 'b', 'c']), startRedis()]);
  const log = createLogger('info', { write: (line: string) => void logLines.push(line) });
  // The first proxy indexes the folder onto the shards at start-up, the second only serves.
  proxies.push(await startSystem(systemConfig(false), log));
  proxies.push(await startSystem(systemConfig(true), log));
  await runIndexer(adminEngine(), uid, { paths: [corpus], prune: false });
  single = await startTestServer(uid);
}, SLOW_MACHINE_MS);

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await single?.close();
  await stopShards(shards);
  await redis?.stop();
  await deleteIndex(uid);
  await Promise.all([corpus, extra].map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.runIf(hasRedis)('two proxies over 3 shards and Redis', { timeout: SLOW_MACHINE_MS }, () => {
  it('spread the articles over all shards at start-up', async () => {
    const counts = await Promise.all(shardTargets(shards).map(async (t) => (await t.engine.index(uid).getStats()).numberOfDocuments));
    for (const count of counts) expect(count).toBeGreaterThan(0);
  });

  it.each(QUERIES)('answer %s identically on both proxies, GET and POST', async (q) => {
    const [a, b] = await Promise.all([search(proxies[0]!.url, q, '&limit=10'), search(proxies[1]!.url, q, '&limit=10')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.hits.length).toBeGreaterThan(0);
    expect(a.body).not.toHaveProperty('partial');
    expect(comparable(b.body)).toEqual(comparable(a.body));
    const posted = await fetch(`${proxies[1]!.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q, limit: 10 }) });
    expect(comparable((await posted.json()) as SearchResponse)).toEqual(comparable(a.body));
  });

  /**
   * Both rank with the ranking index, which each proxy builds from every shard (the single server
   * from its one engine): the same chunks, the same statistics, ties broken by chunk id — so the
   * whole result list agrees, not only its head (the engine-candidate path, used while a ranking
   * index is rebuilt, agrees on the best hits only: docs/cluster.md).
   */
  it.each(QUERIES)('ranks every hit for %s exactly like one engine holding all articles', async (q) => {
    const [cluster, one] = [await search(proxies[0]!.url, q, '&limit=50'), await search(single.baseUrl, q, '&limit=50')];
    const ids = (body: SearchResponse) => body.hits.map((h) => h.id);
    expect(ids(cluster.body).length).toBeGreaterThan(0);
    expect(ids(cluster.body)).toEqual(ids(one.body));
    const articles = (body: SearchResponse) => [...new Set(body.hits.map((h) => h.article.id))].slice(0, 10);
    expect(articles(cluster.body)).toEqual(articles(one.body));
  });

  it('groups by article, sorts by date and corrects the keyboard layout like one engine', async () => {
    for (const params of ['&group=article', '&sort=date', '&tag=nonexistent']) {
      const [a, one] = [await search(proxies[0]!.url, 'зерно', params), await search(single.baseUrl, 'зерно', params)];
      expect(a.status).toBe(200);
      expect(comparable(a.body)).toEqual(comparable(one.body));
    }
    const [a, one] = [await search(proxies[1]!.url, 'pthyj'), await search(single.baseUrl, 'pthyj')];
    expect(a.body.correctedQuery).toBe('зерно');
    expect(comparable(a.body)).toEqual(comparable(one.body));
  });

  /** Chunks in a proxy's current ranking index (0 while it is rebuilt after an index change). */
  async function rankingChunks(url: string): Promise<number> {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^ranking_index_chunks (\d+)/m.exec(text)?.[1] ?? 0);
  }

  it('serve a cached answer to the other proxy, and both miss after an index change', async () => {
    // Answers are shared between proxies that rank with the same index version.
    let chunks = 0;
    await eventually(async () => {
      const counts = await Promise.all(proxies.map((p) => rankingChunks(p.url)));
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[1]).toBe(counts[0]);
      chunks = counts[0]!;
    });
    const first = await search(proxies[0]!.url, 'элеватор');
    expect(first.cache).toBe('miss');
    const other = await search(proxies[1]!.url, 'элеватор');
    expect(other.cache).toBe('hit');
    expect(other.body).toEqual(first.body);

    await writeFile(path.join(extra, 'elevator-new.txt'), ' date 2025-11-01 Омск\nНовый элеватор открыт\n\nОМСК, 1 ноя — Тест. Элеватор на двести тысяч тонн зерна открыли под Омском.\n');
    const indexed = await runShardedIndexer(shardTargets(shards), uid, { paths: [corpus, extra], prune: false, reshard: false });
    expect(indexed.failed).toBe(0);
    // No proxy serves the old answer once it has seen the change (each rebuilds its ranking index).
    for (const proxy of proxies) {
      await eventually(async () => {
        const after = await search(proxy.url, 'элеватор');
        expect(after.body.total).toBe(first.body.total + 1);
      });
    }
    await eventually(async () => {
      for (const proxy of proxies) expect(await rankingChunks(proxy.url)).toBe(chunks + 1);
    });
    const fresh = await search(proxies[0]!.url, 'элеватор зерна');
    const fromOther = await search(proxies[1]!.url, 'элеватор зерна');
    expect(fresh.cache).toBe('miss');
    expect(fromOther.cache).toBe('hit');
    expect(fromOther.body).toEqual(fresh.body);
  });

  it('find every article on its shard, and report every shard ready', async () => {
    const hits = (await search(proxies[0]!.url, 'новостях', '&limit=50&group=article')).body.hits as { article: { id: string } }[];
    const ids = [...new Set(hits.map((h) => h.article.id))];
    expect(new Set(ids.map((id) => shardFor(id, ['a', 'b', 'c'])))).toEqual(new Set(['a', 'b', 'c']));
    for (const id of ids.slice(0, 6)) {
      const article = await get(proxies[1]!.url, `/api/articles/${id}`);
      expect(article.status).toBe(200);
      expect(article.body.id).toBe(id);
      expect((await get(proxies[0]!.url, `/articles/${id}`)).status).toBe(200);
    }
    expect((await get(proxies[0]!.url, '/api/articles/no-such-article')).status).toBe(404);
    expect(await get(proxies[0]!.url, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', shards: { a: 'ready', b: 'ready', c: 'ready' } } });
  });

  it('answer 200 with partial results naming a killed shard, never a 5xx, and full results once it is back', async () => {
    const full = await search(proxies[0]!.url, 'новостях', '&limit=20');
    const c = shards[2]!;
    const onC = ((await search(proxies[0]!.url, 'новостях', '&limit=50&group=article')).body.hits as { article: { id: string } }[])
      .map((h) => h.article.id)
      .find((id) => shardFor(id, ['a', 'b', 'c']) === 'c')!;
    await c.engine.stop();

    for (const proxy of proxies) {
      // Queries not asked before: a cached full answer would be correct but prove nothing here.
      for (const q of ['новостях', 'метро', 'зерно урожай']) {
        const answer = await search(proxy.url, q, `&limit=${proxies.indexOf(proxy) + 11}`);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ partial: true, failedShards: ['c'] });
        expect(answer.cache).toBe('miss');
      }
      const posted = await fetch(`${proxy.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: 'Омск' }) });
      expect(posted.status).toBe(200);
      expect(await posted.json()).toMatchObject({ partial: true, failedShards: ['c'] });
    }
    const partial = await search(proxies[1]!.url, 'новостях', '&limit=20');
    expect(partial.body.total).toBeLessThan(full.body.total);
    expect(await get(proxies[1]!.url, '/readyz')).toMatchObject({ status: 200, body: { status: 'degraded', shards: { a: 'ready', b: 'ready', c: 'unavailable' } } });
    expect((await get(proxies[1]!.url, `/api/articles/${onC}`)).status).toBe(503);

    await restartShard(c);
    for (const proxy of proxies) {
      await eventually(async () => {
        const again = await search(proxy.url, 'новостях', '&limit=20');
        expect(again.status).toBe(200);
        expect(again.body).not.toHaveProperty('partial');
        expect(comparable(again.body)).toEqual(comparable(full.body));
      });
    }
    expect((await get(proxies[0]!.url, `/api/articles/${onC}`)).status).toBe(200);
    expect((await get(proxies[0]!.url, '/readyz')).body.status).toBe('ready');
  });

  it('share one rate limit: the budget left on one proxy is spent on the other', async () => {
    const remaining = (res: Response) => Number(/r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1]);
    const left = remaining(await fetch(`${proxies[0]!.url}/api/openapi.json`));
    expect(left).toBeLessThan(RATE_LIMIT - 1);
    const statuses: number[] = [];
    for (let i = 0; i < left + 2; i++) statuses.push((await fetch(`${proxies[i % 2]!.url}/api/openapi.json`)).status);
    expect(statuses.slice(0, left)).toEqual(Array(left).fill(200));
    expect(statuses.slice(left)).toEqual([429, 429]);
  });

  it('keep answering without Redis (a cache miss, per-proxy rate limit), logging the outage once', async () => {
    await redis.stop();
    for (let i = 0; i < 6; i++) {
      const answer = await search(proxies[i % 2]!.url, i % 2 === 0 ? 'снег' : 'пациенты');
      expect(answer.status).toBe(200);
      expect(answer.cache).toBe('miss');
      expect(answer.body.hits.length).toBeGreaterThan(0);
    }
    await new Promise((r) => setTimeout(r, 500));
    const outages = logLines.filter((l) => l.includes('Redis unavailable'));
    // Once per proxy (each has its own connection), not once per request or reconnection attempt.
    expect(outages).toHaveLength(2);
  });
});
