/**
 * Search analytics through the real app and engine: what is counted (full path, cache, fast path,
 * no-JS page, widget reports), the privacy threshold and masking, the reports and exports, and
 * that a store that never answers does not hold up a single search.
 */
import { ANALYTICS_REPORT_MAX_BYTES } from '../../core/analytics-report.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { memoryKeys, redisKeys } from '../../server/analytics/client-key.js';
import { RedisAnalyticsStore } from '../../server/analytics/redis-store.js';
import { Redis } from 'ioredis';
import { redisServerOrSkip, startRedis } from '../support/redis.js';
import { SearchAnalytics } from '../../server/analytics/collector.js';
import { SqliteAnalyticsStore } from '../../server/analytics/sqlite-store.js';
import type { AnalyticsStore } from '../../server/analytics/store.js';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'analytics-token-0123456789';
const UA = 'TestBrowser/9.9 (unique-ua-marker)';
const uid = uniqueIndexUid('analytics');
let dir: string;
let server: TestServer;
let analytics: SearchAnalytics;

function analyticsOver(store: AnalyticsStore): SearchAnalytics {
  return new SearchAnalytics(store, { flushMs: 600_000, retentionDays: 395, log: createLogger('silent'), keys: memoryKeys() });
}

async function serve(a: SearchAnalytics | undefined): Promise<TestServer> {
  return startTestServer(uid, {
    cacheEntries: 100,
    app: { analytics: a, analyticsAccess: { tokens: [TOKEN], allow: 'any' }, http: { trustProxy: true, rateLimit: 0 } },
  });
}

const client = (n: number) => ({ 'x-forwarded-for': `10.9.8.${n}`, 'user-agent': UA });

function search(q: string, n: number, extra = ''): Promise<Response> {
  return fetch(`${server.baseUrl}/api/search?q=${encodeURIComponent(q)}${extra}`, { headers: client(n) });
}

