/** Rate-limit counters and response cache shared by several proxies through Redis. */
import { MemoryStore, type ClientRateLimitInfo, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Logger } from '../../core/logger.js';

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
 * Whether to send commands now. While the first connection is being made they queue; once it was
 * lost (reconnecting) callers skip Redis instead of waiting for a command timeout per request.
 */
export function redisUsable(redis: Redis): boolean {
  return !['reconnecting', 'close', 'end'].includes(redis.status);
}

/**
 * Logs a Redis outage once when it starts and once when it ends (ioredis raises an 'error' on
 * every reconnection attempt, which must not flood the log), and runs `onReady` after every
 * (re)connection so state kept in Redis can be restored.
 */
export function watchRedisHealth(redis: Redis, log: Logger, onReady: () => void = () => {}): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error.message }, 'Redis unavailable: shared cache bypassed, rate limit counted per proxy until it is back');
  });
  redis.on('ready', () => {
    if (down) log.info('Redis reachable again: shared cache and rate limit restored');
    down = false;
    onReady();
  });
}

/**
 * The shared Redis rate-limit store, falling back to this proxy's memory while Redis is down (the
 * limit is then per proxy rather than off or failing requests). rate-limit-redis loads its
 * scripts once in init() and never recovers from a failed load, so it is re-created after every
 * reconnection.
 */
export class FallbackRateLimitStore implements Store {
  readonly localKeys = false;
  private readonly memory = new MemoryStore();
  private shared: RedisStore;
  private options: Options | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = 'news-search:rl:',
  ) {
    this.shared = redisRateLimitStore(redis, keyPrefix);
    redis.on('ready', () => {
      if (!this.options) return;
      this.shared = redisRateLimitStore(redis, keyPrefix);
      this.shared.init(this.options).catch(() => undefined);
    });
  }

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
    // A failed load is retried on the next 'ready'; until then increment() uses memory.
    if (redisUsable(this.redis)) this.shared.init(options).catch(() => undefined);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.viaRedis(() => this.shared.get(key), () => this.memory.get(key));
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.viaRedis(() => this.shared.increment(key), () => this.memory.increment(key));
  }

  async decrement(key: string): Promise<void> {
    return this.viaRedis(() => this.shared.decrement(key), () => this.memory.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    return this.viaRedis(() => this.shared.resetKey(key), () => this.memory.resetKey(key));
  }

  private async viaRedis<T>(shared: () => Promise<T>, local: () => Promise<T> | T): Promise<T> {
    if (!redisUsable(this.redis)) return local();
    try {
      return await shared();
    } catch {
      // The connection's 'error' event reports the outage (watchRedisHealth), once.
      return local();
    }
  }
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
 * proxies' index watchers publish (setVersion) when they see the index change: every proxy then
 * misses at once, and old entries simply expire. A result computed while the version moved is stored under the
 * version it was looked up with, so it can never be served as fresh.
 */
export class SharedResponseCache {
  private readonly versionKey: string;
  private readonly entryPrefix: string;
  /** The index version this proxy last saw (setVersion); `null` = never told, use Redis's. */
  private localVersion: string | undefined | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: SharedCacheOptions,
  ) {
    this.versionKey = `${options.namespace}:version`;
    this.entryPrefix = `${options.namespace}:v`;
  }

  /**
   * Publish the index version this proxy's watcher saw to every proxy: entries are keyed by it, so
   * a change makes all of them miss. `undefined` (index state unknown) bypasses the cache here.
   * Idempotent: proxies watching the same index publish the same string. Re-published after a
   * Redis reconnection (republishVersion), since a restarted Redis forgets it.
   */
  async setVersion(version: string | undefined): Promise<void> {
    this.localVersion = version;
    await this.republishVersion();
  }

  async republishVersion(): Promise<void> {
    if (typeof this.localVersion !== 'string' || !redisUsable(this.redis)) return;
    try {
      await this.redis.set(this.versionKey, this.localVersion);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async lookup<T>(key: string): Promise<CacheLookup<T>> {
    if (this.localVersion === undefined || !redisUsable(this.redis)) return { version: '', value: undefined };
    try {
      const [version, raw] = (await this.redis.eval(LOOKUP_SCRIPT, 1, this.versionKey, this.entryPrefix, key)) as [string, string | null];
      return { version, value: raw === null ? undefined : (JSON.parse(raw) as T) };
    } catch (error) {
      this.options.onError?.(error);
      return { version: '', value: undefined };
    }
  }

  async store<T>(key: string, lookedUp: CacheLookup<T>, value: T): Promise<void> {
    if (lookedUp.version === '' || !redisUsable(this.redis)) return;
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

/**
 * A manual invalidation (every proxy misses from now on) for a deployment without index watchers;
 * the server publishes the engine's own version instead (setVersion), so this only counts up a
 * version that is numeric or unset.
 */
export async function bumpIndexVersion(redis: Redis, namespace: string): Promise<number> {
  return redis.incr(`${namespace}:version`);
}
