/** The Express app: middleware order, routes, the cached fast path in front. */
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import compression from 'compression';
import { MemoryStore, type Store } from 'express-rate-limit';
import type { Engine } from '../core/engine/client.js';
import type { Logger } from '../core/logger.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_URL_BYTES } from '../core/query-length.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { EncodedBodies } from './http/encoded.js';
import { fastHits } from './http/fast-hits.js';
import { requestLogger, requestLogging } from './http/logging.js';
import { countEngineErrors, createMetrics, recordRequests, timeRequest, watchRankingIndex, type Metrics } from './http/metrics.js';
import { openApiDocument } from './http/openapi.js';
import { RateLimitCounter, type TrustProxy } from './http/rate-limit-counter.js';
import { operationalBudget } from './http/operational-budget.js';
import { methodNotAllowed, sendMethodNotAllowed } from './http/routing.js';
import { corsPolicy, limitUrlLength, metricsAccess, rateLimitPolicy, securityHeaderSetter, securityHeaders } from './http/security.js';
import { articleRoutes, type ArticleEngines } from './routes/articles.js';
import { healthRoutes, type ClusterReadiness, type Readiness } from './routes/health.js';
import { staticRoutes } from './routes/static.js';
import { ResponseCache, UrlKeys } from './search/cache.js';
import type { ArticlePublisher } from './article-publisher.js';
import type { AdminAccess } from './http/admin-access.js';
import { adminArticleRoutes } from './routes/admin-articles.js';
import type { RankingFollower as RankingIndex } from './ranking/follower.js';
import { cachedByUrl, createSearchService, inProcessCache, type SearchCache } from './search/answer.js';
import type { Synonyms } from './search/synonyms.js';
import { searchHeadersFor, searchRoutes } from './routes/search.js';
import type { SearchAnalytics } from './analytics/collector.js';
import { analyticsEventRoutes, analyticsReportRoutes } from './routes/analytics.js';
import proxyAddr from 'proxy-addr';

/** HTTP behaviour taken from Config (see core/config.ts for meanings and defaults). */
export interface HttpOptions {
  corsOrigins: string[];
  rateLimit: number;
  rateLimitWindowMs: number;
  trustProxy: boolean | number | string;
  maxBodyBytes: number;
  maxUrlBytes: number;
  logQueries: boolean;
  /** Who may read /metrics (addresses, subnets, loopback/linklocal/uniquelocal); empty = nobody. */
  metricsAllow: string[];
  /** Requests per client per window to /healthz, /readyz and /metrics; 0 = unlimited. */
  healthRateLimit: number;
  /** Origin for the demo page's embed snippet; undefined = relative URLs. */
  publicUrl: string | undefined;
  /** Answer repeated cached GET searches before Express (server/http/fast-hits.ts); off = every request takes the full path. */
  fastHits: boolean;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  corsOrigins: ['*'],
  rateLimit: 300,
  rateLimitWindowMs: 60_000,
  trustProxy: false,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxUrlBytes: DEFAULT_MAX_URL_BYTES,
  logQueries: true,
  metricsAllow: ['loopback'],
  healthRateLimit: 120,
  publicUrl: undefined,
  fastHits: true,
};

