/**
 * The OpenAPI document is the contract, checked the way an outside tool (schemathesis) checks it,
 * against the real server and engine: every operation of the live /api/openapi.json, positive and
 * negative requests generated from its own schemas (tests/support/openapi-cases.ts), and for each
 * answer: no 5xx, a documented status, the documented content type, a body valid against the
 * documented schema; schema-valid requests accepted, schema-breaking ones refused with a 4xx;
 * every method a path does not take → 405 with `Allow`; HEAD as GET; OPTIONS answered.
 * Generic over the document: a route added to it later is covered without a line here.
 * Seeded (SPEC_SEED to replay another run); the seed is in every failure message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexApiArticles } from '../fixtures/api-articles.js';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { ArticlePublisher } from '../../server/article-publisher.js';
import { adminScopes } from '../../server/http/admin-access.js';
import type { SearchAnalytics } from '../../server/analytics/collector.js';
import { startAnalytics } from '../../server/analytics/setup.js';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { operationCases, SchemaCases, type Case, type Doc, type Operation } from '../support/openapi-cases.js';

const SEED = Number(process.env['SPEC_SEED'] ?? 20261207);
/** Per operation with parameters or a body; one without any gets a few (they are all the same request). */
const POSITIVE = 280;
const NEGATIVE = 140;
const PARAMETERLESS = 4;
/** An admin write runs the indexer (a child process taking the lease: seconds each), so a few of each kind. */
const ADMIN_WRITE = { positive: 3, negative: 5 };
const MIN_CASES = 2000;
const CONCURRENCY = 4;
/**
 * The token operations with a `security` requirement are sent. The server under test must be
 * started with it as its ADMIN_TOKEN (and the loopback peer allowed) once such routes exist: an
 * operation that never answers 2xx fails the test, so a route left unconfigured here shows.
 */
const ADMIN_TOKEN = 'spec-test-admin-token-0123456789';
/** What an outside tool tries on every path. */
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'TRACE'];
/** Statuses that say "your request is malformed": never the answer to a schema-valid one. */
const REFUSALS = new Set([400, 413, 414, 415, 422]);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const uid = uniqueIndexUid('openapi');
let server: TestServer;
let doc: Doc;
let analytics: SearchAnalytics | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  await indexApiArticles(uid);
  // No rate limits: thousands of requests from one address are the test, not an attack. The cache on, as in production (the fast path answers repeats).
  // A long engine timeout: 2 cores shared with other test files, and a 503 is a failure here (no 5xx), not the subject.
  // The admin routes on, with the token the test sends (the publish hook writes through the indexer, as in production).
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'openapi-'));
  const config = loadConfig({ MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uid, ADMIN_TOKEN, DATA_DIR: dataDir });
  const log = createLogger('silent');
  const publisher = new ArticlePublisher(config, log, async () => void (await server.ranking?.poll()));
  // Search analytics on (its report and export routes are in the document), in a SQLite file of this test's own.
  analytics = await startAnalytics(config, undefined, log);
  server = await startTestServer(uid, {
    app: {
      http: { rateLimit: 0, healthRateLimit: 0 },
      publish: { access: adminScopes(config).publish, publisher },
      analytics,
      analyticsAccess: adminScopes(config).analytics,
    },
    cacheEntries: 500,
    engineTimeoutMs: 20_000,
  });
  doc = JSON.parse((await send('GET', '/api/openapi.json')).body) as Doc;
});
afterAll(async () => {
  await server?.close();
  await analytics?.stop();
  await deleteIndex(uid);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** node:http, not fetch: fetch refuses TRACE and normalises paths (`/a/..`), an outside tool does neither. A connection per request: none is reused after the server closed it. */
function send(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, agent: false, headers: { ...options.headers, ...(options.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(options.body)) }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function urlOf(c: Case): string {
  const path = c.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(c.pathParams[name] ?? ''));
  return c.query.length === 0 ? path : `${path}?${new URLSearchParams(c.query)}`;
}

function operations(): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op })));
}

const secured = (op: Operation) => (op.security ?? doc.security ?? []).length > 0;

/** A validator per response schema, with the document's components to resolve `$ref`s against. */
function validators(): (schema: object) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'https://spec.local/openapi.json', components: doc.components });
  const cache = new Map<string, ValidateFunction>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let v = cache.get(key);
    if (!v) {
      const rebased = JSON.parse(key.replaceAll('"#/components/', '"https://spec.local/openapi.json#/components/')) as object;
      v = ajv.compile(rebased);
      cache.set(key, v);
    }
    return v;
  };
}

