import http from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { createMetrics } from '../../server/http/metrics.js';
import { ResponseCache } from '../../server/search/cache.js';
import { indexApiArticles } from '../fixtures/api-articles.js';
import { deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Reply {
  status: number;
  /** Header lines in the order they were sent, as `name: value`. */
  headers: string[];
  bytes: Buffer;
}

function request(base: string, path: string, method: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .request(`${base}${path}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const lines: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
          resolve({ status: res.statusCode!, headers: lines, bytes: Buffer.concat(chunks) });
        });
      })
      .on('error', reject)
      .end();
  });
}

/** The only parts that may differ between two servers: the date and the seconds left in the rate-limit window. */
function comparable(reply: Reply): Reply {
  const headers = reply.headers.filter((h) => !/^date:/i.test(h)).map((h) => h.replace(/^(RateLimit: .*; t=)\d+$/i, '$1…'));
  return { ...reply, headers };
}

/** Log lines without the time and latency, which differ from run to run. */
class LogLines extends Writable {
  readonly lines: unknown[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const { time: _time, responseTime: _latency, ...rest } = JSON.parse(chunk.toString()) as Record<string, unknown>;
    this.lines.push(rest);
    done();
  }
}

const ALLOWED = 'https://allowed.example';
const LIMIT = 80;

describe('cache hits answered before Express are indistinguishable from the full path', () => {
  const uid = uniqueIndexUid('fasthits');
  const servers: { fast?: TestServer; full?: TestServer } = {};
  const logs = { fast: new LogLines(), full: new LogLines() };
  const metrics = { fast: createMetrics(), full: createMetrics() };

  // One cache for both: an uncached answer differs in processingTimeMs, a cached one must not
  // differ at all. Its version is set here, as the index watcher would.
  const cache = new ResponseCache(100);
  cache.setVersion('fixed');

  beforeAll(async () => {
    await indexApiArticles(uid);
    for (const name of ['fast', 'full'] as const) {
      servers[name] = await startTestServer(uid, {
        app: {
          cache,
          log: createLogger('info', logs[name]),
          metrics: metrics[name],
          http: { rateLimit: LIMIT, corsOrigins: [ALLOWED], fastHits: name === 'fast' },
        },
      });
    }
  });
  afterAll(async () => {
    await servers.fast?.close();
    await servers.full?.close();
    await deleteIndex(uid);
  });

  /** The same request to both servers; their replies, comparable parts only. */
  let sent = 0;
  async function both(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<[Reply, Reply]> {
    // The same incoming request id to both, so the echoed ids are compared too.
    const withId = { 'x-request-id': `req-${++sent}`, ...headers };
    // The full path first: on a miss it fills the cache both use.
    const full = await request(servers.full!.baseUrl, path, method, withId);
    const fast = await request(servers.fast!.baseUrl, path, method, withId);
    return [comparable(fast), comparable(full)];
  }

  it('sends the same status, headers in the same order, body bytes and log lines as the full path, up to the 429', async () => {
    const large = '/api/search?q=&limit=20';
    const small = `/api/search?q=${encodeURIComponent('нетакогослова')}`;
    const accepted = [undefined, 'gzip', 'gzip, deflate, br', 'br;q=0, gzip', 'deflate', 'identity'];
    const origins = [undefined, ALLOWED, 'https://other.example'];
    const replies: Reply[] = [];
    for (const path of [large, small]) {
      const [fast, full] = await both(path);
      expect([full.headers, fast.headers].map((h) => h.find((line) => line.startsWith('x-cache')))).toEqual(['x-cache: miss', 'x-cache: hit']);
    }
    for (const path of [large, small]) {
      for (const accept of accepted) {
        for (const origin of origins) {
          const headers: Record<string, string> = {};
          if (accept !== undefined) headers['accept-encoding'] = accept;
          if (origin !== undefined) headers['origin'] = origin;
          // Twice: the full path answers the first of a kind and the fast path learns from it.
          for (let round = 0; round < 2; round++) {
            const [fast, full] = await both(path, headers);
            expect(fast).toEqual(full);
            replies.push(fast);
          }
        }
      }
    }
    const [headFast, headFull] = await both(large, {}, 'HEAD');
    expect(headFast).toEqual(headFull);
    // Beyond the limit: hits answered by the fast path counted like any other request.
    for (let i = sent; i <= LIMIT; i++) {
      const [fast, full] = await both(large, { 'accept-encoding': 'gzip' });
      expect(fast).toEqual(full);
      replies.push(fast);
    }
    expect(replies.at(-1)!.status).toBe(429);
    expect(replies.at(-2)!.status).toBe(200);
    expect(replies.filter((r) => r.headers.includes('x-cache: hit')).length).toBeGreaterThan(LIMIT / 2);
    const encodings = new Set(replies.flatMap((r) => r.headers.filter((h) => /^content-encoding:/i.test(h)).map((h) => h.split(': ')[1])));
    expect([...encodings].sort()).toEqual(['br', 'deflate', 'gzip']);
    expect(replies.some((r) => r.headers.includes(`Access-Control-Allow-Origin: ${ALLOWED}`))).toBe(true);

    // The fast path did answer most hits, and the full path none.
    const fastHits = await metrics.fast.fastHits.get();
    expect(fastHits.values[0]!.value).toBeGreaterThan(LIMIT / 2);
    expect((await metrics.full.fastHits.get()).values[0]?.value ?? 0).toBe(0);
    const fastMetrics = await metrics.fast.registry.getMetricsAsJSON();
    const fullMetrics = await metrics.full.registry.getMetricsAsJSON();
    const values = (all: typeof fastMetrics, name: string) => all.find((m) => m.name === name)?.values ?? [];
    expect(JSON.stringify(values(fastMetrics, 'http_requests_total'))).toBe(JSON.stringify(values(fullMetrics, 'http_requests_total')));
    // Every lookup counted once; the two misses of the warm-up were the full server's.
    const lookups = (all: typeof fastMetrics) => Object.fromEntries(values(all, 'search_cache_requests_total').map((v) => [v.labels['result'], v.value]));
    expect(lookups(fastMetrics)).toEqual({ hit: lookups(fullMetrics)['hit']! + 2 });
    await expect.poll(() => logs.fast.lines.length).toBe(logs.full.lines.length);
    expect(logs.fast.lines).toEqual(logs.full.lines);
  });
});