export interface AppDeps {
  /** A client holding the search-only key; the master key never reaches the app. */
  engine: Engine;
  indexUid: string;
  log: Logger;
  widgetJs: string;
  /** The widget's lazy chunks by file name (readWidget in routes/static.ts); absent = none served. */
  widgetChunks?: ReadonlyMap<string, string>;
  http?: Partial<HttpOptions>;
  /** Search response cache, kept current by an index watcher; absent = no caching. */
  cache?: ResponseCache | SearchCache | undefined;
  metrics?: Metrics;
  /** In-process ranking index, kept current by the index watcher; absent = engine candidates only. */
  ranking?: RankingIndex | undefined;
  /** The synonym groups the editors published (server/search/synonyms.ts); absent = none. */
  synonyms?: Synonyms;
  /** Several engines (system.ts, MEILI_SHARDS): where articles live and per-shard readiness. */
  cluster?: { articleEngines: ArticleEngines; readiness: ClusterReadiness };
  /** Shared rate-limit counters (Redis) when several proxies run; absent = this process's memory. */
  rateLimitStore?: Store;
  /** What /readyz answers from (system.ts: with the embedded engine's supervisor status). */
  readiness?: Readiness;
  /** The publish hook (routes/admin-articles.ts): who may call it and what writes; absent = 404. */
  publish?: { access: AdminAccess; publisher: ArticlePublisher; pageUrlHosts?: readonly string[] | undefined };
  /** Search analytics (server/analytics/); absent = ANALYTICS=off: nothing counted, its routes 404. */
  analytics?: SearchAnalytics;
  /** Who may read the analytics reports (adminScopes(config).analytics); absent = nobody (404). */
  analyticsAccess?: AdminAccess;
}

/**
 * Middleware order, routes, 404 and the error handler; no environment, no listen. With an
 * in-process cache, repeated cached GET searches are answered in front of all of it (fastHits).
 */
/**
 * Options for the HTTP server in front of the app. Node refuses a request whose line and headers
 * pass `maxHeaderSize` (16 KiB by default) with a bare 431 before the app sees it, so the cap is
 * the app's own URL limit plus room for headers: an over-long URL gets the app's 414 with an error
 * body, and any URL within MAX_URL_BYTES is served.
 */
export function serverOptions(maxUrlBytes: number): ServerOptions {
  return { maxHeaderSize: maxUrlBytes + 16_384 };
}

