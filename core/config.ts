import path from 'node:path';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { parseClusterConfig, type ClusterConfig } from './engine/cluster.js';
import { ConfigError } from './errors.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_URL_BYTES } from './query-length.js';

/**
 * Everything configurable, read once from the environment by an entry point (server/main.ts,
 * indexer/cli.ts) and passed down. Nothing else reads process.env.
 */
export interface Config {
  /** External engine; when absent the bundled Meilisearch is started. */
  meiliUrl: string | undefined;
  meiliMasterKey: string | undefined;
  /** Directory for the embedded engine's database, master key and pid file. */
  dataDir: string;
  indexUid: string;
  host: string;
  port: number;
  articlesDir: string;
  engineTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logQueries: boolean;
  /** Skip indexing articlesDir at start-up. */
  skipIndexOnStart: boolean;
  /** Origins allowed to call the API from a browser; `['*']` = any (never with credentials). */
  corsOrigins: string[];
  /** Requests per IP per window; 0 disables rate limiting. */
  rateLimit: number;
  rateLimitWindowMs: number;
  /** Express `trust proxy`: false, true, a hop count, or a comma list of addresses/subnets. */
  trustProxy: boolean | number | string;
  /** Search responses kept in memory; 0 disables the cache. */
  cacheEntries: number;
  /** Bytes (MB) the cached responses may take together: a search's answer is 5–40 KB of JSON. */
  cacheMb: number;
  /** How often the server asks the engine whether the index changed (cache and ranking index). */
  indexPollMs: number;
  /**
   * Memory (MB) the in-process ranking index may take; above it searches rank engine candidates.
   * 0 disables the index; undefined: derived from the V8 heap limit (server/ranking/follower.ts).
   */
  rankingMemoryMb: number | undefined;
  /** The V8 heap limit `npm start` (bin/start.sh) gives the server; checked against the running process at start-up. */
  nodeHeapMb: number | undefined;
  maxBodyBytes: number;
  /** Longest accepted request URL (path + query), in bytes. */
  maxUrlBytes: number;
  /** How long shutdown waits for in-flight requests before closing their connections. */
  shutdownGraceMs: number;
  /**
   * Who may read /metrics: addresses, subnets or the names loopback, linklocal, uniquelocal,
   * matched on the connection's own address (never a forwarded header); `none` = nobody.
   */
  metricsAllow: string[];
  /**
   * Admin routes (server/http/admin-access.ts): ADMIN_TOKEN opens all of them (publish hook,
   * analytics); ANALYTICS_TOKEN only the analytics reports. Unset = those routes answer 404.
   */
  adminToken: string | undefined;
  analyticsToken: string | undefined;
  /** Who may call admin routes at all (addresses, subnets, loopback/…; `any` = everyone); matched on the TCP peer. */
  adminAllow: string[] | 'any';
  /** Requests per client per window to /healthz, /readyz and /metrics; 0 disables the limit. */
  healthRateLimit: number;
  /** The origin readers reach this server at (the demo page's embed snippet); unset = relative URLs. */
  publicUrl: string | undefined;
  /** Slow clients: time to receive a request's headers, and the whole request (Node answers 408). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; further ones are refused until some close (0 = no cap). */
  maxConnections: number;
  /** MEILI_SHARDS: several engines joined by the engine's network feature (core/engine/cluster.ts). */
  cluster: ClusterConfig | undefined;
  /** Shared rate-limit counters and response cache for several proxies; unset = in-process. */
  redisUrl: string | undefined;
  /** How long a shared (Redis) cache entry lives; index changes invalidate it sooner. */
  redisCacheTtlSeconds: number;
  /** Search analytics (docs/analytics.md): `ANALYTICS=off` collects nothing and hides the report routes. */
  analytics: boolean;
  /** Days of daily analytics rows kept. */
  analyticsRetentionDays: number;
  /** How often in-memory analytics counts are written to the store (≤ 10 s). */
  analyticsFlushMs: number;
  /** Fetching articles from a site (indexer/web/): politeness and limits per request. */
  web: WebFetchConfig;
}

