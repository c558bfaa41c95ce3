/** Which analytics store and client key `npm start` uses: SQLite in DATA_DIR, or Redis with REDIS_URL. */
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import { memoryKeys, redisKeys } from './client-key.js';
import { SearchAnalytics } from './collector.js';
import { redisSharedClients } from './shared-clients.js';
import { redisSharedAnswers } from './shared-answers.js';
import { RedisAnalyticsStore } from './redis-store.js';
import { ANALYTICS_DB_FILE, SqliteAnalyticsStore } from './sqlite-store.js';

export async function startAnalytics(config: Config, redis: Redis | undefined, log: Logger): Promise<SearchAnalytics> {
  const namespace = `news-search:${config.indexUid}`;
  const store = redis ? new RedisAnalyticsStore(redis, namespace) : await SqliteAnalyticsStore.open(path.join(config.dataDir, ANALYTICS_DB_FILE));
  const analytics = new SearchAnalytics(store, {
    flushMs: config.analyticsFlushMs,
    retentionDays: config.analyticsRetentionDays,
    log,
    keys: redis ? redisKeys(redis, namespace) : memoryKeys(),
    ...(redis && { sharedClients: redisSharedClients(redis, namespace), sharedAnswers: redisSharedAnswers(redis, namespace) }),
  });
  await analytics.start();
  log.info({ store: redis ? 'redis' : 'sqlite', flushMs: config.analyticsFlushMs }, 'search analytics on');
  return analytics;
}
