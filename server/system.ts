/** `npm start` wiring: engine(s), start-up indexing, keys, caches, ranking follower, HTTP server, shutdown. */
import { getHeapStatistics } from 'node:v8';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { createEngine, engineErrorCode, type Engine } from '../core/engine/client.js';
import { adminEngineFor, isDistributed, prepareCluster, shardFor, type ClusterConfig } from '../core/engine/cluster.js';
import { connectEngine } from '../core/engine/connect.js';
import { ensureMonitorKey, ensureSearchKey } from '../core/engine/keys.js';
import { ensureIndex } from '../core/engine/settings.js';
import type { Logger } from '../core/logger.js';
import { createApp, serverOptions, type AppDeps } from './app.js';
import { answerClientErrors } from './http/errors.js';
import { createMetrics } from './http/metrics.js';
import { connectRedis, FallbackRateLimitStore, SharedResponseCache, watchRedisHealth } from './http/redis-stores.js';
import type { EngineStatus } from '../core/engine/supervisor.js';
import { engineState, Readiness } from './routes/health.js';
import { ResponseCache } from './search/cache.js';
import { clusterEngine, coordinatorsFor } from './search/cluster-engine.js';
import { watchIndex, type IndexWatcher } from './search/index-watch.js';
import { indexArticlesAtStart, indexArticlesInBackground, type StartupIndexing } from './startup-indexing.js';
import { ArticlePublisher } from './article-publisher.js';
import { adminScopes } from './http/admin-access.js';
import { RankingFollower } from './ranking/follower.js';
import { PublishedSynonyms } from './search/synonyms.js';
import { HEAP_RESERVE_BYTES, rankingBudget } from './ranking/memory-budget.js';
import { containerMemoryLimit } from '../core/container-memory.js';
import { sharedCache, type SearchCache } from './search/answer.js';
import { readWidget } from './routes/static.js';
import { startAnalytics } from './analytics/setup.js';
import type { SearchAnalytics } from './analytics/collector.js';

/** How long start-up waits for the first ranking index before it listens anyway. */
const RANKING_START_WAIT_MS = 15_000;

export const WIDGET_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/widget.js');

