import { createHash } from 'node:crypto';
import { changeLogUid } from '../change-log.js';
import type { Engine } from './client.js';
import { engineErrorCode, toEngineError } from './client.js';

/**
 * The search-only key the public server uses: `actions: ["search"]` on this one index, so that a
 * leaked key can neither write nor read another index (meilisearch-facts §3). Its uid is derived
 * from the index name, so every start finds the same key instead of piling up new ones.
 */
export async function ensureSearchKey(masterEngine: Engine, indexUid: string): Promise<string> {
  // Also its change log (core/change-log.ts), which the proxies follow. A new role name, so keys
  // made before the log existed (without it) are not reused.
  return ensureKey(masterEngine, indexUid, 'search-key+changes', {
    name: `news-search ${indexUid} (search only)`,
    description: 'Used by the public search proxy; can only search this index and its change log.',
    actions: ['search'],
  }, [changeLogUid(indexUid)]);
}

/**
 * A read-only key the server uses to notice index changes (cache invalidation): it can read the
 * index's metadata and task list, nothing else, so the public search key needs no extra rights.
 */
export async function ensureMonitorKey(masterEngine: Engine, indexUid: string): Promise<string> {
  return ensureKey(masterEngine, indexUid, 'monitor-key', {
    name: `news-search ${indexUid} (index monitor)`,
    description: 'Used by the search proxy to detect index changes; read-only metadata of this index.',
    actions: ['indexes.get', 'tasks.get'],
  });
}

async function ensureKey(
  masterEngine: Engine,
  indexUid: string,
  role: string,
  spec: { name: string; description: string; actions: string[] },
  alsoIndexes: string[] = [],
): Promise<string> {
  const uid = uuidFromName(`news-search:${role}:${indexUid}`);
  try {
    const existing = await masterEngine.getKey(uid).catch((error: unknown) => {
      if (engineErrorCode(error) === 'api_key_not_found') return undefined;
      throw error;
    });
    if (existing) return existing.key;
    const created = await masterEngine.createKey({ uid, ...spec, indexes: [indexUid, ...alsoIndexes], expiresAt: null } as Parameters<Engine['createKey']>[0]).catch((error: unknown) => {
      // Another proxy starting at the same moment (compose starts proxy-1 and proxy-2 together) made it first.
      if (engineErrorCode(error) === 'api_key_already_exists') return masterEngine.getKey(uid);
      throw error;
    });
    return created.key;
  } catch (error) {
    throw toEngineError(error, `creating the ${role}`);
  }
}

/** A deterministic RFC 4122 version-5-style UUID. */
function uuidFromName(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
