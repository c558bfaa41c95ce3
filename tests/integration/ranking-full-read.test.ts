import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../core/engine/client.js';
import { ensureIndex } from '../../core/engine/settings.js';
import { createLogger } from '../../core/logger.js';
import { searchFields } from '../../core/text/stem.js';
import { RankingFollower } from '../../server/ranking/follower.js';
import type { RankingDocument } from '../../server/ranking/index.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';

const uid = uniqueIndexUid('full-read');
const PAGE = 7;

function chunk(n: number, variant = ''): RankingDocument {
  const text = `Караван судов номер ${n} прошёл Северный морской путь${variant}.`;
  return { id: `${variant ? 'C' : 'c'}${String(n).padStart(3, '0')}`, articleId: `a${n % 9}`, stems: searchFields('', text).stems, sectionTitle: '', text, tags: null, dateTs: null, year: null, sectionIndex: 0, passage: n };
}

const docs = [...Array.from({ length: 40 }, (_, n) => chunk(n)), chunk(3, 'case')];

beforeAll(async () => {
  const admin = adminEngine();
  await ensureIndex(admin, uid);
  await admin.index(uid).addDocuments(docs, { primaryKey: 'id' }).waitTask({ timeout: 60_000 });
});
afterAll(() => deleteIndex(uid));

/**
 * The engine as the follower sees it, except that before its second page of a full read, `write`
 * runs against the real engine: a write landing while the proxy reads the index.
 */
function engineWritingBetweenPages(write: (firstPage: RankingDocument[]) => Promise<void>): Engine {
  const real = createEngine({ url: testEngine().url, apiKey: testEngine().masterKey, timeoutMs: 5000 });
  let pages = 0;
  let first: RankingDocument[] = [];
  return new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'index') return Reflect.get(target, property, receiver) as unknown;
      return (name: string) => {
        const index = target.index(name);
        if (name !== uid) return index;
        return new Proxy(index, {
          get(inner, key, innerReceiver) {
            if (key !== 'search') return Reflect.get(inner, key, innerReceiver) as unknown;
            return async (q: string, params: { limit?: number }) => {
              if (params?.limit === PAGE && ++pages === 2) await write(first);
              const result = await inner.search<RankingDocument>(q, params as never);
              if (params?.limit === PAGE && pages === 1) first = result.hits;
              return result;
            };
          },
        });
      };
    },
  });
}

describe('a full read of the index by the ranking follower', () => {
  it('misses no chunk that nobody touched when chunks it already read are deleted meanwhile', async () => {
    let deleted: string[] = [];
    const engine = engineWritingBetweenPages(async (firstPage) => {
      deleted = firstPage.slice(0, 3).map((d) => d.id);
      await adminEngine().index(uid).deleteDocuments(deleted).waitTask({ timeout: 60_000 });
    });
    const follower = new RankingFollower([engine], uid, { pollMs: 60_000, pageSize: PAGE }, createLogger('silent')).start();
    try {
      await follower.settled();
      const index = follower.current()!;
      // The deletions themselves reach the index through the change log (tests/integration/ranking-index.test.ts).
      const missing = docs.map((d) => d.id).filter((id) => !deleted.includes(id) && !index.has(id));
      expect(missing).toEqual([]);
      expect(index.stats().chunks).toBeGreaterThanOrEqual(docs.length - deleted.length);
    } finally {
      follower.stop();
    }
  });
});
