/** Security headers (helmet, page CSP), ETags, CORS and the public rate limit. */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import proxyAddr from 'proxy-addr';
import { errorBody } from './errors.js';
import { ANALYTICS_HEADER } from '../../core/analytics-report.js';
import { OPERATIONAL_PATHS } from './operational-budget.js';

/**
 * Helmet's headers everywhere. The default CSP is the strictest one (`default-src 'none'`): JSON
 * and scripts need no policy of their own; HTML pages replace it with pagePolicy(). The API and
 * the widget are meant to be used from other sites, hence the cross-origin resource policy.
 */
export function securityHeaders(): RequestHandler {
  const apply = securityHeaderSetter();
  return (_req, res, next) => {
    apply(res);
    next();
  };
}

/** What securityHeaders() does to a response, on a plain Node response (the fast path's). */
export function securityHeaderSetter(): (res: ServerResponse) => void {
  const { set, removed } = headersOf(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  // Helmet's headers do not depend on the request with these options: computed once, they cost
  // one setHeader each instead of a chain of twelve middlewares per request.
  return (res) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
  };
}

/** The headers a header-only middleware sets and removes, recorded on a stand-in response. */
function headersOf(middleware: RequestHandler): { set: [string, string][]; removed: string[] } {
  const set = new Map<string, string>();
  const removed = new Set<string>();
  const recorder = {
    setHeader(name: string, value: string) {
      removed.delete(name);
      set.set(name, value);
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.add(name);
    },
  };
  let called = false;
  middleware({} as Request, recorder as unknown as Response, () => (called = true));
  if (!called) throw new Error('security headers: the middleware did not finish synchronously');
  return { set: [...set], removed: [...removed] };
}

/**
 * CSP for one of our HTML pages: scripts only from this origin (the widget is a module script, no
 * inline scripts anywhere), inline `<style>` blocks allowed by their exact hash only.
 */
export function pagePolicy(html: string): string {
  const styleHashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${styleHashes.join(' ')}`.trim(),
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Strong ETag of a body, so conditional GETs get 304 without resending it. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Send text with an ETag and Cache-Control, answering 304 when the client's copy is current. */
export function sendCacheable(req: Request, res: Response, body: string, type: string, cacheControl: string, etag = strongEtag(body)): void {
  res.set('etag', etag).set('cache-control', cacheControl).type(type);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  res.send(body);
}

export function sendPage(req: Request, res: Response, html: string, cacheControl: string): void {
  res.set('content-security-policy', pagePolicy(html));
  sendCacheable(req, res, html, 'html', cacheControl);
}

/** `*` lets any site call the API (no credentials ever); otherwise only the listed origins. */
export function corsPolicy(origins: readonly string[]): ReturnType<typeof cors> {
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type'],
    // x-search-analytics: the widget reports only when the answer says the server collects (core/analytics-report.ts).
    exposedHeaders: ['retry-after', 'x-request-id', 'ratelimit', 'ratelimit-policy', ANALYTICS_HEADER],
    credentials: false,
    maxAge: 600,
  });
}

/**
 * Per-IP limit over a fixed window (0 = off); 429 carries Retry-After and our error body. The
 * counters live in this process unless a shared `store` (Redis, several proxies) is given.
 */
export function rateLimitPolicy(limit: number, windowMs: number, store?: Store): RequestHandler {
  if (limit === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs,
    ...(store ? { store } : {}),
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // These have their own, separate budget (operational-budget.ts): a load balancer's probes must
    // not eat a reader's search budget from the same address, nor the other way round.
    skip: (req) => OPERATIONAL_PATHS.has(req.path),
    handler: (_req, res) => {
      res.status(429).json(errorBody('rate_limited', 'Too many requests; retry after the number of seconds in Retry-After.'));
    },
  });
}

/**
 * /metrics only for the configured addresses (METRICS_ALLOW), matched on the TCP peer itself: a
 * forwarded header could be forged. Others get the same 404 as any unknown path.
 */
export function metricsAccess(allow: readonly string[]): (req: Request) => boolean {
  if (allow.length === 0) return () => false;
  const allowed = proxyAddr.compile([...allow]);
  return (req) => {
    const peer = req.socket.remoteAddress;
    return peer !== undefined && allowed(peer, 0);
  };
}

/** Long URLs are refused before any parsing (Node itself caps headers at 16 KiB). */
export function limitUrlLength(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    if (Buffer.byteLength(req.url) > maxBytes) {
      res.status(414).json(errorBody('uri_too_long', `The request URL is longer than ${maxBytes} bytes.`));
      return;
    }
    next();
  };
}
