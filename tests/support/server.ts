import { createServer, type Server } from 'node:http';
import { createEngine } from '../../core/engine/client.js';
import { ensureMonitorKey, ensureSearchKey } from '../../core/engine/keys.js';
import { createLogger } from '../../core/logger.js';
import { createApp, DEFAULT_HTTP_OPTIONS, serverOptions, type AppDeps } from '../../server/app.js';
import { answerClientErrors } from '../../server/http/errors.js';
import { ResponseCache } from '../../server/search/cache.js';
import type { IndexWatcher } from '../../server/search/index-watch.js';
import { PublishedSynonyms } from '../../server/search/synonyms.js';
import { watchedRanking, type RankingFollower as RankingIndex } from '../../server/ranking/follower.js';
import { readWidget } from '../../server/routes/static.js';
import { WIDGET_BUNDLE } from '../../server/system.js';
import * as vitestHooks from 'vitest';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from './engine.js';

export interface TestServer {
  baseUrl: string;
  searchKey: string;
  /** The server's ranking index (absent with `ranking: false`): tests wait on `settled()` after indexing. */
  ranking: RankingIndex | undefined;
  /** The synonyms it follows (the change log's `synonyms` entries, every 100 ms). */
  synonyms: PublishedSynonyms;
  close(): Promise<void>;
}

/** The real app on a free port, holding a real search-only key for `indexUid`. */
export async function startTestServer(
  indexUid: string,
  options: {
    engineUrl?: string;
    engineTimeoutMs?: number;
    app?: Partial<AppDeps>;
    ranking?: boolean;
    /** A response cache of this many entries, invalidated by the ranking index's watcher (as system.ts does). */
    cacheEntries?: number;
  } = {},
): Promise<TestServer> {
  const searchKey = await ensureSearchKey(adminEngine(), indexUid);
  const engineUrl = options.engineUrl ?? testEngine().url;
  const engine = createEngine({ url: engineUrl, apiKey: searchKey, timeoutMs: options.engineTimeoutMs ?? 2000 });
  const { js: widgetJs, chunks: widgetChunks } = await readWidget(WIDGET_BUNDLE);
  // As in production (server/system.ts): the ranking index and the cache, kept current by one index watcher.
  let watcher: IndexWatcher | undefined;
  let ranking: RankingIndex | undefined;
  // The cache learns index versions from the ranking index's watcher: without it, it would never cache.
  if (options.cacheEntries && options.ranking === false) throw new Error('startTestServer: cacheEntries needs the ranking index (its watcher feeds the cache)');
  const cache = options.cacheEntries ? new ResponseCache(options.cacheEntries) : undefined;
  if (options.ranking !== false) {
    const monitor = createEngine({ url: engineUrl, apiKey: await ensureMonitorKey(adminEngine(), indexUid), timeoutMs: 2000 });
    const alsoOnVersion = cache && ((version: string | undefined) => void cache.setVersion(version));
    ({ ranking, watcher } = await watchedRanking(engine, monitor, indexUid, { pollMs: 100, alsoOnVersion }, createLogger('silent')));
  }
  const synonyms = await new PublishedSynonyms(engine, indexUid, 100, createLogger('silent')).start();
  const app = createApp({ engine, indexUid, log: createLogger('silent'), widgetJs, widgetChunks, ranking, cache, synonyms, ...options.app });
  const server: Server = await new Promise((resolve) => {
    // Sized as in production (server/system.ts), so URL limits behave the same.
    const s = createServer(serverOptions(options.app?.http?.maxUrlBytes ?? DEFAULT_HTTP_OPTIONS.maxUrlBytes), app).listen(0, '127.0.0.1', () => resolve(s));
    answerClientErrors(s);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    searchKey,
    ranking,
    synonyms,
    close: () => {
      watcher?.stop();
      synonyms.stop();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Registers beforeAll/afterAll hooks that index `articles/` (the seed) into a fresh index and serve
 * it; the returned object is filled in once the hooks ran.
 */
export function useSeedServer(prefix: string): { uid: string; server: TestServer } {
  const { beforeAll, afterAll } = vitestHooks;
  const handle = { uid: uniqueIndexUid(prefix), server: undefined as unknown as TestServer };
  beforeAll(async () => {
    await runIndexer(adminEngine(), handle.uid, { paths: ['articles'], prune: false });
    handle.server = await startTestServer(handle.uid);
  });
  afterAll(async () => {
    await handle.server?.close();
    await deleteIndex(handle.uid);
  });
  return handle;
}
