import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkDocument } from '../../core/document.js';
import { shardFor } from '../../core/engine/cluster.js';
import { createLogger } from '../../core/logger.js';
import { collectChunks } from '../../indexer/run.js';
import { runShardedIndexer, type ShardTarget } from '../../indexer/shards.js';
import { RankingFollower } from '../../server/ranking/follower.js';
import { createRankingIndex, type RankingDocument } from '../../server/ranking/index.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { allDocuments, shardTargets, startShards, stopShards, writeClusterCorpus, type TestShard } from '../support/cluster.js';
import { uniqueIndexUid } from '../support/engine.js';
import { spawnTsx } from '../support/process.js';

const uid = uniqueIndexUid('cluster_reshard');
let shards: TestShard[] = [];
let targets: ShardTarget[] = [];
let corpus = '';
let expected: ChunkDocument[] = [];
let follower: RankingFollower | undefined;

/** Where every chunk is, per shard. */
async function layout(over: readonly ShardTarget[]): Promise<Map<string, ChunkDocument[]>> {
  return new Map(await Promise.all(over.map(async (t) => [t.name, await allDocuments(t.engine, uid)] as const)));
}

function assertEveryChunkOnceOnItsShard(where: Map<string, ChunkDocument[]>): void {
  const names = [...where.keys()];
  const seen = new Map<string, string>();
  for (const [shard, docs] of where) {
    for (const doc of docs) {
      expect(seen.get(doc.id), `${doc.id} on ${seen.get(doc.id)} and ${shard}`).toBeUndefined();
      seen.set(doc.id, shard);
      expect(shardFor(doc.articleId, names), doc.id).toBe(shard);
    }
  }
  expect([...seen.keys()].sort()).toEqual(expected.map((d) => d.id).sort());
  const byId = new Map([...where.values()].flat().map((d) => [d.id, d.hash]));
  for (const doc of expected) expect(byId.get(doc.id), doc.id).toBe(doc.hash);
}

/** Three engines on two shared cores: index tasks can queue for a while when the machine is busy. */
const SLOW_MACHINE_MS = 180_000;

beforeAll(async () => {
  corpus = await writeClusterCorpus(60);
  expected = (await collectChunks({ paths: [corpus] })).chunks;
  shards = await startShards(['a', 'b', 'c']);
  targets = shardTargets(shards);
}, SLOW_MACHINE_MS);

afterAll(async () => {
  follower?.stop();
  await stopShards(shards);
  await rm(corpus, { recursive: true, force: true });
});

describe('sharded indexing and --reshard from 2 to 3 shards', { timeout: SLOW_MACHINE_MS }, () => {
  it('puts each article on its shard, all its chunks together, and a re-run sends nothing', async () => {
    const two = targets.slice(0, 2);
    const first = await runShardedIndexer(two, uid, { paths: [corpus], prune: false, reshard: false });
    expect(first).toMatchObject({ failed: 0, moved: 0, chunksSent: expected.length });
    assertEveryChunkOnceOnItsShard(await layout(two));
    const again = await runShardedIndexer(two, uid, { paths: [corpus], prune: false, reshard: false });
    expect(again).toMatchObject({ chunksSent: 0, chunksDeleted: 0, unchanged: first.articles });
  });

  it('refuses to index over 3 shards without --reshard, naming an article and the flag', async () => {
    await expect(runShardedIndexer(targets, uid, { paths: [corpus], prune: false, reshard: false })).rejects.toThrow(
      /article\(s\) are on a shard .* run again with --reshard/,
    );
  });

  it('killed after copying, before deleting: two copies, none lost; the re-run converges to exactly once', async () => {
    // A proxy's ranking index follows all three shards' change logs through the whole move, and
    // reads the logs between the copy and the deletion: it must keep every moved chunk.
    follower = new RankingFollower(targets.map((t) => t.engine), uid, { pollMs: 60_000 }, createLogger('silent')).start();
    await follower.settled();
    const crash = new Error('killed mid-way');
    await expect(
      runShardedIndexer(targets, uid, { paths: [corpus], prune: false, reshard: true }, {
        afterCopy: async () => {
          await follower!.poll();
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const midway = await layout(targets);
    const ids = [...midway.values()].flat().map((d) => d.id);
    expect(new Set(ids)).toEqual(new Set(expected.map((d) => d.id)));
    expect(midway.get('c')!.length).toBeGreaterThan(0);

    const summary = await runShardedIndexer(targets, uid, { paths: [corpus], prune: false, reshard: true });
    expect(summary.moved).toBeGreaterThan(0);
    expect(summary).toMatchObject({ failed: 0, chunksSent: 0, chunksDeleted: 0 });
    assertEveryChunkOnceOnItsShard(await layout(targets));
    await follower.poll();
    expect(follower.fullBuilds).toBe(1); // followed through the logs, not rebuilt
    const fresh = createRankingIndex([...(await layout(targets)).values()].flat() as unknown as RankingDocument[]);
    const kept = follower.current()!;
    expect(expected.map((d) => d.id).filter((id) => !kept.has(id))).toEqual([]);
    expect(kept.stats()).toEqual(fresh.stats());
    for (const q of ['новости', 'подробности сообщение', 'тест ', 'отмечают в городе']) {
      const [ours, theirs] = [kept, fresh].map((index) => index.search(analyzeQuery(q), {}, 20));
      expect({ chunks: ours!.chunks, total: ours!.total }).toEqual({ chunks: theirs!.chunks, total: theirs!.total });
    }
    follower.stop();
  });

  it('moved only the articles the new shard wins (about a third), and a further run has nothing to do', async () => {
    const articleIds = new Set(expected.map((d) => d.articleId));
    const onC = [...articleIds].filter((id) => shardFor(id, ['a', 'b', 'c']) === 'c');
    expect(onC.length).toBeGreaterThan(articleIds.size / 5);
    expect(onC.length).toBeLessThan(articleIds.size / 2);
    const summary = await runShardedIndexer(targets, uid, { paths: [corpus], prune: false, reshard: true });
    expect(summary).toMatchObject({ moved: 0, chunksSent: 0, chunksDeleted: 0 });
  });

  it('the CLI takes the shards from MEILI_SHARDS; a bad MEILI_SHARDS exits 2 naming the variable', async () => {
    const env = {
      INDEX_UID: uid,
      MEILI_SHARDS: JSON.stringify(shards.map((s) => ({ name: s.name, url: s.engine.url, masterKey: s.engine.masterKey }))),
    };
    const run = spawnTsx('indexer/cli.ts', ['--reshard', '--json', corpus], env);
    expect(await run.exited).toBe(0);
    expect(JSON.parse(run.output().trim().split('\n').at(-1)!)).toMatchObject({ moved: 0, chunksSent: 0, failed: 0 });

    const bad = spawnTsx('indexer/cli.ts', [corpus], { ...env, MEILI_SHARDS: '[{"name":"a"}]' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/MEILI_SHARDS\[0\]\.url/);
  });
});