function report(body: unknown, n = 1): Promise<Response> {
  return fetch(`${server.baseUrl}/api/analytics/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...client(n) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const admin = { authorization: `Bearer ${TOKEN}` };
const exported = async (name: string, ext = 'json') => fetch(`${server.baseUrl}/api/analytics/${name}.${ext}?limit=1000`, { headers: admin });
const dashboard = async () => (await fetch(`${server.baseUrl}/admin/search`, { headers: admin })).text();
async function topQueries(): Promise<{ query: string; searches: number; answers: number }[]> {
  return (await (await exported('top-queries')).json()).rows;
}

beforeAll(async () => {
  await runIndexer(adminEngine(), uid, { paths: ['articles'], prune: false });
  dir = await mkdtemp(path.join(os.tmpdir(), 'analytics-api-'));
  analytics = analyticsOver(new SqliteAnalyticsStore(path.join(dir, 'analytics.sqlite')));
  await analytics.start();
  server = await serve(analytics);
  await server.ranking?.settled();
});

afterAll(async () => {
  await server?.close();
  await analytics?.stop();
  await deleteIndex(uid);
  await rm(dir, { recursive: true, force: true });
});

describe('search analytics', () => {
  it('marks search answers (miss and cached) with x-search-analytics and exposes it to browsers', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await search('санкции', 1);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-search-analytics')).toBe('1');
      expect(res.headers.get('access-control-expose-headers')).toContain('x-search-analytics');
    }
  });

  it('counts every answer exactly (full path, response cache, fast path, POST, no-JS page) and shows the query from the 5th client on', async () => {
    const q = 'соглашение';
    let sent = 0;
    for (let n = 1; n <= 4; n++) {
      for (let i = 0; i < 5; i++, sent++) expect((await search(q, n)).status).toBe(200);
    }
    const post = await fetch(`${server.baseUrl}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json', ...client(4) }, body: JSON.stringify({ q: 'Соглашения' }) });
    expect(post.status).toBe(200);
    sent++;
    expect((await fetch(`${server.baseUrl}/search?q=${encodeURIComponent('СОГЛАШЕНИЕ')}`, { headers: client(3) })).status).toBe(200);
    sent++;
    await analytics.flush();
    // Four clients: counted, but neither shown nor exported.
    expect((await topQueries()).map((r) => r.query)).not.toContain(q);
    expect(await dashboard()).not.toContain(q);
    expect(await (await exported('top-queries', 'csv')).text()).not.toContain(q);
    for (let i = 0; i < 3; i++, sent++) await search(q, 5);
    await analytics.flush();
    const row = (await topQueries()).find((r) => r.query === q);
    expect(row).toMatchObject({ query: q, answers: sent, searches: 1 });
    expect(await dashboard()).toContain(q);
  });

  it('counts a widget report only for a query answered lately; 400 names the field, 413 over the cap, 405 for GET', async () => {
    for (let n = 1; n <= 5; n++) await search('визит', n);
    const ok = { v: 1, q: 'Визит', total: 3, more: 1, end: 'click', click: { position: 12, id: 'seed-article-1-0' }, prev: 'визит президента', filters: { tag: 'политика', sort: 'date' } };
    expect((await report(ok)).status).toBe(204);
    expect((await report({ ...ok, q: 'никогда-не-искали' })).status).toBe(204);
    const bad = await report({ ...ok, total: 'many' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('total');
    expect((await report({ ...ok, click: { position: 0, id: 'x' } })).status).toBe(400);
    expect((await report('not json')).status).toBe(400);
    expect((await report('x'.repeat(ANALYTICS_REPORT_MAX_BYTES + 1))).status).toBe(413);
    const get = await fetch(`${server.baseUrl}/api/analytics/events`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    await analytics.flush();
    const daily = (await (await exported('daily')).json()).rows as { day: string; searches: number; clicks: number }[];
    const today = daily.at(-1)!;
    // The no-JS page view above and this report; the report for a query never answered is dropped.
    expect(today.searches).toBe(2);
    expect(today.clicks).toBe(1);
    const positions = (await (await exported('positions')).json()).rows as { position: string; clicks: number }[];
    expect(positions.find((p) => p.position === '11-20')?.clicks).toBe(1);
    expect((await (await exported('articles')).json()).rows).toEqual([{ article: 'seed-article', opened: 1 }]);
    expect((await (await exported('filters')).json()).rows).toEqual(expect.arrayContaining([{ filter: 'tag', value: 'политика', searches: 1 }]));
  });

  it('masks phone numbers, e-mails, URLs and long digit runs, and stores no client address or user agent', async () => {
    const q = 'позвоните +7 (912) 345-67-89 ivan.petrov@example.com https://evil.example/x 1234567890';
    for (let n = 1; n <= 5; n++) await search(q, n);
    await analytics.flush();
    const shown = (await topQueries()).map((r) => r.query);
    expect(shown).toContain('позвоните [phone] [email] [url] [phone]');
    const page = await dashboard();
    const csv = await (await exported('top-queries', 'csv')).text();
    let files = '';
    for (const file of await readdir(dir)) files += (await readFile(path.join(dir, file))).toString('latin1') + (await readFile(path.join(dir, file))).toString('utf8');
    for (const text of [page, csv, files]) {
      for (const secret of ['912', '345-67', 'ivan.petrov', 'example.com', 'evil', '1234567890', '10.9.8.', 'unique-ua-marker', 'TestBrowser']) expect(text).not.toContain(secret);
    }
  });

  it('exports CSV in UTF-8 with a BOM, Cyrillic intact, formulas neutralised', async () => {
    for (let n = 1; n <= 5; n++) await search('=cmd|санкции', n);
    await analytics.flush();
    const res = await exported('top-queries', 'csv');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('соглашение,');
    expect(text).toMatch(/^'=cmd\|санкции,/m);
  });

  it('serves the dashboard as HTML under a strict CSP, without script, only with the token', async () => {
    const res = await fetch(`${server.baseUrl}/admin/search`, { headers: admin });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).not.toMatch(/<script|\son[a-z]+=|https?:\/\/(?!www\.w3\.org)/i);
    expect(html).toContain('<svg');
    expect((await fetch(`${server.baseUrl}/admin/search`)).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/analytics/top-queries.json`, { headers: { authorization: 'Bearer wrong-token-0000000' } })).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/api/analytics/nothing.json`, { headers: admin })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/api/analytics/daily.json`, { method: 'POST', headers: admin })).status).toBe(405);
    expect((await fetch(`${server.baseUrl}/admin/search`, { method: 'POST', headers: admin })).status).toBe(405);
    expect((await fetch(`${server.baseUrl}/api/analytics/daily.json?from=2026-13-01`, { headers: admin })).status).toBe(400);
  });
});

describe('search analytics when the store never answers', () => {
  it('still answers searches and reports at once', async () => {
    const never = new Promise<never>(() => {});
    const stuck: AnalyticsStore = { add: () => never, answeredSince: () => never, queries: () => never, daily: () => never, facts: () => never, spellings: () => never, visible: () => never, prune: () => never, close: () => never };
    const stuckAnalytics = analyticsOver(stuck);
    const previous = server;
    server = await serve(stuckAnalytics);
    try {
      for (let i = 0; i < 3; i++) {
        void stuckAnalytics.flush();
        const res = await search('соглашение', i);
        expect(res.status).toBe(200);
        expect((await report({ v: 1, q: 'соглашение', total: 1, more: 0, end: 'idle' })).status).toBe(204);
      }
    } finally {
      await server.close();
      server = previous;
      await stuckAnalytics.stop(100);
    }
  });
});

if (redisServerOrSkip('search analytics over Redis')) {
  describe('search analytics over Redis (several proxies)', () => {
    it('keeps no client address or user agent in Redis; the shared client key expires', async () => {
      const redisServer = await startRedis();
      const redis = new Redis(redisServer.url);
      const lines: string[] = [];
      const log = createLogger('info', { write: (line: string) => void lines.push(line) });
      const shared = new SearchAnalytics(new RedisAnalyticsStore(redis, 'news-search:t'), { flushMs: 600_000, retentionDays: 395, log, keys: redisKeys(redis, 'news-search:t') });
      await shared.start();
      const previous = server;
      server = await startTestServer(uid, { cacheEntries: 100, app: { log, analytics: shared, analyticsAccess: { tokens: [TOKEN], allow: 'any' }, http: { trustProxy: true, rateLimit: 0 } } });
      try {
        for (let n = 1; n <= 5; n++) await search('соглашение ivan@example.com', n);
        expect((await report({ v: 1, q: 'соглашение', total: 2, more: 0, end: 'click', click: { position: 1, id: 'a-1-0' } }, 3)).status).toBe(204);
        await shared.flush();
        expect((await topQueries()).map((r) => r.query)).toContain('соглашение [email]');
        let dump = '';
        for (const key of await redis.keys('*')) {
          const type = await redis.type(key);
          dump += key + JSON.stringify(type === 'hash' ? await redis.hgetall(key) : type === 'set' ? await redis.smembers(key) : await redis.get(key));
          // The day's key and its distinct-client counts (HyperLogLogs) expire; the counts never do.
          if (/:client-(key|set):/.test(key)) expect(await redis.ttl(key)).toBeGreaterThan(0);
          else if (key.includes(':analytics:')) expect(await redis.ttl(key)).toBe(-1);
        }
        expect(dump).toContain('соглашение');
        for (const text of [dump, lines.join('')]) for (const secret of ['10.9.8.', 'unique-ua-marker', 'ivan@']) expect(text).not.toContain(secret);
      } finally {
        await server.close();
        server = previous;
        await shared.stop(1000);
        redis.disconnect();
        await redisServer.stop();
      }
    });
  });
}

describe('ANALYTICS=off', () => {
  it('collects nothing: no header, the report and admin routes answer 404', async () => {
    const previous = server;
    server = await serve(undefined);
    try {
      const res = await search('соглашение', 1);
      expect(res.headers.get('x-search-analytics')).toBeNull();
      expect((await report({ v: 1, q: 'соглашение', total: 1, more: 0, end: 'idle' })).status).toBe(404);
      expect((await fetch(`${server.baseUrl}/admin/search`, { headers: admin })).status).toBe(404);
    } finally {
      await server.close();
      server = previous;
    }
  });
});
