import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { pick } from './support/mode.js';
import { recordScenario } from './support/report.js';
import { startServerProcess, type ServerProcess } from './support/system.js';

const REQUESTS = pick(2_000, 20_000);
const CONCURRENCY = 16;

const INJECTIONS = ['" OR 1=1', 'tag = x OR id EXISTS', 'x" OR tag EXISTS OR tag = "', '\\', 'a\\', '"', "'", '[]', '{}', '(', ')', 'OR', '=', '`', '%', '%00', '%ZZ', '%ED%A0%80', '%C0%AF', '../../etc/passwd', '..%2f..%2f', '<script>alert(1)</script>', 'javascript:alert(1)'];
const UNICODE = ['\u202Eevil', 'ש\u05D1\u05E8', '🙂👍🏽', '\u0000', 'e\u0301\u0301\u0301', '\uFEFF', '\uE000mark\uE001', 'ё'.repeat(300), 'Ａ', '\ud800', '\udfff', 'a\udc00b', '\ud83d'];
const NAMES = ['q', 'limit', 'offset', 'article', 'tag', 'from', 'to', 'sort', 'group', '__proto__', 'constructor', 'prototype', 'q[]', 'q[a]', 'limit[$gt]', 'x'.repeat(300)];
const GET_PATHS = ['/api/search', '/search', '/api/articles/', '/articles/', '/healthz', '/readyz', '/api/openapi.json', '/widget.js', '/', '/metrics', '/nope', '/api/articles/..%2F..%2Fpackage.json', '/articles/%2e%2e/%2e%2e/etc/passwd', '/widget.js/..%2f..%2fpackage.json', '/..%2f.env'];

const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...INJECTIONS, ...UNICODE),
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.constant('9'.repeat(400)),
);

/** A raw query-string component; lone surrogates and bad escapes survive because we don't re-encode them. */
const rawComponent = fc.oneof(
  value.map((v) => {
    try {
      return encodeURIComponent(v);
    } catch {
      return '%ED%A0%80';
    }
  }),
  fc.constantFrom('%', '%G1', '%ED%A0%80', '%FF', '+', '&&', '=='),
);

const getRequest = fc.record({
  method: fc.constant('GET' as const),
  path: fc.constantFrom(...GET_PATHS),
  suffix: fc.oneof(fc.constant(''), rawComponent),
  params: fc.array(fc.tuple(fc.constantFrom(...NAMES), rawComponent), { maxLength: 5 }),
});

const jsonValue = fc.oneof(value, fc.integer(), fc.boolean(), fc.constant(null), fc.array(value, { maxLength: 3 }), fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 3 }));
const postRequest = fc.record({
  method: fc.constant('POST' as const),
  path: fc.constantFrom('/api/search', '/api/search', '/api/articles/x', '/'),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''),
  body: fc.oneof(
    fc.dictionary(fc.constantFrom(...NAMES), jsonValue, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
    fc.constantFrom('{', '{"q":', 'null', '[]', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '{"q":"' + 'я'.repeat(50_000) + '"}', 'x'.repeat(100_000), '{"a":'.repeat(5000)),
  ),
});

type Req = { method: 'GET'; path: string; suffix: string; params: [string, string][] } | { method: 'POST'; path: string; contentType: string; body: string };

const uid = uniqueIndexUid('fuzz');
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ engineUrl: testEngine().url, masterKey: testEngine().masterKey, indexUid: uid, articlesDir: 'articles', extra: { LOG_LEVEL: 'warn', RATE_LIMIT: '0', HEALTH_RATE_LIMIT: '0' } });
});
afterAll(async () => {
  await server?.stop();
  await deleteIndex(uid);
});

async function send(req: Req): Promise<{ status: number; body: string; contentType: string }> {
  const init: RequestInit =
    req.method === 'GET'
      ? { method: 'GET' }
      : { method: 'POST', body: req.body, headers: req.contentType ? { 'content-type': req.contentType } : {} };
  const query = req.method === 'GET' ? req.params.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&') : '';
  const path = req.method === 'GET' ? `${req.path}${req.suffix}${query ? `?${query}` : ''}` : req.path;
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** The no-JavaScript results page answers readers with a page naming the problem, not JSON. */
function htmlErrorPage(path: string, res: { body: string; contentType: string }): boolean {
  return path === '/search' && res.contentType.startsWith('text/html') && res.body.startsWith('<!doctype html>') && res.body.includes('Запрос не выполнен');
}

function wellFormedError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return typeof parsed.error?.code === 'string' && typeof parsed.error?.message === 'string' && Object.keys(parsed).length === 1;
  } catch {
    return false;
  }
}

describe(`fuzz: ${REQUESTS} generated requests across every endpoint`, () => {
  it('never answers 5xx, never crashes, and every error body is well-formed', async () => {
    const requests = fc.sample(fc.oneof(getRequest, postRequest), { numRuns: REQUESTS, seed: 20261125 }) as Req[];
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const masterKey = testEngine().masterKey;
    async function worker() {
      while (next < requests.length) {
        const req = requests[next++]!;
        const res = await send(req);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const where = `${req.method} ${req.path} → ${res.status}`;
        if (res.status >= 500) problems.push(`${where}: ${res.body.slice(0, 200)}`);
        // Node's HTTP parser answers 414/431 itself, before Express, without a body.
        else if (res.status >= 400 && res.status !== 414 && res.status !== 431 && !wellFormedError(res.body) && !htmlErrorPage(req.path, res)) {
          problems.push(`${where}: malformed error body ${res.body.slice(0, 120)}`);
        }
        if (res.body.includes(masterKey)) problems.push(`${where}: master key in the response`);
        if (/at .+\.(ts|js):\d+/.test(res.body)) problems.push(`${where}: stack trace in the response`);
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const alive = server.proc.child.exitCode === null;
    recordScenario({
      scenario: '5. Fuzz',
      load: `${REQUESTS} requests, concurrency ${CONCURRENCY}`,
      faults: 'random Unicode (lone surrogates too), 100 KB bodies, filter injection, repeated/array/prototype keys, bad JSON, wrong content types, traversal',
      inputs: REQUESTS,
      documentsLost: 0,
      errors: problems.length,
      passed: problems.length === 0 && alive,
      notes: `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(alive).toBe(true);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok' });
  });
});