export function createApp(deps: AppDeps): Express {
  const http = { ...DEFAULT_HTTP_OPTIONS, ...deps.http };
  const metrics = deps.metrics ?? createMetrics();
  watchRankingIndex(metrics, () => deps.ranking?.current()?.stats().chunks ?? 0, () => deps.ranking?.isOverBudget() ?? false, () => deps.ranking?.malformedEntries ?? 0, () => deps.ranking?.state());
  const app = express();
  app.disable('x-powered-by');
  // ETags are set on purpose where they help (widget, articles); hashing every search reply costs throughput.
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Paths match exactly, here as in every router (server/http/routing.ts).
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('trust proxy', http.trustProxy);
  const cors = corsPolicy(http.corsOrigins);
  const rateLimitStore = deps.rateLimitStore ?? new MemoryStore();
  app.use(limitUrlLength(http.maxUrlBytes));
  app.use(recordRequests(metrics));
  app.use(requestLogging(deps.log, http.logQueries));
  app.use(securityHeaders());
  app.use(cors);
  app.use(healthRoutes(deps.engine, deps.indexUid, deps.cluster?.readiness, deps.readiness, () => deps.ranking?.state()));
  const mayReadMetrics = metricsAccess(http.metricsAllow);
  // A plain middleware, not a route: the 405 handler finds routes by path, and a peer outside
  // METRICS_ALLOW must get the same 404 as for any unknown path with every method, or a POST's 405
  // would tell it the path exists.
  app.use(async (req, res, next) => {
    if (req.path !== '/metrics' || !mayReadMetrics(req)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(req, res, ['GET', 'HEAD']);
    res.type(metrics.registry.contentType).set('cache-control', 'no-store').send(await metrics.registry.metrics());
  });
  app.use(rateLimitPolicy(http.rateLimit, http.rateLimitWindowMs, rateLimitStore));
  app.use(compression());
  const openapi = JSON.stringify(openApiDocument({ pageUrlHosts: deps.publish?.pageUrlHosts }));
  app.get('/api/openapi.json', (_req, res) => {
    res.type('json').set('cache-control', 'public, max-age=300').send(openapi);
  });
  const local = deps.cache instanceof ResponseCache ? deps.cache : undefined;
  // Shared rate-limit counters (Redis) would need a round trip the fast path does not make.
  const urlKeys = local && http.fastHits && !deps.rateLimitStore ? new UrlKeys(local.maxEntries) : undefined;
  const cache = deps.cache instanceof ResponseCache ? inProcessCache(deps.cache) : deps.cache;
  const encoded = new EncodedBodies();
  if (deps.publish) app.use(adminArticleRoutes(deps.publish.access, deps.publish.publisher, deps.publish.pageUrlHosts));
  app.use(searchRoutes(createSearchService(deps.engine, deps.indexUid, cache, metrics, deps.ranking, urlKeys, deps.synonyms, deps.analytics), http.maxBodyBytes, local && encoded, deps.analytics));
  if (deps.analytics) {
    app.use(analyticsEventRoutes(deps.analytics));
    // Without ADMIN_TOKEN / ANALYTICS_TOKEN the report routes are not mounted: every method answers 404, none 405.
    if (deps.analyticsAccess?.tokens.some(Boolean)) app.use(analyticsReportRoutes(deps.analytics.store, deps.analyticsAccess));
  }
  app.use(articleRoutes(deps.cluster?.articleEngines ?? (() => [deps.engine]), deps.indexUid, deps.synonyms));
  app.use(staticRoutes(deps.widgetJs, http.publicUrl, deps.widgetChunks));
  app.use(methodNotAllowed(app));
  app.use(notFoundHandler);
  app.use(countEngineErrors(metrics));
  app.use(errorHandler(deps.log));
  // Every server made from the app (app.listen, http.createServer(app)) calls app.handle: the
  // operational budget and the fast path go in front of it, before Express sets up the request.
  const handled = app as Express & { handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void };
  const express_ = handled.handle.bind(app);
  let handle = express_;
  if (urlKeys && local) {
    const answer = fastHits({
      maxUrlBytes: http.maxUrlBytes,
      ...fastHitSteps(deps, http, metrics, cors, app.get('trust proxy fn') as TrustProxy),
      rateLimit: http.rateLimit === 0 ? undefined : new RateLimitCounter(rateLimitStore, http.rateLimit, http.rateLimitWindowMs, app.get('trust proxy fn') as TrustProxy),
      cachedByUrl: cachedByUrl(local, urlKeys, deps.ranking, deps.synonyms),
      encoded,
    });
    handle = (req, res, next) => {
      if (!answer(req, res, () => express_(req, res, next))) express_(req, res, next);
    };
  }
  const overBudget = operationalBudget(http.healthRateLimit, http.rateLimitWindowMs, app.get('trust proxy fn') as TrustProxy, securityHeaderSetter());
  handled.handle = (req, res, next) => {
    if (!overBudget(req, res)) handle(req, res, next);
  };
  return app;
}

/** The fast path's versions of the stack's per-request steps (see FastHitSteps). */
function fastHitSteps(deps: AppDeps, http: HttpOptions, metrics: Metrics, cors: ReturnType<typeof corsPolicy>, trust: TrustProxy) {
  const logRequest = requestLogger(deps.log, http.logQueries);
  const setSecurityHeaders = securityHeaderSetter();
  return {
    observe(req: IncomingMessage, res: ServerResponse, route: () => string) {
      timeRequest(metrics, req, res, route);
      logRequest(req, res);
    },
    headers(req: IncomingMessage, res: ServerResponse) {
      setSecurityHeaders(res);
      cors(req, res, () => {});
    },
    hitHeaders: searchHeadersFor('hit', deps.analytics !== undefined),
    counted: counter(deps.analytics, trust),
    metrics,
    onError: (error: unknown) => deps.log.error({ err: error, path: '/api/search' }, 'request failed'),
  };
}

/** The fast path's analytics count: the hit's bytes find their tally; the address is resolved only if asked. */
function counter(analytics: SearchAnalytics | undefined, trust: TrustProxy): ((body: Buffer, req: IncomingMessage) => void) | undefined {
  if (!analytics) return undefined;
  return (body, req) => void analytics.answeredBytes(body, () => proxyAddr(req, trust));
}
