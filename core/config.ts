import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';

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
});

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
  return {
    meiliUrl: e.MEILI_URL,
    meiliMasterKey: e.MEILI_MASTER_KEY,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    indexUid: e.INDEX_UID,
    host: e.HOST,
    port: e.PORT,
    articlesDir: path.resolve(cwd, e.ARTICLES_DIR),
    engineTimeoutMs: e.ENGINE_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logQueries: e.LOG_QUERIES,
    skipIndexOnStart: e.SKIP_INDEX_ON_START,
  };
}

/** Variables set to the empty string count as unset, as in most shells' `VAR= cmd`. */
function dropEmpty(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}