/** What is wrong with `reply` for `c` by the document, or undefined. */
function conformance(c: Case, reply: Reply, validate: (schema: object) => ValidateFunction): string | undefined {
  const url = urlOf(c);
  if (reply.status >= 500) return `server error ${reply.status}: ${reply.body.slice(0, 200)}`;
  const documented = c.operation.responses[String(reply.status)] ?? c.operation.responses[`${String(reply.status)[0]}XX`] ?? c.operation.responses['default'];
  if (!documented) return `status ${reply.status} is not documented (documented: ${Object.keys(c.operation.responses).join(', ')}); body ${reply.body.slice(0, 200)}`;
  // The server runs with the default MAX_URL_BYTES / MAX_BODY_BYTES, which must carry any request the document allows.
  if (c.kind === 'positive' && REFUSALS.has(reply.status)) {
    return `a schema-valid request was refused with ${reply.status} (${Buffer.byteLength(url)} bytes of URL, ${Buffer.byteLength(c.body ?? '')} of body): ${reply.body.slice(0, 300)}`;
  }
  if (c.kind === 'negative' && (reply.status < 400 || reply.status >= 500)) return `a request breaking the schema (${c.violation}) was accepted with ${reply.status}`;
  if (!documented.content || reply.status === 304) return undefined;
  const type = String(reply.headers['content-type'] ?? '').split(';')[0]!.trim();
  const media = documented.content[type];
  if (!media) return `content type "${type}" for ${reply.status} is not documented (documented: ${Object.keys(documented.content).join(', ')})`;
  if (!media.schema || !type.endsWith('json')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(reply.body);
  } catch {
    return `${reply.status} ${type} body is not JSON: ${reply.body.slice(0, 200)}`;
  }
  const v = validate(media.schema);
  if (!v(body)) return `${reply.status} body does not match its schema: ${JSON.stringify(v.errors?.slice(0, 3))}; body ${reply.body.slice(0, 300)}`;
  return undefined;
}

async function inPool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

function describeCase(c: Case): string {
  const shown = urlOf(c);
  return `[seed ${SEED}] ${c.kind} ${c.method} ${shown.length > 300 ? `${shown.slice(0, 300)}… (${shown.length} chars)` : shown}${c.body === undefined ? '' : ` body ${c.body.slice(0, 200)}`}${c.violation ? ` (${c.violation})` : ''}`;
}

