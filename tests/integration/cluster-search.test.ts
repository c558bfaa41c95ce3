import { rm } from 'node:fs/promises';
import type { MatchingStrategies, SearchParams } from 'meilisearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCluster } from '../../core/engine/cluster.js';
import { runShardedIndexer } from '../../indexer/shards.js';
import { runIndexer } from '../../indexer/run.js';
import type { Engine } from '../../core/engine/client.js';
import { clusterEngine, collectFailedShards, coordinatorsFor } from '../../server/search/cluster-engine.js';
import { executeSearch } from '../../server/search/pipeline.js';
import { engineHighlight, RETRIEVED_FIELDS, type EngineHit, type EngineResult } from '../../server/search/source.js';
import { buildEngineQuery, type EngineQuery } from '../../server/search/engine-query.js';
import { shapeHit } from '../../server/search/shape.js';
import { clusterOf, restartShard, shardTargets, startShards, stopShards, writeClusterCorpus, type TestShard } from '../support/cluster.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';

const QUERIES = ['зерно', 'экспорт зерна', 'метро Казань', 'вратарь финал', 'снег дороги', 'бюджет дефицит', 'пациенты', 'Омск', 'элеватор урожай', 'новостях'];

const uid = uniqueIndexUid('cluster_search');
const single = adminEngine();
let shards: TestShard[] = [];
/** The cluster as the server sees it: one engine (clusterEngine over a coordinator per shard). */
let facade: Engine;
let corpus = '';

function query(q: string): EngineQuery {
  return buildEngineQuery({ q, limit: 10, offset: 0 } as Parameters<typeof buildEngineQuery>[0]);
}

/** Hits as (id, score) so ties can be allowed: documents with equal scores may come in any order. */
interface Scored {
  id: string;
  articleId: string;
  score: number;
}

/** The engine's own ranking with the pipeline's fields and markers (as for a sorted or empty query), under `strategy`. */
function engineParams(q: EngineQuery, strategy: MatchingStrategies): SearchParams {
  return { filter: q.filter.length > 0 ? q.filter : undefined, sort: q.sort, attributesToRetrieve: [...RETRIEVED_FIELDS], ...engineHighlight(), matchingStrategy: strategy };
}

async function top10(engine: Engine, q: string, strategy: MatchingStrategies): Promise<Scored[]> {
  const { value: result, failedShards } = await collectFailedShards(() =>
    engine.index(uid).search<EngineHit & { _rankingScore: number }>(q, { ...engineParams(query(q), strategy), limit: 10, showRankingScore: true }),
  );
  expect(failedShards).toEqual([]);
  return result.hits.map((h) => ({ id: h.id!, articleId: h.articleId!, score: h._rankingScore }));
}

/** The engine's own ranking, `last` strategy: the same query on one engine holding every article, or on the cluster. */
async function plain(engine: Engine, q: EngineQuery): Promise<EngineHit[]> {
  return (await engine.index(uid).search<EngineHit>(q.q, { ...engineParams(q, 'last'), limit: q.limit, offset: q.offset })).hits;
}

/** The server's query pipeline over the cluster, with the shards that did not answer. */
async function clusterAnswer(q: EngineQuery): Promise<EngineResult & { failedShards: string[] }> {
  const { value, failedShards } = await collectFailedShards(() => executeSearch(facade, uid, q));
  return { ...value, failedShards };
}

/** Runs of equal score, as sets; the last run may be cut by the limit, so only its size and score are compared. */
function tieGroups(hits: readonly Scored[]): { score: number; ids: string[] }[] {
  const groups: { score: number; ids: string[] }[] = [];
  for (const hit of hits) {
    const last = groups.at(-1);
    if (last && Math.abs(last.score - hit.score) < 1e-9) last.ids.push(hit.id);
    else groups.push({ score: hit.score, ids: [hit.id] });
  }
  // Scores computed on different machines differ in the last bits of the float.
  return groups.map((g) => ({ score: Number(g.score.toFixed(9)), ids: g.ids.sort() }));
}

/** Three engines on two shared cores: index tasks can queue for a while when the machine is busy. */
const SLOW_MACHINE_MS = 180_000;

