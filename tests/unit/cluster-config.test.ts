import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDistributed, parseClusterConfig, shardFor } from '../../core/engine/cluster.js';

const KEY = 'k'.repeat(32);

describe('parseClusterConfig', () => {
  it('is undefined without MEILI_SHARDS: a single engine, nothing changes', () => {
    expect(parseClusterConfig({})).toBeUndefined();
    expect(parseClusterConfig({ MEILI_SHARDS: '  ' })).toBeUndefined();
  });

  it('reads shards in order, trims trailing slashes, falls back to MEILI_MASTER_KEY', () => {
    const cluster = parseClusterConfig({
      MEILI_MASTER_KEY: KEY,
      MEILI_SHARDS: JSON.stringify([
        { name: 's1', url: 'http://meili-1:7700/' },
        { name: 's2', url: 'http://meili-2:7700', masterKey: 'm'.repeat(16) },
      ]),
    });
    expect(cluster).toEqual({
      shards: [
        { name: 's1', url: 'http://meili-1:7700', masterKey: KEY },
        { name: 's2', url: 'http://meili-2:7700', masterKey: 'm'.repeat(16) },
      ],
    });
    expect(isDistributed(cluster)).toBe(true);
    expect(isDistributed(parseClusterConfig({ MEILI_MASTER_KEY: KEY, MEILI_SHARDS: '[{"name":"a","url":"http://x:1"}]' }))).toBe(false);
  });

  it.each([
    ['{not json', /MEILI_SHARDS: not valid JSON/],
    ['[]', /MEILI_SHARDS: give at least one shard/],
    ['[{"name":"a b","url":"http://x:1"}]', /MEILI_SHARDS\[0\]\.name: only letters/],
    ['[{"name":"a","url":"ftp://x"}]', /MEILI_SHARDS\[0\]\.url/],
    ['[{"name":"a","url":"http://x:1"},{"name":"a","url":"http://y:1"}]', /names must be unique/],
    ['[{"name":"a","url":"http://x:1"},{"name":"b","url":"http://x:1/"}]', /urls must be unique/],
  ])('rejects %s naming the variable and the reason', (value, message) => {
    expect(() => parseClusterConfig({ MEILI_MASTER_KEY: KEY, MEILI_SHARDS: value })).toThrow(message);
  });

  it('names the shard that has no key', () => {
    expect(() => parseClusterConfig({ MEILI_SHARDS: '[{"name":"east","url":"http://x:1"}]' })).toThrow(/\[0\] \(east\): no masterKey/);
  });
});

describe('shardFor (rendezvous hashing)', () => {
  const ids = Array.from({ length: 6000 }, (_, i) => `article-${i}`);

  it('is stable and independent of the order the shards are listed in', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => shardFor(id, ['a', 'b', 'c']) === shardFor(id, ['c', 'a', 'b'])),
    );
  });

  it('spreads articles evenly over 3 shards', () => {
    const counts = new Map<string, number>();
    for (const id of ids) {
      const shard = shardFor(id, ['a', 'b', 'c']);
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(n / ids.length).toBeGreaterThan(0.3);
  });

  it('going from 2 to 3 shards moves about a third of the articles, all of them to the new shard', () => {
    const moved = ids.filter((id) => shardFor(id, ['a', 'b']) !== shardFor(id, ['a', 'b', 'c']));
    expect(moved.length / ids.length).toBeGreaterThan(0.3);
    expect(moved.length / ids.length).toBeLessThan(0.37);
    expect(new Set(moved.map((id) => shardFor(id, ['a', 'b', 'c'])))).toEqual(new Set(['c']));
  });
});
