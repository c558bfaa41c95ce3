import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createEngine } from '../../core/engine/client.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../core/engine/embedded.js';
import { ensureSearchKey } from '../../core/engine/keys.js';
import { ensureIndex } from '../../core/engine/settings.js';
import { createLogger } from '../../core/logger.js';
import { articleToChunks } from '../../indexer/chunks.js';
import { createMetrics } from '../../server/http/metrics.js';
import { startSystem } from '../../server/system.js';
import { API_ARTICLES, indexApiArticles } from '../fixtures/api-articles.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry `probe` until it returns a value or the deadline passes (a liveness bound, not a timing assertion). */
async function eventually<T>(probe: () => Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not reached before the deadline');
    await sleep(100);
  }
}

describe('search cache with index-change invalidation', () => {
  const uid = uniqueIndexUid('apicache');
  let server: TestServer;
  const metrics = createMetrics();

  beforeAll(async () => {
    await indexApiArticles(uid);
    server = await startTestServer(uid, { cacheEntries: 100, app: { metrics, http: { rateLimit: 0 } } });
  });
  afterAll(async () => {
    await server?.close();
    await deleteIndex(uid);
  });

  const search = async (q: string) => {
    const res = await fetch(`${server.baseUrl}/api/search?q=${encodeURIComponent(q)}`);
    return { cache: res.headers.get('x-cache'), body: await res.json() };
  };

  it('serves a repeated request from the cache, keyed by the normalized request', async () => {
    expect((await search('контракт')).cache).toBe('miss');
    const again = await search('  контракт ');
    expect(again.cache).toBe('hit');
    expect(again.body.hits[0].article.id).toBe('football');
    const exposed = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(exposed).toMatch(/search_cache_requests_total\{result="hit"\} [1-9]/);
    expect(exposed).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/search"/);
    expect(exposed).toMatch(/http_requests_total\{method="GET",route="\/api\/search",status="200"\} [2-9]/);
  });

  it('drops cached responses once the index changes', async () => {
    const before = await search('контракт');
    expect(before.cache).toBe('hit');
    // A URL seen before: answered in front of Express (server/http/fast-hits.ts), invalidated all the same.
    expect(await (await fetch(`${server.baseUrl}/metrics`)).text()).toMatch(/^search_cache_fast_hits_total [1-9]/m);
    const extra = articleToChunks({ ...API_ARTICLES[1]!, id: 'football-2', url: '/articles/football-2' });
    await adminEngine().index(uid).addDocuments(extra).waitTask({ timeout: 30_000 });
    const fresh = await eventually(async () => {
      const reply = await search('контракт');
      // The new article's chunks that contain the word count (not all of its chunks do).
      return reply.body.total > before.body.total && reply.body.hits.some((h: { article: { id: string } }) => h.article.id === 'football-2') ? reply : undefined;
    });
    expect(fresh.cache).toBe('miss');
  });
});

describe('engine outage and recovery, without restarting the server', () => {
  let dataDir: string;
  let engine: EmbeddedEngine;
  let server: TestServer;
  const uid = 'outage';
  const metrics = createMetrics();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'api-outage-'));
    engine = await startEmbeddedEngine({ dataDir });
    const admin = createEngine({ url: engine.url, apiKey: engine.masterKey, timeoutMs: 30_000 });
    await ensureIndex(admin, uid);
    await admin.index(uid).addDocuments(API_ARTICLES.flatMap(articleToChunks)).waitTask({ timeout: 30_000 });
    const searchKey = await ensureSearchKey(admin, uid);
    // startTestServer makes its key on the shared test engine; this server talks to the private one.
    server = await startTestServer(uniqueIndexUid('unused'), {
      engineUrl: engine.url,
      engineTimeoutMs: 1000,
      app: { engine: createEngine({ url: engine.url, apiKey: searchKey, timeoutMs: 1000 }), indexUid: uid, metrics, http: { rateLimit: 0 } },
    });
  });
  afterAll(async () => {
    await server?.close();
    await engine?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 while the engine is down and recovers when it is back on the same port', async () => {
    const url = `${server.baseUrl}/api/search?q=${encodeURIComponent('соглашение')}`;
    expect((await fetch(url)).status).toBe(200);
    const port = Number(new URL(engine.url).port);
    await engine.stop();

    const down = await fetch(url);
    expect(down.status).toBe(503);
    const body = await down.json();
    expect(body).toEqual({ error: { code: 'engine_unavailable', message: expect.any(String) } });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|fetch failed|\bat /);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.baseUrl}/metrics`)).text()).toMatch(/engine_errors_total\{code="engine_unavailable"\} [1-9]/);

    engine = await startEmbeddedEngine({ dataDir, port });
    const recovered = await eventually(async () => {
      const res = await fetch(url);
      return res.status === 200 ? ((await res.json()) as { total: number }) : undefined;
    });
    expect(recovered.total).toBeGreaterThan(0);
    // /readyz answers from a state re-checked at most every 500 ms (server/routes/health.ts).
    await eventually(async () => ((await fetch(`${server.baseUrl}/readyz`)).status === 200 ? true : undefined));
  });
});

describe('graceful shutdown', () => {
  const uid = uniqueIndexUid('apidrain');
  let dataDir: string;
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'api-drain-'));
    engine = await startEmbeddedEngine({ dataDir });
  });
  afterAll(async () => {
    await engine?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await deleteIndex(uid);
  });

  it('finishes an in-flight request, refuses new connections, then stops', async () => {
    const config = loadConfig({
      MEILI_URL: engine.url,
      MEILI_MASTER_KEY: engine.masterKey,
      INDEX_UID: uid,
      SKIP_INDEX_ON_START: 'true',
      PORT: '0',
      DATA_DIR: dataDir,
      ENGINE_TIMEOUT_MS: '20000',
    });
    const system = await startSystem(config, createLogger('silent'));
    // Freeze the engine so the request stays in flight while shutdown begins.
    process.kill(engine.pid, 'SIGSTOP');
    try {
      const inFlight = fetch(`${system.url}/api/search?q=x`);
      await sleep(300);
      const stopped = system.stop();
      await sleep(100);
      await expect(fetch(`${system.url}/healthz`)).rejects.toThrow();
      process.kill(engine.pid, 'SIGCONT');
      expect((await inFlight).status).toBe(200);
      await stopped;
    } finally {
      process.kill(engine.pid, 'SIGCONT');
    }
  });
});
