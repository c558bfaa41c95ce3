import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/**
 * State that must be shared when several stateless proxies run behind a load balancer: the rate
 * limit counters and the response cache. Redis is optional; with one proxy the in-process
 * express-rate-limit memory store and LRU cache do the same job.
 */

/**
 * One connection per proxy. Commands time out quickly and are retried once, so a Redis outage
 * costs the cache, not the search; connection errors go to `onError` (ioredis would otherwise
 * raise an unhandled 'error' event) while it keeps reconnecting.
 */
export function connectRedis(url: string, onError: (error: Error) => void = () => {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000 });
  redis.on('error', onError);
  return redis;
}

/**
 * express-rate-limit store whose counters every proxy shares. One store per limiter (the library
 * refuses a shared instance); give each limiter its own prefix.
 */
export function redisRateLimitStore(redis: Redis, prefix = 'news-search:rl:'): RedisStore {
  return new RedisStore({ prefix, sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply> });
}

export interface SharedCacheOptions {
  /** Keys live under `<namespace>:`; use the index uid so two indexes never share entries. */
  namespace: string;
  ttlSeconds: number;
  /** Redis errors are reported here and treated as a miss. */
  onError?: (error: unknown) => void;
}

/** A cache read: the index version it was read under, which a later store must reuse. */
export interface CacheLookup<T> {
  version: string;
  value: T | undefined;
}

/** Reads the index version and the entry under it in one round trip, so they cannot disagree. */
const LOOKUP_SCRIPT = `
local version = redis.call('GET', KEYS[1]) or '0'
return {version, redis.call('GET', ARGV[1] .. version .. ':' .. ARGV[2])}
`;

/**
 * A response cache shared by all proxies. Entries are keyed by the index version, which the
 * indexer bumps after every successful run (invalidate()): every proxy then misses at once, and
 * old entries simply expire. A result computed while the version moved is stored under the
 * version it was looked up with, so it can never be served as fresh.
 */
export class SharedResponseCache {
  private readonly versionKey: string;
  private readonly entryPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: SharedCacheOptions,
  ) {
    this.versionKey = `${options.namespace}:version`;
    this.entryPrefix = `${options.namespace}:v`;
  }

  async lookup<T>(key: string): Promise<CacheLookup<T>> {
    try {
      const [version, raw] = (await this.redis.eval(LOOKUP_SCRIPT, 1, this.versionKey, this.entryPrefix, key)) as [string, string | null];
      return { version, value: raw === null ? undefined : (JSON.parse(raw) as T) };
    } catch (error) {
      this.options.onError?.(error);
      return { version: '', value: undefined };
    }
  }

  async store<T>(key: string, lookedUp: CacheLookup<T>, value: T): Promise<void> {
    if (lookedUp.version === '') return;
    try {
      await this.redis.set(`${this.entryPrefix}${lookedUp.version}:${key}`, JSON.stringify(value), 'EX', this.options.ttlSeconds);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** The whole lookup → compute on miss → store cycle. */
  async getOrCompute<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const lookedUp = await this.lookup<T>(key);
    if (lookedUp.value !== undefined) return lookedUp.value;
    const value = await compute();
    await this.store(key, lookedUp, value);
    return value;
  }
}

/** Called by the indexer after a successful run: every proxy's cache misses from now on. */
export async function bumpIndexVersion(redis: Redis, namespace: string): Promise<number> {
  return redis.incr(`${namespace}:version`);
}
