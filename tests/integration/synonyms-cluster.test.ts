import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCluster } from '../../core/engine/cluster.js';
import { createLogger } from '../../core/logger.js';
import { engineSynonyms } from '../../core/text/synonyms.js';
import { runShardedIndexer } from '../../indexer/shards.js';
import { clusterEngine, coordinatorsFor } from '../../server/search/cluster-engine.js';
import { buildEngineQuery } from '../../server/search/engine-query.js';
import { executeSearch } from '../../server/search/pipeline.js';
import { PublishedSynonyms } from '../../server/search/synonyms.js';
import { clusterOf, shardTargets, startShards, stopShards, type TestShard } from '../support/cluster.js';

/** Over MEILI_SHARDS: every shard gets the synonyms setting and the log entry; a proxy follows them. */
const uid = 'synonyms_cluster';
let shards: TestShard[] = [];
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'synonyms-cluster-'));
  for (let i = 0; i < 6; i++) {
    await writeFile(path.join(dir, `note-${i}.txt`), `date 2026-03-0${i + 1} Тестовск\nЗаметка ${i}\n\nВ Тестовске ${i === 3 ? 'кибердружина проверяет сайты' : 'идёт снег и чистят дороги'}.\n`);
  }
  await writeFile(path.join(dir, 'synonyms.txt'), '# test\nкибердружина, киберпатруль\n');
  shards = await startShards(['a', 'b']);
}, 120_000);

afterAll(async () => {
  await stopShards(shards);
  await rm(dir, { recursive: true, force: true });
});

describe('synonyms over a cluster', () => {
  it('reach every shard, and a proxy over the cluster finds the article by the other word', async () => {
    const searchShards = await prepareCluster(clusterOf(shards), uid);
    const summary = await runShardedIndexer(shardTargets(shards), uid, { paths: [dir], prune: false, reshard: false });
    expect(summary.synonyms).toMatchObject({ groups: 1, changed: true, errors: [] });
    expect(summary.articles).toBe(6);
    for (const shard of shardTargets(shards)) expect(await shard.engine.index(uid).getSynonyms()).toEqual(engineSynonyms([['кибердружина', 'киберпатруль']]));
    const coordinators = coordinatorsFor(searchShards, 5000);
    const synonyms = await new PublishedSynonyms(coordinators[0]!.engine, uid, 60_000, createLogger('silent')).start();
    synonyms.stop();
    const query = buildEngineQuery({ q: 'киберпатрулю', limit: 10, offset: 0 } as Parameters<typeof buildEngineQuery>[0]);
    const result = await executeSearch(clusterEngine(coordinators), uid, query, undefined, synonyms.current());
    expect(result.hits.map((h) => h.articleId)).toEqual(['note-3']);
  });
});
