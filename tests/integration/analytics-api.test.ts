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
import { redisSharedClients } from '../../server/analytics/shared-clients.js';
import { redisSharedAnswers } from '../../server/analytics/shared-answers.js';
import { RedisAnalyticsStore } from '../../server/analytics/redis-store.js';
import { Redis } from 'ioredis';
import { redisServerOrSkip, startRedis } from '../support/redis.js';
import { SearchAnalytics } from '../../server/analytics/collector.js';
import { SqliteAnalyticsStore } from '../../server/analytics/sqlite-store.js';
import type { AnalyticsStore } from '../../server/analytics/store.js';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { SharedResponseCache } from '../../server/http/redis-stores.js';
import { sharedCache } from '../../server/search/answer.js';

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
  await runIndexer(adminEngine(), uid, { paths: ['articles', 'tests/fixtures/widget-filters'], prune: false });
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
    let hit = '';
    for (let n = 1; n <= 5; n++) hit = ((await (await search('паром', n, '&tag=транспорт&sort=date')).json()) as { hits: { id: string }[] }).hits[0]!.id;
    const ok = { v: 1, q: 'Паром', total: 3, more: 1, end: 'click', click: { position: 12, id: hit }, prev: 'паром президента', filters: { tag: 'транспорт', sort: 'date' } };
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
    expect((await (await exported('articles')).json()).rows).toEqual([{ article: hit.replace(/-\d+-\d+$/, ''), opened: 1 }]);
    expect((await (await exported('filters')).json()).rows).toEqual(expect.arrayContaining([{ filter: 'tag', value: 'транспорт', searches: 1 }]));
  });

  it('lets no text a client made up into a report: only answered articles, answered corrections, the index\'s own tags, answered spellings', async () => {
    // «gfhjv» is «паром» typed in the Latin layout: the server answers it corrected.
    let corrected = '';
    for (let n = 1; n <= 5; n++) corrected = ((await (await search('gfhjv', n)).json()) as { correctedQuery?: string }).correctedQuery ?? '';
    expect(corrected).toBe('паром');
    const base = { v: 1, q: 'gfhjv', total: 3, more: 0, end: 'click' };
    const invented = { ...base, q: 'GFHJV !!!', click: { position: 1, id: 'made-up-article-0-0' }, correction: { to: 'made-up correction', rejected: false }, filters: { tag: 'made-up-tag' } };
    // More reports than answers: a spelling counted from reports would be the one shown.
    for (let n = 1; n <= 7; n++) expect((await report(invented, n)).status).toBe(204);
    expect((await report({ ...base, correction: { to: corrected, rejected: true } })).status).toBe(204);
    await analytics.flush();
    const all = JSON.stringify(await Promise.all(['corrections', 'articles', 'filters', 'top-queries'].map(async (name) => (await exported(name)).json())));
    expect(all).not.toContain('made-up');
    expect(all).not.toContain('!!!');
    expect((await (await exported('corrections')).json()).rows).toEqual([{ query: 'gfhjv', corrected_to: 'паром', accepted: 0, rejected: 1 }]);
  });

  it('counts a reformulation only when the widget says the previous query missed and this one was clicked', async () => {
    for (let n = 1; n <= 5; n++) await search('паром', n);
    const clicked = { v: 1, q: 'паром', total: 2, more: 0, end: 'click', click: { position: 1, id: 'x-0-0' } };
    expect((await report({ ...clicked, prev: 'соглашение' })).status).toBe(204); // an older widget's prev: not said to have missed
    expect((await report({ ...clicked, click: undefined, end: 'idle', prev: 'соглашение', prevMissed: 'zero' })).status).toBe(204); // not clicked
    expect((await report({ ...clicked, prev: 'никогда не искали', prevMissed: 'zero' })).status).toBe(204); // never answered
    expect((await report({ ...clicked, prev: 'соглашение', prevMissed: 'no-click' })).status).toBe(204);
    expect((await report({ ...clicked, prevMissed: 'zero' })).status).toBe(204); // nothing it describes: ignored
    const bad = await report({ ...clicked, prev: 'соглашение', prevMissed: 'maybe' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('prevMissed');
    await analytics.flush();
    const rows = (await (await exported('reformulations')).json()).rows as { searched_first: string; then_found_with: string; times: number }[];
    expect(rows.map(({ searched_first, then_found_with, times }) => ({ searched_first, then_found_with, times }))).toEqual([{ searched_first: 'соглашение', then_found_with: 'паром', times: 1 }]);
  });

  it('offers a line for the synonyms file in the zero-results and reformulations reports (JSON, CSV, dashboard)', async () => {
    for (let n = 1; n <= 5; n++) expect(((await (await search('катер', n)).json()) as { total: number }).total).toBe(0);
    for (let n = 1; n <= 5; n++) expect((await report({ v: 1, q: 'катер', total: 0, more: 0, end: 'idle' }, n)).status).toBe(204);
    const clicked = { v: 1, q: 'паром', total: 2, more: 0, end: 'click', click: { position: 1, id: 'x-0-0' }, prev: 'катер', prevMissed: 'zero' };
    for (let n = 1; n <= 2; n++) expect((await report(clicked, n)).status).toBe(204);
    await analytics.flush();
    const line = 'паром, катер  # 2 sessions: «катер» → «паром»';
    const zero = (await (await exported('zero-results')).json()).rows as Record<string, unknown>[];
    expect(zero.find((r) => r['query'] === 'катер')).toMatchObject({ zero_result_searches: 5, synonym_line: line });
    const pairs = (await (await exported('reformulations')).json()).rows as Record<string, unknown>[];
    expect(pairs.find((r) => r['searched_first'] === 'катер')).toMatchObject({ then_found_with: 'паром', times: 2, synonym_line: line });
    expect(await (await exported('zero-results', 'csv')).text()).toContain(`катер,5,5,5,"${line}"`);
    expect(await dashboard()).toContain(line);
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
      const shared = new SearchAnalytics(new RedisAnalyticsStore(redis, 'news-search:t'), { flushMs: 600_000, retentionDays: 395, log, keys: redisKeys(redis, 'news-search:t'), sharedClients: redisSharedClients(redis, 'news-search:t'), sharedAnswers: redisSharedAnswers(redis, 'news-search:t') });
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
          dump += key + JSON.stringify(type === 'hash' ? await redis.hgetall(key) : type === 'set' ? await redis.smembers(key) : type === 'zset' ? await redis.zrange(key, '0', '-1', 'WITHSCORES') : await redis.get(key));
          // The day's key and the per-day sets of distinct clients and answered facts expire; the counts and rollups never do.
          if (/:analytics:(client-key|clients|answered):/.test(key)) expect(await redis.ttl(key)).toBeGreaterThan(0);
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

if (redisServerOrSkip('search analytics with the shared response cache')) {
  describe('search analytics with the shared response cache (several proxies)', () => {
    it('counts another proxy\'s cached answer from the facts stored beside its body, nothing parsed', async () => {
      const redisServer = await startRedis();
      const redis = new Redis(redisServer.url);
      const proxies: { analytics: SearchAnalytics; server: TestServer }[] = [];
      try {
        for (let i = 0; i < 2; i++) {
          const shared = new SharedResponseCache(redis, { namespace: 'news-search:facts', ttlSeconds: 60 });
          await shared.setVersion('v1');
          const a = analyticsOver(new SqliteAnalyticsStore(path.join(dir, `shared-${i}.sqlite`)));
          await a.start();
          proxies.push({ analytics: a, server: await startTestServer(uid, { app: { analytics: a, cache: sharedCache(shared), http: { trustProxy: true, rateLimit: 0 } } }) });
          // An answer made while the ranking index is still loading is not cached: wait for it.
          await proxies[i]!.server.ranking?.settled();
        }
        const get = (i: number) => fetch(`${proxies[i]!.server.baseUrl}/api/search?q=${encodeURIComponent('санкции')}`, { headers: client(1) });
        expect((await get(0)).status).toBe(200);
        // The shared cache is written after the answer is sent: wait for the entry (a loaded CI machine is slow).
        let entry: string | undefined;
        for (let i = 0; i < 200 && entry === undefined; i++) {
          // `…:v*` and not `…:version` (the shared version, written first).
          [entry] = (await redis.keys('news-search:facts:v*')).filter((k) => k !== 'news-search:facts:version');
          if (entry === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const stored = JSON.parse((await redis.get(entry!))!) as { body: string; facts: { q: string; total: number; complete: boolean } };
        expect(stored.facts).toMatchObject({ q: 'санкции', complete: true });
        // The body is served as stored, never parsed for counting: a body no JSON parser reads is still counted.
        await redis.set(entry!, JSON.stringify({ ...stored, body: 'not json' }), 'KEEPTTL');
        const hit = await get(1);
        expect(hit.status).toBe(200);
        expect(await hit.text()).toBe('not json');
        const b = proxies[1]!.analytics;
        await b.flush();
        const { key } = b.tally({ q: 'санкции', total: 1, complete: true, articles: [], tags: [] })!;
        expect(await b.store.answeredSince([key], '2000-01-01')).toEqual(new Set([key]));
      } finally {
        for (const p of proxies) {
          await p.server.close();
          await p.analytics.stop(1000);
        }
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
