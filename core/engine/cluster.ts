import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, EngineError, EngineUnavailableError } from '../errors.js';
import { createEngine, type Engine } from './client.js';
import { ensureSearchKey } from './keys.js';
import { ensureIndex } from './settings.js';

/**
 * Several Meilisearch instances joined by the engine's own `network` feature (Community Edition:
 * remote federated search). Each article lives on exactly one shard, chosen by rendezvous hashing
 * of its id; the first shard is the default coordinator of searches.
 */
export interface Shard {
  /** Stable name: the hash input and the engine's remote name. Renaming a shard moves its articles. */
  name: string;
  url: string;
  masterKey: string;
}

export interface ClusterConfig {
  shards: Shard[];
}

/** A shard as the public search path sees it: a search-only key, never the master key. */
export interface SearchShard {
  name: string;
  url: string;
  searchKey: string;
}

const shardSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'only letters, digits, - and _ (at most 64)'),
  url: z.url({ protocol: /^https?$/ }),
  masterKey: z.string().min(16, 'must be at least 16 bytes').optional(),
});

const shardsSchema = z
  .array(shardSchema)
  .min(1, 'give at least one shard')
  .refine((shards) => new Set(shards.map((s) => s.name)).size === shards.length, 'shard names must be unique')
  .refine((shards) => new Set(shards.map((s) => s.url.replace(/\/+$/, ''))).size === shards.length, 'shard urls must be unique');

/**
 * MEILI_SHARDS is a JSON array `[{"name":"s1","url":"http://…:7700","masterKey":"…"}, …]`; a shard
 * without `masterKey` uses MEILI_MASTER_KEY (compose runs every engine with one key). Unset → no
 * cluster (undefined) and everything runs as a single engine. Pure: the caller passes the env.
 */
export function parseClusterConfig(env: Readonly<Record<string, string | undefined>>): ClusterConfig | undefined {
  const raw = env['MEILI_SHARDS']?.trim();
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`Environment variable MEILI_SHARDS: not valid JSON (${(error as Error).message})`);
  }
  const parsed = shardsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new ConfigError(`Environment variable MEILI_SHARDS${where}: ${issue.message}`);
  }
  const fallbackKey = env['MEILI_MASTER_KEY'];
  const shards = parsed.data.map((s, i): Shard => {
    const masterKey = s.masterKey ?? fallbackKey;
    if (!masterKey || masterKey.length < 16) {
      throw new ConfigError(`Environment variable MEILI_SHARDS [${i}] (${s.name}): no masterKey and MEILI_MASTER_KEY is not set (≥ 16 bytes)`);
    }
    return { name: s.name, url: s.url.replace(/\/+$/, ''), masterKey };
  });
  return { shards };
}

/** With one shard nothing is distributed: callers keep the single-engine paths. */
export function isDistributed(cluster: ClusterConfig | undefined): cluster is ClusterConfig {
  return cluster !== undefined && cluster.shards.length > 1;
}

/**
 * Rendezvous (highest-random-weight) hashing: every shard scores the id, the highest wins. Adding
 * a shard moves only the ids the new shard now wins (~1/N of them), and all of them move to it.
 */
export function shardFor(articleId: string, shardNames: readonly string[]): string {
  let best: string | undefined;
  let bestScore = -1n;
  for (const name of shardNames) {
    const score = createHash('sha256').update(`${name}\u0000${articleId}`).digest().readBigUInt64BE(0);
    if (score > bestScore || (score === bestScore && best !== undefined && name < best)) {
      best = name;
      bestScore = score;
    }
  }
  if (best === undefined) throw new ConfigError('shardFor: no shards configured');
  return best;
}

export function adminEngineFor(shard: Shard, timeoutMs: number): Engine {
  return createEngine({ url: shard.url, apiKey: shard.masterKey, timeoutMs });
}

/**
 * Start-up of a cluster, idempotent: the same index settings on every shard (so scores are
 * comparable when the coordinator merges them), a search-only key per shard, the `network`
 * feature enabled and the same remote table on every instance, each knowing which one it is.
 */
export async function prepareCluster(cluster: ClusterConfig, indexUid: string, timeoutMs = 60_000): Promise<SearchShard[]> {
  const searchShards = await Promise.all(
    cluster.shards.map(async (shard): Promise<SearchShard> => {
      const engine = adminEngineFor(shard, timeoutMs);
      await ensureIndex(engine, indexUid);
      const searchKey = await ensureSearchKey(engine, indexUid);
      await adminCall(shard, 'PATCH', '/experimental-features', { network: true }, timeoutMs);
      return { name: shard.name, url: shard.url, searchKey };
    }),
  );
  const remotes = Object.fromEntries(searchShards.map((s) => [s.name, { url: s.url, searchApiKey: s.searchKey }]));
  await Promise.all(cluster.shards.map((shard) => adminCall(shard, 'PATCH', '/network', { self: shard.name, remotes }, timeoutMs)));
  return searchShards;
}

/** The two experimental routes the pinned client does not model the way 1.21 expects. */
async function adminCall(shard: Shard, method: string, route: string, body: unknown, timeoutMs: number): Promise<unknown> {
  const what = `${method} ${route} on shard ${shard.name}`;
  let res: Response;
  try {
    res = await fetch(`${shard.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${shard.masterKey}`, 'content-type': 'application/json', 'accept-encoding': 'identity' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new EngineUnavailableError(`${what}: ${(error as Error).message}`, { cause: error });
  }
  const answer = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  if (res.status >= 500) throw new EngineUnavailableError(`${what}: engine answered ${res.status}`);
  if (!res.ok) throw new EngineError(`${what}: ${answer.message ?? res.status}`, answer.code);
  return answer;
}
