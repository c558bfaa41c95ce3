/**
 * Distinct clients are counted only to apply the display threshold, with a keyed hash of the
 * client's address under a random key of the day. The key lives in memory only (in a cluster, in
 * Redis with an expiry of two days, so every proxy hashes alike); yesterday's hashes cannot be
 * linked to today's, and once the key is gone nobody can recompute one. In a cluster the day's
 * distinct clients per query are counted once across proxies through a HyperLogLog beside the key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Day } from './store.js';

export interface DailyKeySource {
  /** The key for `day` (made if none yet). */
  keyFor(day: Day): Promise<Buffer>;
  /**
   * Per query key, how many of these client hashes no proxy had counted for it on `day` before:
   * the day's distinct clients counted once however many proxies served them.
   */
  newClients(day: Day, hashes: ReadonlyMap<string, readonly string[]>): Promise<Map<string, number>>;
}

export function memoryKeys(): DailyKeySource {
  const keys = new Map<Day, Buffer>();
  return {
    async keyFor(day) {
      let key = keys.get(day);
      if (!key) {
        keys.clear();
        keys.set(day, (key = randomBytes(32)));
      }
      return key;
    },
    // One process: its own memory already told its clients apart.
    newClients: async (_day, hashes) => new Map([...hashes].map(([key, list]) => [key, list.length])),
  };
}

/** One key per day for every proxy: the first to ask sets it (SET NX), with an expiry. */
export function redisKeys(redis: Redis, namespace: string): DailyKeySource {
  return {
    async keyFor(day) {
      const name = `${namespace}:analytics:client-key:${day}`;
      await redis.set(name, randomBytes(32).toString('hex'), 'EX', 2 * 86_400, 'NX');
      const hex = await redis.get(name);
      if (!hex) throw new Error('analytics: the shared client key vanished');
      return Buffer.from(hex, 'hex');
    },
    /**
     * A HyperLogLog per query and day (PFADD), expiring with the day's key: it keeps no hash, only
     * registers (a 14-bit index and a run length per client), so even with the day's key the
     * counted addresses cannot be listed (one given address can only be tested as "possibly
     * counted"). Up to a few clients its count is exact; a collision can only count fewer (the
     * safe side of the threshold). The count before and after the add, in one MULTI, gives how many
     * were new to every proxy.
     */
    async newClients(day, hashes) {
      const multi = redis.multi();
      for (const [key, list] of hashes) {
        const name = `${namespace}:analytics:client-set:${day}:${key}`;
        multi.pfcount(name).pfadd(name, ...list).pfcount(name).expire(name, 2 * 86_400);
      }
      const results = await multi.exec();
      if (!results || results.some(([error]) => error)) throw results?.find(([error]) => error)?.[0] ?? new Error('analytics: the Redis transaction was discarded');
      return new Map([...hashes.keys()].map((key, i) => [key, Number(results[i * 4 + 2]![1]) - Number(results[i * 4]![1])]));
    },
  };
}

/**
 * Address → keyed hash. Called at most CLIENT_THRESHOLD times per query and day plus once per
 * report, so no memo: a memo would keep readers' raw addresses in memory.
 */
export class ClientHasher {
  private key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  setKey(key: Buffer): void {
    this.key = key;
  }

  hash(address: string): string {
    return createHmac('sha256', this.key).update(address).digest('base64url').slice(0, 16);
  }
}
