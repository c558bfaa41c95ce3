/** Request budget of /healthz, /readyz and /metrics, checked in front of Express. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ipKeyGenerator } from 'express-rate-limit';
import proxyAddr from 'proxy-addr';
import { errorBody } from './errors.js';
import type { TrustProxy } from './rate-limit-counter.js';

/** /healthz, /readyz and /metrics: probes and scrapers, with a budget of their own. */
export const OPERATIONAL_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const OVER_BUDGET_PAUSE_MS = 250;

/**
 * A per-client budget for the operational paths, checked in front of Express (app.handle), with
 * a fixed window counted in this process. Hand-written rather than express-rate-limit because of
 * a measurement (tests/reliability/hardening.test.ts, quiet machine, 2026-12-04): one client
 * flooding /metrics and /healthz on 32 connections got 3,147 429s a second from express-rate-limit
 * inside Express, and search p50 went 1.9 → 12.0 ms (×6.2): each refusal cost ~0.3 ms of the one
 * server thread, and every search waited behind the 32 queued. Refused here, before Express, and
 * answered after a pause: the same flood sends ~140 requests a second and search p50 stays within
 * noise of idle (×0.7–0.8 in three runs; docs/RELIABILITY.md). Returns true when it answered (429).
 */
export function operationalBudget(
  limit: number,
  windowMs: number,
  trust: TrustProxy,
  setSecurityHeaders: (res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (limit === 0) return () => false;
  const body = JSON.stringify(errorBody('rate_limited', 'Too many health or metrics requests; retry after the number of seconds in Retry-After.'));
  let windowStart = Date.now();
  let counts = new Map<string, number>();
  return (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if (!OPERATIONAL_PATHS.has(query < 0 ? url : url.slice(0, query))) return false;
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      counts = new Map();
    }
    // The search limit's client key (rate-limit-counter.ts): req.ip's address, IPv6 grouped by /56,
    // so a client cannot rotate addresses inside its own block for a fresh budget.
    const client = ipKeyGenerator(proxyAddr(req, trust));
    const count = (counts.get(client) ?? 0) + 1;
    counts.set(client, count);
    if (count <= limit) return false;
    // Answered after a pause: a client over its budget waits on a timer, not on this thread, so
    // each of its connections can ask a few times a second at most, and a flood no longer keeps
    // dozens of refusals queued ahead of everyone else's searches.
    const msLeft = windowStart + windowMs - now;
    setTimeout(() => refuse(res, body, msLeft), OVER_BUDGET_PAUSE_MS).unref();
    return true;
  };
  function refuse(res: ServerResponse, body: string, msLeft: number): void {
    if (res.destroyed) return;
    setSecurityHeaders(res);
    res.writeHead(429, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'retry-after': String(Math.max(1, Math.ceil(msLeft / 1000))),
    });
    res.end(body);
  }
}
