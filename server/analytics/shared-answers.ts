/**
 * What the proxies answered lately, shared through Redis (REDIS_URL), so that a widget report
 * reaching a proxy that did not answer its query itself (nginx spreads a reader's requests) can
 * still be checked against the server's own answers: the articles of the hits answered for a query,
 * the correction answered for it, and the tags seen in answers' facets. One per-day set of
 * members (`query key ␟ kind ␟ value`: texts the server itself answered, never a client's), expiring
 * 48 h after its day began.
 */
import type { Redis } from 'ioredis';
import { sharedDayExpiry } from './shared-clients.js';
import type { Day } from './store.js';

export interface SharedAnswers {
  /** Adds members answered on `day`. */
  add(day: Day, members: readonly string[]): Promise<void>;
  /** Which of `members` any proxy answered on one of `days`. */
  has(days: readonly Day[], members: readonly string[]): Promise<Set<string>>;
}

const SEP = '\u001f';
/** Members per command. */
const BATCH = 1000;

/** A shared answer fact: an article answered for a query (`a`), a correction answered for it (`c`), a tag in an answer's facets (`t`, no query). */
export function answerMember(kind: 'a' | 'c' | 't', key: string, value: string): string {
  return key + SEP + kind + SEP + value;
}

export function redisSharedAnswers(redis: Redis, namespace: string): SharedAnswers {
  const setOf = (day: Day) => `${namespace}:analytics:answered:${day}`;
  return {
    async add(day, members) {
      for (let start = 0; start < members.length; start += BATCH) {
        await redis
          .multi()
          .sadd(setOf(day), ...members.slice(start, start + BATCH))
          .expireat(setOf(day), sharedDayExpiry(day))
          .exec();
      }
    },
    async has(days, members) {
      const found = new Set<string>();
      for (const day of days) {
        for (let start = 0; start < members.length; start += BATCH) {
          const batch = members.slice(start, start + BATCH);
          const flags = await redis.smismember(setOf(day), ...batch);
          batch.forEach((m, i) => flags[i] === 1 && found.add(m));
        }
      }
      return found;
    },
  };
}
