/**
 * Cached search hits answered before Express. Why hand-written (a mirror of what Express's stack
 * does for a hit): measured with `npm run bench:api` (c=32, one cached URL, 2026-11-26, docs/api.md
 * "Cache hits before Express"), a hit through the whole Express stack cost 433 µs of proxy CPU and
 * reached 5.7× direct Meilisearch's req/s; answered here, 129 µs and 17.2× (target ≥ 10×); re-run
 * 2026-11-26 05:19: 126 µs, 16.6×. tests/integration/fast-hits.test.ts holds it to Express's bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import vary from 'vary';
import type { Metrics } from './metrics.js';
import type { EncodedBodies, EncodedBody } from './encoded.js';
import type { RateLimitCounter } from './rate-limit-counter.js';

/** The path answered here, which is also recordRequests()' route label for it. */
const SEARCH_PATH = '/api/search';

/** What Express runs for every request, as functions of plain Node objects, built once by createApp(). */
export interface FastHitSteps {
  maxUrlBytes: number;
  /** recordRequests() and requestLogging(): metrics and the log line when the response ends. */
  observe(req: IncomingMessage, res: ServerResponse, route: () => string): void;
  /** securityHeaders() and the CORS middleware, in that order. */
  headers(req: IncomingMessage, res: ServerResponse): void;
  /** The per-IP limit over this process's counters; absent = no limit. */
  rateLimit: RateLimitCounter | undefined;
  /** The in-process cache's answer for a URL whose key the full path learned. */
  cachedByUrl(url: string): Buffer | undefined;
  encoded: EncodedBodies;
  /** The search route's headers for a hit, in its order. */
  hitHeaders: readonly (readonly [string, string])[];
  metrics: Metrics;
  onError(error: unknown): void;
  /** Search analytics' count of a hit (server/analytics/collector.ts); absent = off. */
  counted?: ((body: Buffer, req: IncomingMessage) => void) | undefined;
}

/**
 * Answers repeated `GET /api/search` requests from the in-process cache before Express: the same
 * steps a cache hit takes through the middleware stack (metrics, log line, helmet and CORS
 * headers, the rate limit, the route's headers, the cached bytes in the negotiated encoding), at
 * a fraction of the CPU. Anything it is not sure to answer exactly as Express would — another
 * method or path, an oversize URL, a conditional request, a URL or Accept-Encoding not seen
 * before, a missing or stale entry (the cache itself drops entries when the index changes), a
 * client over its limit — goes to Express untouched. Returns false when it did not take the
 * request; `fallThrough` is called when it let go of one it took (over the limit).
 */
export function fastHits(steps: FastHitSteps): (req: IncomingMessage, res: ServerResponse, fallThrough: () => void) => boolean {
  return (req, res, fallThrough) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(SEARCH_PATH) || (url.length > SEARCH_PATH.length && url[SEARCH_PATH.length] !== '?')) {
      return false;
    }
    // `If-None-Match: *` makes Express answer 304; conditional requests are rare for no-store answers.
    if (req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined) return false;
    if (Buffer.byteLength(url) > steps.maxUrlBytes) return false;
    const body = steps.cachedByUrl(url);
    if (body === undefined) return false;
    const encoded = steps.encoded.chosen(req.headers['accept-encoding'], body);
    if (encoded === undefined) return false;
    if (!steps.rateLimit) {
      sendOrDrop(steps, req, res, [], body, encoded);
      return true;
    }
    steps.rateLimit.consume(req).then(
      (limitHeaders) => (limitHeaders ? sendOrDrop(steps, req, res, limitHeaders, body, encoded) : fallThrough()),
      // A store that fails is Express's to report, as it would for any request.
      () => fallThrough(),
    );
    return true;
  };
}

/**
 * Nothing in send() is expected to throw; if it did, half a response is on its way and Express
 * cannot take over: the error is reported and the connection dropped, as Node does with a
 * response that fails mid-way.
 */
function sendOrDrop(steps: FastHitSteps, req: IncomingMessage, res: ServerResponse, limitHeaders: readonly [string, string][], body: Buffer, encoded: EncodedBody): void {
  try {
    send(steps, req, res, limitHeaders, body, encoded);
  } catch (error) {
    steps.onError(error);
    res.destroy();
  }
}

/** Headers in the order Express's stack sets them, so the two answers cannot be told apart. */
/** `body` is the cached answer (what analytics counts), `encoded` the bytes sent for this request's Accept-Encoding. */
function send(steps: FastHitSteps, req: IncomingMessage, res: ServerResponse, limitHeaders: readonly [string, string][], body: Buffer, { bytes, encoding }: EncodedBody): void {
  steps.metrics.cache.inc({ result: 'hit' });
  steps.metrics.fastHits.inc();
  steps.counted?.(body, req);
  steps.observe(req, res, () => SEARCH_PATH);
  steps.headers(req, res);
  for (const [name, value] of limitHeaders) res.setHeader(name, value);
  for (const [name, value] of steps.hitHeaders) res.setHeader(name, value);
  if (encoding) {
    vary(res, 'Accept-Encoding');
    res.setHeader('content-encoding', encoding);
  }
  res.setHeader('Content-Length', bytes.length);
  // The compression middleware adds it to every JSON response, compressed or not.
  if (!encoding) vary(res, 'Accept-Encoding');
  res.end(bytes);
}
