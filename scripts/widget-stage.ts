/**
 * A throw-away local system for the widget's bench and screenshots: the bundled Meilisearch on a
 * temp dir, the real indexer over our own fixtures, and the real server on a free port, with search
 * analytics on as `npm start` has it by default (its SQLite store in the same temp dir).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureSearchKey } from '../core/engine/keys.js';
import { createLogger } from '../core/logger.js';
import { runIndexer } from '../indexer/run.js';
import { memoryKeys } from '../server/analytics/client-key.js';
import { SearchAnalytics } from '../server/analytics/collector.js';
import { ANALYTICS_DB_FILE, SqliteAnalyticsStore } from '../server/analytics/sqlite-store.js';
import { createApp } from '../server/app.js';
import { WIDGET_BUNDLE } from '../server/system.js';
import { readWidget } from '../server/routes/static.js';

export interface Stage {
  baseUrl: string;
  stop(): Promise<void>;
}

const INDEX = 'widget_stage';

export async function startStage(articlePaths: string[]): Promise<Stage> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'news-search-widget-'));
  const engine = await startEmbeddedEngine({ dataDir });
  let analytics: SearchAnalytics | undefined;
  try {
    const admin = createEngine({ url: engine.url, apiKey: engine.masterKey, timeoutMs: 60_000 });
    const summary = await runIndexer(admin, INDEX, { paths: articlePaths, prune: false });
    if (summary.failed) throw new Error(`indexing failed: ${JSON.stringify(summary.failures)}`);
    const searchKey = await ensureSearchKey(admin, INDEX);
    const log = createLogger('silent');
    analytics = new SearchAnalytics(new SqliteAnalyticsStore(path.join(dataDir, ANALYTICS_DB_FILE)), { flushMs: 5_000, retentionDays: 395, log, keys: memoryKeys() });
    await analytics.start();
    const app = createApp({
      engine: createEngine({ url: engine.url, apiKey: searchKey, timeoutMs: 2000 }),
      indexUid: INDEX,
      log,
      analytics,
      ...(await readWidget(WIDGET_BUNDLE).then(({ js, chunks }) => ({ widgetJs: js, widgetChunks: chunks }))),
      // The benchmark is one client typing fast; the public per-IP limit would distort it.
      http: { rateLimit: 0 },
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await analytics?.stop();
        await engine.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await analytics?.stop();
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