describe('the server keeps the OpenAPI document (schemathesis-style, every operation)', () => {
  it(`answers ≥ ${MIN_CASES} generated positive and negative requests as documented`, async () => {
    const cases = new SchemaCases(doc);
    const validate = validators();
    // Each kind of problem (operation, positive/negative, first words) once, with its first example; and the count.
    const problems = new Map<string, string>();
    let problemCount = 0;
    const report = (c: Case, problem: string) => {
      problemCount++;
      const key = `${c.method} ${c.path} ${c.kind} ${problem.slice(0, 45)}`;
      if (!problems.has(key)) problems.set(key, `${describeCase(c)} → ${problem}`);
    };
    const counts = new Map<string, { positive: number; negative: number; statuses: Set<number> }>();
    // Values of fields seen in answers, by name: path parameters (`id`) are tried with them too, as schemathesis' links do.
    // Also by the path that answered: `/x/{id}` tries first what `/x` answered (a created article's id, as a schemathesis link would).
    const seen = new Map<string, Set<string>>();
    const add = (key: string, v: string) => (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(v);
    const collect = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((v) => collect(v, path));
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (typeof v === 'string') {
            add(k, v);
            add(`${path} ${k}`, v);
          } else collect(v, path);
        }
      }
    };
    // Operations without path parameters first: their answers feed the others'.
    const ops = operations().sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
    let total = 0;
    for (const [i, { method, path, op }] of ops.entries()) {
      const bare = (op.parameters ?? []).length === 0 && !op.requestBody;
      const budget = bare ? { positive: PARAMETERLESS, negative: 0 } : secured(op) && method !== 'get' ? ADMIN_WRITE : { positive: POSITIVE, negative: NEGATIVE };
      const generated = operationCases(cases, method, path, op, budget, SEED + 1000 * i);
      for (const [j, c] of generated.entries()) {
        for (const name of Object.keys(c.pathParams)) {
          const parent = path.replace(/\/\{[^}]+\}$/, '');
          const known = [...(seen.get(`${parent} ${name}`) ?? seen.get(name) ?? [])];
          if (c.kind === 'positive' && j % 2 === 0 && known.length > 0) c.pathParams[name] = known[j % known.length]!;
        }
      }
      const tally = { positive: 0, negative: 0, statuses: new Set<number>() };
      counts.set(`${method.toUpperCase()} ${path}`, tally);
      await inPool(generated, async (c) => {
        const headers: Record<string, string> = c.body === undefined ? {} : { 'content-type': 'application/json' };
        if (secured(op)) headers['authorization'] = `Bearer ${ADMIN_TOKEN}`;
        const reply = await send(c.method, urlOf(c), { body: c.body, headers }).catch((error: Error) => error);
        if (reply instanceof Error) {
          report(c, `no answer: ${reply.message}`);
          return;
        }
        tally[c.kind]++;
        tally.statuses.add(reply.status);
        const problem = conformance(c, reply, validate);
        if (problem) report(c, problem);
        if (reply.status >= 200 && reply.status < 300 && String(reply.headers['content-type']).includes('json')) collect(JSON.parse(reply.body), path);
      });
      total += generated.length;
      if (secured(op)) {
        // Without the token: 401, documented, with its challenge.
        const c = generated.find((g) => g.kind === 'positive')!;
        const reply = await send(c.method, urlOf(c), { body: c.body, headers: c.body === undefined ? {} : { 'content-type': 'application/json' } });
        total++;
        if (reply.status !== 401) report(c, `without a token → ${reply.status}, expected 401`);
        else {
          const problem = conformance({ ...c, kind: 'negative', violation: 'no token' }, reply, validate);
          if (problem) report(c, `without a token → ${problem}`);
        }
      }
    }
    const summary = [...counts].map(([op, t]) => `${op}: ${t.positive}+${t.negative} → ${[...t.statuses].sort().join(',')}`);
    console.log(`openapi conformance (seed ${SEED}): ${total} requests\n  ${summary.join('\n  ')}`);
    expect([...problems.values()].slice(0, 25), `${problemCount} problems, ${problems.size} kinds`).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(MIN_CASES);
    // The generator reaches real answers, not only refusals: every operation with parameters answered 2xx to some case.
    for (const [op, t] of counts) expect([...t.statuses].some((s) => s < 300), `${op} never answered 2xx: ${[...t.statuses]}`).toBe(true);
  }, 240_000);

  it('answers 405 with Allow (and the error body) for every method a documented path does not take; HEAD as GET; OPTIONS answered', async () => {
    const cases = new SchemaCases(doc);
    const validate = validators();
    const problems: string[] = [];
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      const documented = Object.keys(item).map((m) => m.toUpperCase());
      const [first] = Object.entries(item);
      const sample = operationCases(cases, first![0], path, first![1], { positive: 1, negative: 0 }, SEED)[0]!;
      const url = urlOf({ ...sample, query: [] });
      const expectedAllow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort();
      for (const method of METHODS.filter((m) => !documented.includes(m))) {
        const reply = await send(method, url);
        checked++;
        const allow = String(reply.headers['allow'] ?? '').split(/,\s*/).filter(Boolean).sort();
        if (reply.status !== 405) problems.push(`${method} ${url} → ${reply.status}, expected 405`);
        else if (JSON.stringify(allow) !== JSON.stringify(expectedAllow)) problems.push(`${method} ${url} → Allow "${reply.headers['allow']}", expected the documented ${expectedAllow.join(', ')}`);
        else if (!validate({ $ref: '#/components/schemas/Error' })(JSON.parse(reply.body))) problems.push(`${method} ${url} → 405 body is not the Error schema: ${reply.body}`);
      }
      if (documented.includes('GET')) {
        const [get, head] = [await send('GET', url), await send('HEAD', url)];
        checked++;
        if (head.status !== get.status || head.body !== '') problems.push(`HEAD ${url} → ${head.status} with ${head.body.length} bytes, GET → ${get.status}`);
      }
      const preflight = await send('OPTIONS', url, { headers: { origin: 'https://news.example', 'access-control-request-method': documented[0]! } });
      checked++;
      if (preflight.status !== 204 || !preflight.headers['access-control-allow-methods']) problems.push(`OPTIONS ${url} (CORS preflight) → ${preflight.status}`);
    }
    expect(problems, `${checked} requests`).toEqual([]);
  });
});
