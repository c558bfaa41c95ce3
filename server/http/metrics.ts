/** Prometheus metrics (prom-client) and the /metrics route. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../../core/errors.js';

/** One registry per app, so several apps (tests) never share or double-register metrics. */
export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route'>;
  cache: Counter<'result'>;
  /** Cache hits answered before Express (server/http/fast-hits.ts); also counted in `cache`. */
  fastHits: Counter;
  engineErrors: Counter<'code'>;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    latency: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to response end',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    cache: new Counter({ name: 'search_cache_requests_total', help: 'Search response cache lookups', labelNames: ['result'], registers: [registry] }),
    fastHits: new Counter({ name: 'search_cache_fast_hits_total', help: 'Search cache hits answered by the fast path in front of Express', registers: [registry] }),
    engineErrors: new Counter({ name: 'engine_errors_total', help: 'Engine calls that failed, by error code', labelNames: ['code'], registers: [registry] }),
  };
}

/**
 * `ranking_index_chunks`: chunks in the ranking index searches use now (0 while it is being built
 * or stale, and when it is off) — operators see at once whether queries take the fast path.
 */
export function watchRankingIndex(
  metrics: Metrics,
  currentChunks: () => number,
  overBudget: () => boolean = () => false,
  malformedLogEntries: () => number = () => 0,
  memory?: () => { needBytes: number; budgetBytes: number } | undefined,
): void {
  new Counter({
    name: 'ranking_change_log_malformed_total',
    help: 'Change-log entries not of the log format (each logged with its seq and passed by a full re-read of the index)',
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(malformedLogEntries());
    },
  });
  if (memory) {
    // Need beside budget: an operator sees how close the index is before it is switched off.
    new Gauge({
      name: 'ranking_index_memory_need_bytes',
      help: 'Memory the ranking index needs (or would need, when over its budget), estimated from its chunks',
      registers: [metrics.registry],
      collect() {
        this.set(memory()?.needBytes ?? 0);
      },
    });
    new Gauge({
      name: 'ranking_index_memory_budget_bytes',
      help: 'Memory the ranking index may take (RANKING_MEMORY_MB, or what the V8 heap limit leaves)',
      registers: [metrics.registry],
      collect() {
        this.set(memory()?.budgetBytes ?? 0);
      },
    });
  }
  new Gauge({
    name: 'ranking_index_chunks',
    help: 'Chunks in the current in-process ranking index (0 = engine candidates are ranked instead)',
    registers: [metrics.registry],
    collect() {
      this.set(currentChunks());
    },
  });
  new Gauge({
    name: 'ranking_index_over_budget',
    help: 'Whether the index is over the ranking memory budget (RANKING_MEMORY_MB): 1 = engine candidates are ranked instead',
    registers: [metrics.registry],
    collect() {
      this.set(overBudget() ? 1 : 0);
    },
  });
}

/** Counts and times every request; the route label is the matched pattern, never the raw path. */
export function recordRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    timeRequest(metrics, req, res, () => (typeof req.route?.path === 'string' ? req.route.path : 'unmatched'));
    next();
  };
}

/** Counts and times one request when its response is finished, under the route `routeOf()` names then. */
export function timeRequest(metrics: Metrics, req: IncomingMessage, res: ServerResponse, routeOf: () => string): void {
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const route = routeOf();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    metrics.requests.inc({ method: req.method!, route, status: String(res.statusCode) });
    metrics.latency.observe({ method: req.method!, route }, seconds);
  });
}

export function countEngineErrors(metrics: Metrics): ErrorRequestHandler {
  return (error: unknown, _req, _res, next) => {
    if (error instanceof AppError && (error.code === 'engine_unavailable' || error.code === 'engine_error')) {
      metrics.engineErrors.inc({ code: error.code });
    }
    next(error);
  };
}