export interface WebFetchConfig {
  /** Whole request (headers and body) must finish within this. */
  timeoutMs: number;
  /** A page, feed or sitemap larger than this is refused (after gunzip for sitemaps). */
  maxBytes: number;
  maxRedirects: number;
  /** Requests in flight per host at most, and the pause between request starts to one host. */
  hostConcurrency: number;
  hostDelayMs: number;
  /** `--watch URL`: poll at most this often (a feed's TTL / Cache-Control max-age can only lengthen it). */
  pollSeconds: number;
  /**
   * WEB_ALLOW_HOSTS: the only hosts fetched (every redirect hop too); undefined = any. The publish
   * hook's `{ "url": … }` form is on only when set: a token holder must not make the server fetch
   * its own network's addresses (SSRF).
   */
  allowedHosts?: string[] | undefined;
}

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const envSchema = z.object({
  MEILI_URL: z.url({ protocol: /^https?$/ }).optional(),
  MEILI_MASTER_KEY: z.string().min(16, 'must be at least 16 bytes').optional(),
  DATA_DIR: z.string().min(1).default('data'),
  INDEX_UID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, 'only letters, digits, - and _')
    .default('news'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ARTICLES_DIR: z.string().min(1).default('articles'),
  ENGINE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60000).default(2000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_QUERIES: boolish.default(true),
  SKIP_INDEX_ON_START: boolish.default(false),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), 'a comma-separated list of origins like https://example.com, or *'),
  RATE_LIMIT: z.coerce.number().int().min(0).default(300),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  CACHE_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  CACHE_MB: z.coerce.number().int().min(1).max(100_000).default(16),
  INDEX_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
  RANKING_MEMORY_MB: z.coerce.number().int().min(0).max(1_000_000).optional(),
  // Applied by bin/start.sh (V8 reads its heap limit before any of our code runs); validated here with the rest.
  NODE_HEAP_MB: z.coerce.number().int().min(64).max(1_000_000).optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(DEFAULT_MAX_BODY_BYTES),
  MAX_URL_BYTES: z.coerce.number().int().min(256).max(65_536).default(DEFAULT_MAX_URL_BYTES),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  METRICS_ALLOW: z
    .string()
    .default('loopback')
    .transform((v) => (v.trim() === 'none' ? [] : v.split(',').map((a) => a.trim()).filter(Boolean)))
    .refine(compilesAsAddressList, 'a comma-separated list of addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').max(512).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  ANALYTICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(512).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
  ADMIN_ALLOW: z
    .string()
    .default('any')
    .transform((v): string[] | 'any' => (v.trim() === 'any' ? 'any' : v.trim() === 'none' ? [] : v.split(',').map((a) => a.trim()).filter(Boolean)))
    .refine((v) => v === 'any' || compilesAsAddressList(v), 'a comma-separated list of addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal, or any, or none'),
  HEALTH_RATE_LIMIT: z.coerce.number().int().min(0).default(120),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  MAX_CONNECTIONS: z.coerce.number().int().min(0).max(1_000_000).default(1024),
  // Parsed by parseClusterConfig(); declared here so that every variable read has one list.
  MEILI_SHARDS: z.string().optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  WEB_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  WEB_MAX_BYTES: z.coerce.number().int().min(1024).max(256 * 1024 * 1024).default(5 * 1024 * 1024),
  WEB_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  WEB_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  WEB_HOST_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  WEB_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  WEB_ALLOW_HOSTS: z
    .string()
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((h) => /^(\.?[a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/.test(h)), 'a comma-separated list of host names (example.com, example.com:8080, .example.com for subdomains)')
    .optional(),
  ANALYTICS: z.enum(['on', 'off']).default('on'),
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(8).max(3660).default(395),
  ANALYTICS_FLUSH_MS: z.coerce.number().int().min(100).max(10_000).default(5_000),
});

/** Every environment variable the server and the indexer read (compose files are checked against it). */
export const CONFIG_ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(dropEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.MEILI_URL && !e.MEILI_MASTER_KEY) {
    throw new ConfigError('MEILI_URL is set but MEILI_MASTER_KEY is not: the indexer needs the master key of that server.');
  }
  const cluster = parseClusterConfig(env);
  // One shard is one external engine: the single-engine paths serve it.
  const soleShard = cluster?.shards.length === 1 && !e.MEILI_URL ? cluster.shards[0] : undefined;
  return {
    meiliUrl: soleShard?.url ?? e.MEILI_URL,
    meiliMasterKey: soleShard?.masterKey ?? e.MEILI_MASTER_KEY,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    indexUid: e.INDEX_UID,
    host: e.HOST,
    port: e.PORT,
    articlesDir: path.resolve(cwd, e.ARTICLES_DIR),
    engineTimeoutMs: e.ENGINE_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logQueries: e.LOG_QUERIES,
    skipIndexOnStart: e.SKIP_INDEX_ON_START,
    corsOrigins: e.CORS_ORIGINS.length > 0 ? e.CORS_ORIGINS : ['*'],
    rateLimit: e.RATE_LIMIT,
    rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
    trustProxy: e.TRUST_PROXY,
    cacheEntries: e.CACHE_ENTRIES,
    cacheMb: e.CACHE_MB,
    indexPollMs: e.INDEX_POLL_MS,
    rankingMemoryMb: e.RANKING_MEMORY_MB,
    nodeHeapMb: e.NODE_HEAP_MB,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxUrlBytes: e.MAX_URL_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsAllow: e.METRICS_ALLOW,
    adminToken: e.ADMIN_TOKEN,
    analyticsToken: e.ANALYTICS_TOKEN,
    adminAllow: e.ADMIN_ALLOW,
    healthRateLimit: e.HEALTH_RATE_LIMIT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: Math.max(e.REQUEST_TIMEOUT_MS, e.HEADERS_TIMEOUT_MS),
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: e.MAX_CONNECTIONS,
    cluster,
    redisUrl: e.REDIS_URL,
    redisCacheTtlSeconds: e.REDIS_CACHE_TTL_SECONDS,
    web: {
      timeoutMs: e.WEB_TIMEOUT_MS,
      maxBytes: e.WEB_MAX_BYTES,
      maxRedirects: e.WEB_MAX_REDIRECTS,
      hostConcurrency: e.WEB_HOST_CONCURRENCY,
      hostDelayMs: e.WEB_HOST_DELAY_MS,
      pollSeconds: e.WEB_POLL_SECONDS,
      allowedHosts: e.WEB_ALLOW_HOSTS,
    },
    analytics: e.ANALYTICS === 'on',
    analyticsRetentionDays: e.ANALYTICS_RETENTION_DAYS,
    analyticsFlushMs: e.ANALYTICS_FLUSH_MS,
  };
}

function compilesAsAddressList(list: string[]): boolean {
  try {
    proxyAddr.compile(list);
    return true;
  } catch {
    return false;
  }
}

/** Variables set to the empty string count as unset, as in most shells' `VAR= cmd`. */
function dropEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}
