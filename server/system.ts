import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config.js';
import { createEngine } from '../core/engine/client.js';
import { connectEngine } from '../core/engine/connect.js';
import { ensureMonitorKey, ensureSearchKey } from '../core/engine/keys.js';
import { ensureIndex } from '../core/engine/settings.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { formatSummary } from '../indexer/report.js';
import { runIndexer } from '../indexer/run.js';
import { createApp } from './app.js';
import { answerClientErrors } from './http/errors.js';
import { createMetrics } from './http/metrics.js';
import { ResponseCache } from './search/cache.js';
import { watchIndex, type IndexWatcher } from './search/index-watch.js';
import { RankingIndex } from './search/rank-index-loader.js';

export const WIDGET_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/widget.js');

export interface RunningSystem {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/**
 * `npm start`: engine (embedded unless configured) → index the articles folder → a search-only
 * key → HTTP. The master key is used only in here, before the app exists.
 */
export async function startSystem(config: Config, log: Logger): Promise<RunningSystem> {
  const widgetJs = await readWidgetBundle();
  const connection = await connectEngine(config, log);
  try {
    const admin = createEngine({ url: connection.url, apiKey: connection.masterKey, timeoutMs: 60_000 });
    if (config.skipIndexOnStart) {
      await ensureIndex(admin, config.indexUid);
    } else {
      const summary = await runIndexer(admin, config.indexUid, { paths: [config.articlesDir], prune: false });
      log.info({ summary: { ...summary, failures: undefined } }, 'indexed articles');
      for (const line of formatSummary(summary).split('\n')) log.info(line);
    }
    const searchKey = await ensureSearchKey(admin, config.indexUid);
    const engine = createEngine({ url: connection.url, apiKey: searchKey, timeoutMs: config.engineTimeoutMs });
    const metrics = createMetrics({ processMetrics: true });
    const cache = config.cacheEntries > 0 ? new ResponseCache(config.cacheEntries) : undefined;
    const ranking = config.rankingMaxChunks > 0 ? new RankingIndex(engine, config.indexUid, { maxChunks: config.rankingMaxChunks }, log) : undefined;
    let watcher: IndexWatcher | undefined;
    if (cache || ranking) {
      const monitorKey = await ensureMonitorKey(admin, config.indexUid);
      const monitor = createEngine({ url: connection.url, apiKey: monitorKey, timeoutMs: config.engineTimeoutMs });
      watcher = watchIndex(monitor, config.indexUid, config.indexPollMs, (version) => {
        if (cache?.setVersion(version)) log.debug({ version }, 'index version changed; search cache cleared');
        ranking?.setVersion(version);
      }, log);
      await watcher.ready;
    }
    const app = createApp({
      engine,
      indexUid: config.indexUid,
      log,
      widgetJs,
      cache,
      metrics,
      ranking,
      http: {
        corsOrigins: config.corsOrigins,
        rateLimit: config.rateLimit,
        rateLimitWindowMs: config.rateLimitWindowMs,
        trustProxy: config.trustProxy,
        maxBodyBytes: config.maxBodyBytes,
        maxUrlBytes: config.maxUrlBytes,
        logQueries: config.logQueries,
      },
    });
    const server = await listen(app, config.host, config.port);
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
          await drain(server, config.shutdownGraceMs, log);
          await connection.stop();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await connection.stop();
    throw error;
  }
}

async function readWidgetBundle(): Promise<string> {
  try {
    return await readFile(WIDGET_BUNDLE, 'utf8');
  } catch {
    throw new AppError('invalid_config', `The widget bundle ${WIDGET_BUNDLE} is missing; run \`npm run build\` first.`);
  }
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

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    answerClientErrors(server);
  });
}
