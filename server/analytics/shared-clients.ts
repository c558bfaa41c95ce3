/**
 * The per-day distinct-client count shared by several proxies (REDIS_URL). Each proxy tells its
 * clients apart in memory (client-key.ts: a keyed hash under the day's shared key); at a flush
 * the hashes it met first go into one per-day Redis set, and a client counts for a query only when
 * it is new to that set: one reader sent to two proxies by nginx counts once, not once per proxy.
 * The set holds `query key ␟ keyed hash` (never an address) and expires 48 h after its day began,
 * as the key it was hashed with does; only the capped counts reach the store.
 */
import type { Redis } from 'ioredis';
import type { Day } from './store.js';

/** (query key, keyed client hash) pairs a proxy met first since its last flush. */
export type ClientPairs = readonly (readonly [key: string, hash: string])[];

export interface SharedClients {
  /** How many of `pairs` per key are new to the day's shared count, at most `cap` per key and day. */
  admit(day: Day, pairs: ClientPairs, cap: number): Promise<Map<string, number>>;
}

/** The sets live until 48 h after their day began: long enough for a flush after midnight, no longer than the day's key. */
export const SHARED_CLIENTS_TTL_HOURS = 48;

/** When a per-day shared key expires (unix seconds): 48 h after its day began. */
export function sharedDayExpiry(day: Day): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000 + SHARED_CLIENTS_TTL_HOURS * 3600;
}

/** Pairs per script call: one call blocks Redis briefly, not for a whole large flush. */
const BATCH = 500;

/**
 * One atomic step per pair: skip a key already at the cap, else add the member and count it if it
 * was not there. KEYS: the day's member set and its per-key counts; ARGV: expire-at (s), cap, pairs.
 */
const ADMIT = `
local cap = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV, 2 do
  local key = ARGV[i]
  local n = tonumber(redis.call('HGET', KEYS[2], key) or '0')
  local new = 0
  if n < cap and redis.call('SADD', KEYS[1], key .. '\\31' .. ARGV[i + 1]) == 1 then
    redis.call('HINCRBY', KEYS[2], key, 1)
    new = 1
  end
  out[#out + 1] = new
end
redis.call('EXPIREAT', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[2], ARGV[1])
return out
`;

export function redisSharedClients(redis: Redis, namespace: string): SharedClients {
  const prefix = `${namespace}:analytics:clients`;
  return {
    async admit(day, pairs, cap) {
      const counted = new Map<string, number>();
      const expireAt = String(sharedDayExpiry(day));
      for (let start = 0; start < pairs.length; start += BATCH) {
        const batch = pairs.slice(start, start + BATCH);
        const news = (await redis.eval(ADMIT, 2, `${prefix}:${day}`, `${prefix}:n:${day}`, expireAt, String(cap), ...batch.flat())) as number[];
        batch.forEach(([key], i) => {
          if (news[i] === 1) counted.set(key, (counted.get(key) ?? 0) + 1);
        });
      }
      return counted;
    },
  };
}
