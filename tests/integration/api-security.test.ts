import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { ensureMonitorKey } from '../../core/engine/keys.js';
import { createLogger } from '../../core/logger.js';
import { SEARCH_PARAMETERS } from '../../server/search/validate-request.js';
import { startSystem, type RunningSystem } from '../../server/system.js';
import { useFixtureServer } from '../fixtures/api-articles.js';
import { adminEngine, testEngine } from '../support/engine.js';
import { startTestServer } from '../support/server.js';

const fixture = useFixtureServer('apisec');
const uid = fixture.uid;

describe('headers', () => {
  it('JSON responses carry helmet headers and the strictest CSP', async () => {
    const res = await fetch(`${fixture.server.baseUrl}/api/search?q=a`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('compresses for clients that ask', async () => {
    const res = await fetch(`${fixture.server.baseUrl}/api/search?q=&limit=50`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect((await res.json()).hits.length).toBeGreaterThan(0);
  });
});

describe('CORS', () => {
  it('by default any origin may GET and POST, without credentials', async () => {
    const res = await fetch(`${fixture.server.baseUrl}/api/search?q=a`, { headers: { origin: 'https://anywhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${fixture.server.baseUrl}/api/search`, {
      method: 'OPTIONS',
      headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('with an allowlist only listed origins get the CORS header', async () => {
    const strict = await startTestServer(uid, { app: { http: { corsOrigins: ['https://news.example'] } } });
    try {
      const allowed = await fetch(`${strict.baseUrl}/api/search?q=a`, { headers: { origin: 'https://news.example' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://news.example');
      const other = await fetch(`${strict.baseUrl}/api/search?q=a`, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await strict.close();
    }
  });
});

describe('/metrics', () => {
  it('a peer outside METRICS_ALLOW gets 404 with every method (a 405 would tell the path exists); an allowed peer gets 405 for POST', async () => {
    const closed = await startTestServer(uid, { app: { http: { metricsAllow: [] } } });
    try {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']) {
        expect((await fetch(`${closed.baseUrl}/metrics`, { method })).status, method).toBe(404);
      }
    } finally {
      await closed.close();
    }
    const post = await fetch(`${fixture.server.baseUrl}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await fetch(`${fixture.server.baseUrl}/metrics`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${fixture.server.baseUrl}/metrics/`)).status).toBe(404);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After and an error body past the per-IP limit; health checks are exempt', async () => {
    const limited = await startTestServer(uid, { app: { http: { rateLimit: 3, rateLimitWindowMs: 60_000 } } });
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${limited.baseUrl}/api/search?q=a`)).status).toBe(200);
      const res = await fetch(`${limited.baseUrl}/api/search?q=a`);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await res.json()).error.code).toBe('rate_limited');
      expect((await fetch(`${limited.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('keys', () => {
  it('the monitor key used for cache invalidation can neither write nor search', async () => {
    const key = await ensureMonitorKey(adminEngine(), uid);
    const call = (method: string, route: string, body?: string) =>
      fetch(`${testEngine().url}${route}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    expect((await call('POST', `/indexes/${uid}/documents`, '[{"id":"x"}]')).status).toBe(403);
    expect((await call('POST', `/indexes/${uid}/search`, '{"q":""}')).status).toBe(403);
    expect((await call('DELETE', `/indexes/${uid}`)).status).toBe(403);
    expect((await call('GET', `/indexes/${uid}`)).status).toBe(200);
  });
});

describe('secrets', () => {
  let system: RunningSystem;
  let dataDir: string;
  const lines: string[] = [];
  const SECRET_QUERY = 'конфиденциальныйзапрос';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'apisec-'));
    const config = loadConfig({
      MEILI_URL: testEngine().url,
      MEILI_MASTER_KEY: testEngine().masterKey,
      INDEX_UID: uid,
      SKIP_INDEX_ON_START: 'true',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_QUERIES: 'false',
      LOG_LEVEL: 'trace',
    });
    system = await startSystem(config, createLogger('trace', { write: (line: string) => void lines.push(line) }));
  });
  afterAll(async () => {
    await system?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('no response or log line contains the master key (or any key); LOG_QUERIES=false keeps query text out', async () => {
    const bodies: string[] = [];
    for (const route of [
      `/api/search?q=${SECRET_QUERY}`,
      `/api/search?q=${SECRET_QUERY}&limit=99`,
      '/api/search?bad=1',
      '/api/articles/minsk-deal',
      '/articles/minsk-deal',
      '/api/articles/nope',
      '/readyz',
      '/healthz',
      '/metrics',
      '/api/openapi.json',
      '/widget.js',
      '/',
    ]) {
      const res = await fetch(`${system.url}${route}`, { headers: { authorization: `Bearer ${testEngine().masterKey}` } });
      bodies.push(JSON.stringify([...res.headers]) + (await res.text()));
    }
    const post = await fetch(`${system.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ q: SECRET_QUERY }) });
    bodies.push(await post.text());
    const searchKey = (await adminEngine().getKeys({ limit: 100 })).results.filter((k) => k.indexes.includes(uid)).map((k) => k.key);
    expect(searchKey.length).toBeGreaterThanOrEqual(2);
    const requestLines = lines.filter((l) => l.includes('"req"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(13);
    for (const secret of [testEngine().masterKey, ...searchKey]) {
      for (const text of [...bodies, ...lines]) expect(text).not.toContain(secret);
    }
    for (const line of lines) expect(line).not.toContain(SECRET_QUERY);
    // Each request line has an id, the status and the latency.
    expect(JSON.parse(requestLines[0]!)).toMatchObject({ req: { id: expect.any(String) }, res: { statusCode: expect.any(Number) }, responseTime: expect.any(Number) });
  });
});

/** Whatever arrives, the answer is never 5xx, and errors are `{ error: { code, message } }` with no stack. */
async function expectWellFormed(res: Response, what: string): Promise<void> {
  expect(res.status, what).toBeLessThan(500);
  const text = await res.text();
  if (res.status >= 400) {
    const body = JSON.parse(text);
    expect(Object.keys(body), what).toEqual(['error']);
    expect(typeof body.error.code, what).toBe('string');
    expect(typeof body.error.message, what).toBe('string');
    expect(text, what).not.toMatch(/\bat \S+:\d+|node_modules|Meilisearch|invalid_search/);
  }
}

describe('property: random input never breaks the API', () => {
  const name = fc.oneof(
    fc.constantFrom(...SEARCH_PARAMETERS, 'q[]', 'q[0]', 'limit[a]', '__proto__', 'constructor', 'toString', ''),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  );
  const value = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('%', '%E0%A4%A', '%00', '%FF%FE', '1e3', '-0', 'NaN', '2025-02-29', '0x10', '"', '\\', 'x" OR tags EXISTS OR tags = "'),
    fc.integer({ min: 1000, max: 3000 }).map((n) => 'я'.repeat(n)),
  );
  const raw = fc.boolean();
  const queryString = fc
    .array(fc.tuple(name, value, raw), { maxLength: 6 })
    .map((pairs) => pairs.map(([n, v, asIs]) => (asIs ? `${n}=${v}` : `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)).join('&'));
  const pathSegment = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent), value.map(encodeURIComponent), fc.constantFrom('%E0%A4%A', '..', '%2F', 'minsk-deal'));
  const route = fc.oneof(
    fc.constantFrom('/api/search', '/readyz', '/healthz', '/metrics', '/api/openapi.json', '/widget.js', '/'),
    pathSegment.map((s) => `/api/articles/${s}`),
    pathSegment.map((s) => `/articles/${s}`),
  );

  it('GET any endpoint with random, repeated, array, huge and malformed parameters', async () => {
    await fc.assert(
      fc.asyncProperty(route, queryString, async (path, qs) => {
        const url = `${fixture.server.baseUrl}${path}?${qs}`;
        await expectWellFormed(await fetch(url), url.slice(0, 300));
      }),
      { numRuns: 150 },
    );
  });

  it('POST /api/search with random JSON and non-JSON bodies', async () => {
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.dictionary(name, fc.oneof(value, fc.integer(), fc.array(value, { maxLength: 3 }), fc.constant(null), fc.double())).map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.integer({ min: 4000, max: 20_000 }).map((n) => JSON.stringify({ q: 'a'.repeat(n) })),
    );
    const type = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1');
    await fc.assert(
      fc.asyncProperty(body, type, async (payload, contentType) => {
        const res = await fetch(`${fixture.server.baseUrl}/api/search`, { method: 'POST', headers: { 'content-type': contentType }, body: payload });
        await expectWellFormed(res, `${contentType} ${payload.slice(0, 200)}`);
      }),
      { numRuns: 150 },
    );
  });
});
