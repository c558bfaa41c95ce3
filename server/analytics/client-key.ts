/**
 * Distinct clients are counted only to apply the display threshold, with a keyed hash of the
 * client's address under a random key of the day. The key lives in memory only (in a cluster, in
 * Redis with an expiry of two days, so every proxy hashes alike); yesterday's hashes cannot be
 * linked to today's, and once the key is gone nobody can recompute one.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Day } from './store.js';

export interface DailyKeySource {
  /** The key for `day` (made if none yet). */
  keyFor(day: Day): Promise<Buffer>;
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