beforeAll(async () => {
  corpus = await writeClusterCorpus(90);
  shards = await startShards(['a', 'b', 'c']);
  const cluster = clusterOf(shards);
  const searchShards = await prepareCluster(cluster, uid);
  facade = clusterEngine(coordinatorsFor(searchShards, 5000));
  const sharded = await runShardedIndexer(shardTargets(shards), uid, { paths: [corpus], prune: false, reshard: false });
  const plain = await runIndexer(single, uid, { paths: [corpus], prune: false });
  expect(sharded.failed).toBe(0);
  expect(sharded.chunks).toBe(plain.chunks);
  // Every shard holds part of the corpus, not all of it.
  for (const stats of Object.values(sharded.shards)) expect(stats.chunksSent).toBeGreaterThan(0);
}, SLOW_MACHINE_MS);

afterAll(async () => {
  await stopShards(shards);
  await deleteIndex(uid);
  await rm(corpus, { recursive: true, force: true });
});

describe('search over 3 shards', { timeout: SLOW_MACHINE_MS }, () => {
  const cases = (['last', 'all'] as const).flatMap((strategy) => QUERIES.map((q) => [q, strategy] as const));
  it.each(cases)('ranks %s (matchingStrategy %s) exactly as one engine holding all articles, ties allowed', async (q, strategy) => {
    const [one, three] = [await top10(single, q, strategy), await top10(facade, q, strategy)];
    expect(one.length).toBeGreaterThan(0);
    const [g1, g3] = [tieGroups(one), tieGroups(three)];
    expect(g3.map((g) => [g.score, g.ids.length])).toEqual(g1.map((g) => [g.score, g.ids.length]));
    expect(g3.slice(0, -1)).toEqual(g1.slice(0, -1));
  });

  it('keeps highlight markers and shapes hits like a single engine', async () => {
    const [hit] = await plain(facade, query('элеватор'));
    const shaped = shapeHit(hit!);
    expect(shaped.snippet.some((s) => s.highlight && /элеватор/i.test(s.text))).toBe(true);
    expect(Object.keys(hit!)).not.toContain('_federation');
    const one = await plain(single, query('элеватор'));
    expect(shapeHit(one.find((h) => h.id === hit!.id)!)).toEqual(shaped);
  });

  it('the query pipeline finds over the cluster what it finds on one engine (sorted by date: the engine ranks)', async () => {
    // Limit above the number of matches, so ties at the cut cannot make the sets differ.
    const q = { ...query('метро'), sort: ['dateTs:desc'], limit: 50 };
    const [one, three] = [await executeSearch(single, uid, q), await clusterAnswer(q)];
    expect(three.failedShards).toEqual([]);
    expect(one.hits.length).toBeGreaterThan(0);
    expect(one.hits.length).toBeLessThan(50);
    expect(new Set(three.hits.map((h) => h.id))).toEqual(new Set(one.hits.map((h) => h.id)));
  });

  it('counts totals and merges facets across shards', async () => {
    const q = { ...query('зерно'), facets: ['tags', 'year'] };
    const [one, three] = [await executeSearch(single, uid, q), await clusterAnswer(q)];
    expect(three.total).toBe(one.total);
    expect(three.facetDistribution).toEqual(one.facetDistribution);
  });

  it('pages with offset across shards like a single engine', async () => {
    const q = { ...query('новостях'), limit: 5, offset: 5 };
    const [one, three] = [await executeSearch(single, uid, q), await clusterAnswer(q)];
    expect(three.hits).toHaveLength(5);
    expect(three.total).toBe(one.total);
  });
});

describe('a shard going down and coming back', { timeout: SLOW_MACHINE_MS }, () => {
  it('answers with partial results naming the dead shard, then full results again', async () => {
    const full = await clusterAnswer(query('новостях'));
    const c = shards[2]!;
    await c.engine.stop();
    const partial = await clusterAnswer(query('новостях'));
    expect(partial).toMatchObject({ failedShards: ['c'] });
    expect(partial.hits.length).toBeGreaterThan(0);
    expect(partial.total).toBeLessThan(full.total);

    await restartShard(c);
    const again = await clusterAnswer(query('новостях'));
    expect(again).toMatchObject({ failedShards: [], total: full.total });
    expect(again.hits.map((h) => h.id)).toEqual(full.hits.map((h) => h.id));
  });

  it('survives the default coordinator going down: the next shard coordinates', async () => {
    const a = shards[0]!;
    await a.engine.stop();
    const partial = await clusterAnswer(query('зерно'));
    expect(partial).toMatchObject({ failedShards: ['a'] });
    expect(partial.hits.length).toBeGreaterThan(0);
    await restartShard(a);
    expect(await clusterAnswer(query('зерно'))).toMatchObject({ failedShards: [] });
  });
});
