/**
 * Analytics counts survive the server's life: 10,000 searches + 1,000 reports, SIGTERM, restart →
 * exactly those counts; kill -9 loses at most what came within the last flush interval.
 * The real server process (server/main.ts) against the test engine.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { spawnTsx, type Spawned } from '../support/process.js';

const uid = uniqueIndexUid('analytics-durable');
const FLUSH_MS = 1000;
const QUERIES = ['соглашение', 'санкции', 'визит', 'выборы', 'экономика'];
let dir: string;

beforeAll(async () => {
  await runIndexer(adminEngine(), uid, { paths: ['articles'], prune: false });
  dir = await mkdtemp(path.join(os.tmpdir(), 'analytics-durable-'));
});
afterAll(async () => {
  await deleteIndex(uid);
  await rm(dir, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<{ app: Spawned; url: string }> {
  const engine = testEngine();
  const app = spawnTsx('server/main.ts', [], {
    DATA_DIR: dataDir,
    PORT: '0',
    MEILI_URL: engine.url,
    MEILI_MASTER_KEY: engine.masterKey,
    INDEX_UID: uid,
    SKIP_INDEX_ON_START: 'true',
    RATE_LIMIT: '0',
    ANALYTICS_FLUSH_MS: String(FLUSH_MS),
    LOG_LEVEL: 'info',
  });
  const [, url] = await app.waitFor(/running: (http:\/\/\S+)/);
  return { app, url: url! };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function get(url: string, init: { method?: string; body?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: init.method ?? 'GET', headers: init.body ? { 'content-type': 'text/plain' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** `count` requests, 16 at a time; every one must succeed. */
async function send(count: number, request: (i: number) => Promise<number>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const status = await request(next++);
        if (status !== 200 && status !== 204) throw new Error(`status ${status}`);
      }
    }),
  );
}

function stored(dataDir: string): { answers: number; searches: number; clicks: number } {
  const db = new Database(path.join(dataDir, 'analytics.sqlite'));
  try {
    return db.prepare('SELECT coalesce(sum(answers), 0) AS answers, coalesce(sum(searches), 0) AS searches, coalesce(sum(clicks), 0) AS clicks FROM query_days').get() as { answers: number; searches: number; clicks: number };
  } finally {
    db.close();
  }
}

const searchUrl = (url: string, i: number) => `${url}/api/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length]!)}`;
const reportBody = (i: number) => JSON.stringify({ v: 1, q: QUERIES[i % QUERIES.length], total: 1, more: 0, end: i % 2 ? 'click' : 'idle', ...(i % 2 ? { click: { position: 1, id: 'a-1-0' } } : {}) });

describe('analytics durability', () => {
  it('10,000 searches + 1,000 reports, SIGTERM, restart: counts exact', async () => {
    const dataDir = path.join(dir, 'term');
    let { app, url } = await start(dataDir);
    await send(10_000, (i) => get(searchUrl(url, i)));
    await send(1_000, (i) => get(`${url}/api/analytics/events`, { method: 'POST', body: reportBody(i) }));
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(stored(dataDir)).toMatchObject({ answers: 10_000, searches: 1_000, clicks: 500 });
    ({ app, url } = await start(dataDir));
    await send(10, (i) => get(searchUrl(url, i)));
    app.child.kill('SIGTERM');
    await app.exited;
    expect(stored(dataDir)).toMatchObject({ answers: 10_010, searches: 1_000, clicks: 500 });
  }, 240_000);

  it('kill -9 loses at most the last flush interval', async () => {
    const dataDir = path.join(dir, 'kill');
    const { app, url } = await start(dataDir);
    await send(2_000, (i) => get(searchUrl(url, i)));
    // Past one flush interval: those are on disk.
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS * 2.5));
    await send(300, (i) => get(searchUrl(url, i)));
    app.child.kill('SIGKILL');
    await app.exited;
    const { answers } = stored(dataDir);
    expect(answers).toBeGreaterThanOrEqual(2_000);
    expect(answers).toBeLessThanOrEqual(2_300);
  }, 240_000);
});