export interface RunningSystem {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** The engine side the app searches, whatever its shape (one engine or shards). */
interface SearchSide {
  /** Search-only client, or the cluster facade over per-shard search-only clients. */
  engine: Engine;
  /** Search-only clients of each engine on its own: the ranking index reads every document once. */
  shards: Engine[];
  cluster?: AppDeps['cluster'];
  /** Read-only clients that see index changes (one per engine); master keys used only here. */
  monitors(): Promise<Monitor[]>;
  /** The embedded engine's supervisor status (restarting, failed), for /readyz. */
  engineStatus?: () => EngineStatus;
  /** Start-up indexing still running in the background (the index already had documents). */
  indexing?: StartupIndexing;
  stop(): Promise<void>;
}

interface Monitor {
  name: string;
  engine: Engine;
}

/**
 * `npm start`: engine(s) (embedded unless configured; several with MEILI_SHARDS) → index the
 * articles folder → search-only keys → caches and rate limit (shared through Redis with
 * REDIS_URL) → HTTP. Master keys are used only in here, before the app exists.
 */
export async function startSystem(config: Config, log: Logger): Promise<RunningSystem> {
  warnIfHeapLimitNotApplied(config.nodeHeapMb, getHeapStatistics().heap_size_limit, log);
  const widget = await readWidget(WIDGET_BUNDLE);
  const side = isDistributed(config.cluster) ? await clusterSide(config, config.cluster, log) : await singleSide(config, log);
  let redis: Redis | undefined;
  let watcher: IndexWatcher | undefined;
  let synonyms: PublishedSynonyms | undefined;
  let analytics: SearchAnalytics | undefined;
  try {
    // Every proxy follows the groups the editors publish (first shard: every shard's log has them).
    synonyms = await new PublishedSynonyms(side.shards[0]!, config.indexUid, config.indexPollMs, log).start();
    const metrics = createMetrics({ processMetrics: true });
    let shared: SharedResponseCache | undefined;
    if (config.redisUrl) {
      redis = connectRedis(config.redisUrl);
      watchRedisHealth(redis, log, () => void shared?.republishVersion());
    }
    let cache: ResponseCache | SearchCache | undefined;
    const ranking =
      config.rankingMemoryMb === 0
        ? undefined
        : new RankingFollower(side.shards, config.indexUid, { pollMs: config.indexPollMs, snapshotFile: path.join(config.dataDir, 'ranking', `${config.indexUid}.snapshot`), budget: rankingBudget(config.rankingMemoryMb, HEAP_RESERVE_BYTES + (config.cacheEntries > 0 ? config.cacheMb * 1e6 : 0), undefined, containerMemoryLimit()) }, log);
    if (config.cacheEntries > 0 || ranking) {
      const setVersion =
        redis && config.cacheEntries > 0
          ? versionPublisher((shared = new SharedResponseCache(redis, { namespace: `news-search:${config.indexUid}`, ttlSeconds: config.redisCacheTtlSeconds })))
          : undefined;
      const local = shared || config.cacheEntries === 0 ? undefined : new ResponseCache(config.cacheEntries, config.cacheMb * 1e6);
      watcher = watchEngines(await side.monitors(), config, log, (version) => {
        if (setVersion) setVersion(version);
        else if (local?.setVersion(version)) log.debug({ version }, 'index version changed; search cache cleared');
        ranking?.setVersion(version);
      });
      await watcher.ready;
      ranking?.start();
      cache = shared ? sharedCache(shared) : local;
      // Serve from the first request on with the ranking index when it builds quickly (the seed: a
      // few ms); a large index keeps building in the background while the engine path answers.
      if (ranking) await Promise.race([ranking.settled(), new Promise((resolve) => setTimeout(resolve, RANKING_START_WAIT_MS).unref())]);
    }
    analytics = config.analytics ? await startAnalytics(config, redis, log) : undefined;
    // The ranking index reads the change log before the hook answers: ranked at the 2xx.
    const publisher = config.adminToken ? new ArticlePublisher(config, log, async () => void (await ranking?.poll())) : undefined;
    const app = createApp({
      analytics,
      analyticsAccess: adminScopes(config).analytics,
      engine: side.engine,
      indexUid: config.indexUid,
      log,
      widgetJs: widget.js,
      widgetChunks: widget.chunks,
      cache,
      metrics,
      ranking,
      synonyms,
      cluster: side.cluster,
      rateLimitStore: redis && config.rateLimit > 0 ? new FallbackRateLimitStore(redis) : undefined,
      readiness: side.cluster ? undefined : new Readiness(side.engine, config.indexUid, side.engineStatus, side.indexing && (() => side.indexing!.status())),
      // Without ADMIN_TOKEN the routes are not mounted at all: every method answers 404, none 405.
      publish: publisher
        ? {
            access: adminScopes(config).publish,
            pageUrlHosts: config.web.allowedHosts,
            publisher,
          }
        : undefined,
      http: {
        corsOrigins: config.corsOrigins,
        rateLimit: config.rateLimit,
        rateLimitWindowMs: config.rateLimitWindowMs,
        trustProxy: config.trustProxy,
        maxBodyBytes: config.maxBodyBytes,
        maxUrlBytes: config.maxUrlBytes,
        logQueries: config.logQueries,
        metricsAllow: config.metricsAllow,
        healthRateLimit: config.healthRateLimit,
        publicUrl: config.publicUrl,
      },
    });
    const server = await listen(app, config);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    let stopping: Promise<void> | undefined;
    return {
      url,
      server,
      stop() {
        stopping ??= (async () => {
          watcher?.stop();
          ranking?.stop();
          synonyms?.stop();
          // Publishes are refused first: stopping start-up indexing may wait on the indexer's lease.
          publisher?.refuseNew();
          await side.indexing?.stop();
          await drain(server, config.shutdownGraceMs, log);
          await publisher?.stop();
          // After the last answer, before Redis closes: the counts of the last seconds are kept.
          await analytics?.stop();
          await closeRedis(redis);
          await side.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    watcher?.stop();
    synonyms?.stop();
    await side.indexing?.stop();
    await analytics?.stop();
    await closeRedis(redis);
    await side.stop();
    throw error;
  }
}

/** One engine: embedded unless MEILI_URL is set. */
async function singleSide(config: Config, log: Logger): Promise<SearchSide> {
  const connection = await connectEngine(config, log, { role: 'server' });
  let indexing: StartupIndexing | undefined;
  try {
    const admin = createEngine({ url: connection.url, apiKey: connection.masterKey, timeoutMs: 60_000 });
    if (config.skipIndexOnStart) {
      await ensureIndex(admin, config.indexUid);
    } else {
      indexing = await indexAtStart(config, log, [admin]);
    }
    const searchKey = await ensureSearchKey(admin, config.indexUid);
    const engine = createEngine({ url: connection.url, apiKey: searchKey, timeoutMs: config.engineTimeoutMs });
    return {
      engine,
      shards: [engine],
      async monitors() {
        const monitorKey = await ensureMonitorKey(admin, config.indexUid);
        return [{ name: 'engine', engine: createEngine({ url: connection.url, apiKey: monitorKey, timeoutMs: config.engineTimeoutMs }) }];
      },
      engineStatus: connection.status,
      indexing,
      stop: () => connection.stop(),
    };
  } catch (error) {
    // A background indexing run already started must not write on into an engine being stopped.
    await indexing?.stop();
    await connection.stop();
    throw error;
  }
}

/**
 * MEILI_SHARDS with several engines: every shard must answer at start-up (index, settings,
 * network and keys are ensured there, idempotently, as the indexer does). Searches then go
 * through clusterEngine(), articles to their shard, readiness is per shard.
 */
async function clusterSide(config: Config, cluster: ClusterConfig, log: Logger): Promise<SearchSide> {
  const searchShards = await prepareCluster(cluster, config.indexUid);
  log.info({ shards: cluster.shards.map((s) => ({ name: s.name, url: s.url })) }, 'using a cluster of Meilisearch shards');
  const indexing = config.skipIndexOnStart ? undefined : await indexAtStart(config, log, cluster.shards.map((s) => adminEngineFor(s, 60_000)));
  const coordinators = coordinatorsFor(searchShards, config.engineTimeoutMs);
  const engine = clusterEngine(coordinators);
  const names = coordinators.map((c) => c.name);
  const byName = new Map(coordinators.map((c) => [c.name, c.engine]));
  return {
    engine,
    shards: coordinators.map((c) => c.engine),
    cluster: {
      articleEngines: (id) => [byName.get(shardFor(id, names))!, engine],
      readiness: async () =>
        Object.fromEntries(await Promise.all(coordinators.map(async (c) => [c.name, await engineState(c.engine, config.indexUid)] as const))),
    },
    monitors: () =>
      Promise.all(
        cluster.shards.map(async (shard) => {
          const monitorKey = await ensureMonitorKey(adminEngineFor(shard, 60_000), config.indexUid);
          return { name: shard.name, engine: createEngine({ url: shard.url, apiKey: monitorKey, timeoutMs: config.engineTimeoutMs }) };
        }),
      ),
    indexing,
    stop: async () => {},
  };
}

/**
 * Start-up indexing: in the background when the index already has documents to serve (a restart,
 * a deploy), else waited for (a new site has nothing to serve until its first run is done).
 */
async function indexAtStart(config: Config, log: Logger, engines: readonly Engine[]): Promise<StartupIndexing | undefined> {
  // Only a missing index counts as empty: an engine slow to answer just after a restart has its
  // documents all the same, and waiting for a whole indexing run there would refuse connections.
  const counts = await Promise.all(
    engines.map((e) =>
      e
        .index(config.indexUid)
        .search('', { limit: 0 })
        .then(
          (r) => r.estimatedTotalHits ?? 0,
          (error: unknown) => (engineErrorCode(error) === 'index_not_found' ? 0 : Number.NaN),
        ),
    ),
  );
  if (counts.some((n) => n > 0 || Number.isNaN(n))) return indexArticlesInBackground(config, log);
  await indexArticlesAtStart(config, log);
  return undefined;
}

/**
 * One index watcher per engine, combined: the version is known only while every engine's is (a
 * shard that cannot be asked may have changed unseen), and moves when any of them moves.
 */
function watchEngines(monitors: readonly Monitor[], config: Config, log: Logger, onVersion: (version: string | undefined) => void): IndexWatcher {
  const versions = new Map<string, string | undefined>();
  const report = () => {
    const all = monitors.map((m) => versions.get(m.name));
    onVersion(all.every((v) => v !== undefined) ? all.join('|') : undefined);
  };
  const watchers = monitors.map((m) =>
    watchIndex(m.engine, config.indexUid, config.indexPollMs, (version) => {
      versions.set(m.name, version);
      if (versions.size === monitors.length) report();
    }, log),
  );
  return {
    ready: Promise.all(watchers.map((w) => w.ready)).then(() => undefined),
    stop: () => watchers.forEach((w) => w.stop()),
  };
}

/** Publishes only changes, so a steady index costs Redis nothing per poll. */
function versionPublisher(cache: SharedResponseCache): (version: string | undefined) => void {
  let last: string | undefined | null = null;
  return (version) => {
    if (version === last) return;
    last = version;
    void cache.setVersion(version);
  };
}

async function closeRedis(redis: Redis | undefined): Promise<void> {
  if (!redis) return;
  // quit() waits for a reply, which never comes while Redis is down.
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

/**
 * Stop accepting connections, let in-flight requests finish (idle keep-alive sockets are closed at
 * once), and cut whatever is still open after `graceMs`.
 */
async function drain(server: Server, graceMs: number, log: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => {
    log.warn({ graceMs }, 'shutdown grace period over; closing remaining connections');
    server.closeAllConnections();
  }, graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}

/** Node's own defaults (300 s per request, no connection cap) let a few slow clients hold the server. */
function listen(app: ReturnType<typeof createApp>, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Node looks for expired requests every connectionsCheckingInterval (30 s by default): check
    // often enough that a timeout is enforced near its configured value.
    const server = createServer({ ...serverOptions(config.maxUrlBytes), connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs / 2) }, app);
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve(server);
    });
    server.headersTimeout = config.headersTimeoutMs;
    server.requestTimeout = config.requestTimeoutMs;
    server.keepAliveTimeout = config.keepAliveTimeoutMs;
    if (config.maxConnections > 0) server.maxConnections = config.maxConnections;
    answerClientErrors(server);
  });
}

/**
 * NODE_HEAP_MB takes effect only through bin/start.sh (`npm start`, the image): a server started
 * another way (`npm run dev`, `node dist/server.js`) runs with Node's default limit, and the
 * ranking budget follows that. Said at start-up rather than found from the memory graph.
 */
export function warnIfHeapLimitNotApplied(nodeHeapMb: number | undefined, heapLimitBytes: number, log: Logger): void {
  if (nodeHeapMb === undefined) return;
  // V8's limit is the old space asked for plus the young generation (a few to ~50 MB).
  const actualMb = heapLimitBytes / 2 ** 20;
  if (actualMb >= nodeHeapMb && actualMb <= nodeHeapMb + 64) return;
  log.warn({ nodeHeapMb, heapLimitMb: Math.round(actualMb) }, `NODE_HEAP_MB=${nodeHeapMb} is not applied: this process runs with a V8 heap limit of ${Math.round(actualMb)} MB; start it with \`npm start\` (bin/start.sh), or pass --max-old-space-size=${nodeHeapMb} to node`);
}
