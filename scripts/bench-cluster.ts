/**
 * `npm run bench:cluster`: one engine vs three shards on the engine's network, side by side in one
 * run, same articles and queries. On a 2-core machine all engines share the CPU, so the point is
 * the cost of fan-out (federated merge, remote HTTP hops), not a speed-up. Two paths: the engine's
 * own ranking (one federated search per query), and the server's pipeline (executeSearch: term
 * counts, candidate lists, re-ranking, hit fetch), which the server runs over clusterEngine().
 *
 * BENCH_ARTICLES (default 2000), BENCH_QUERIES (200), BENCH_CONCURRENCY (8), BENCH_ROUNDS (3).
 */
import { sourceHash } from '../indexer/read.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ChunkDocument } from '../core/document.js';
import { createEngine, type Engine } from '../core/engine/client.js';
import { prepareCluster, shardFor } from '../core/engine/cluster.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../core/engine/embedded.js';
import { ensureIndex } from '../core/engine/settings.js';
import { normalizeQuery } from '../core/text/normalize.js';
import { applyPlan } from '../indexer/apply.js';
import { articleToChunks } from '../indexer/chunks.js';
import { toArticle } from '../indexer/parse/index.js';
import { planChanges } from '../indexer/plan.js';
import { clusterEngine, collectFailedShards, coordinatorsFor, type Coordinator } from '../server/search/cluster-engine.js';
import { executeSearch } from '../server/search/pipeline.js';
import { engineHighlight, RETRIEVED_FIELDS } from '../server/search/source.js';
import type { EngineQuery } from '../server/search/engine-query.js';

const CORPUS = path.resolve('../shared/corpus');
const ARTICLES = Number(process.env['BENCH_ARTICLES'] ?? 2000);
const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const INDEX = 'bench_cluster';
const SHARDS = ['s1', 's2', 's3'];

interface Round {
  rps: number;
  p50: number;
  p95: number;
  partial: number;
}

function readChunks(): ChunkDocument[] {
  const lines = gunzipSync(readFileSync(path.join(CORPUS, 'rt.jsonl.gz'))).toString('utf8').split('\n').filter(Boolean);
  const step = Math.max(1, Math.floor(lines.length / ARTICLES));
  const chunks: ChunkDocument[] = [];
  for (let i = 0; i < lines.length; i += step) {
    const record = JSON.parse(lines[i]!) as { url: string; title: string; content: string };
    const paragraphs = record.content.split('\n').map((p) => p.trim()).filter(Boolean);
    const parsed = { title: record.title, url: record.url, slug: undefined, date: undefined, tags: [], place: undefined, agency: undefined, source: undefined, paragraphs };
    chunks.push(...articleToChunks(toArticle(parsed, `rt.jsonl.gz:${i + 1}`, undefined, sourceHash(lines[i]!))));
    if (i / step + 1 >= ARTICLES) break;
  }
  return chunks;
}

function readQueries(): EngineQuery[] {
  const lines = readFileSync(path.join(CORPUS, 'dev-queries.jsonl'), 'utf8').split('\n').filter(Boolean);
  const step = Math.max(1, Math.floor(lines.length / QUERIES));
  return lines
    .filter((_, i) => i % step === 0)
    .slice(0, QUERIES)
    .map((line) => ({ q: normalizeQuery((JSON.parse(line) as { q: string }).q), filter: [], scope: {}, sort: undefined, limit: 10, offset: 0, facets: [] }));
}

async function load(engine: Engine, chunks: ChunkDocument[]): Promise<void> {
  await ensureIndex(engine, INDEX);
  await applyPlan(engine, INDEX, planChanges([], chunks));
}

/** `concurrency` workers take queries in turn until every query ran once; latency per request. */
async function measure(run: (q: EngineQuery) => Promise<boolean>, queries: EngineQuery[]): Promise<Round> {
  const latencies: number[] = [];
  let next = 0;
  let partial = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < queries.length) {
        const q = queries[next++]!;
        const t = performance.now();
        if (await run(q)) partial++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: queries.length / seconds, p50: at(0.5), p95: at(0.95), partial };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dirs: string[] = [];
  const engines: EmbeddedEngine[] = [];
  try {
    const chunks = readChunks();
    const queries = readQueries();
    for (let i = 0; i < 4; i++) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-cluster-'));
      dirs.push(dir);
      engines.push(await startEmbeddedEngine({ dataDir: dir }));
    }
    const [one, ...shardEngines] = engines as [EmbeddedEngine, ...EmbeddedEngine[]];
    const admin = (e: EmbeddedEngine) => createEngine({ url: e.url, apiKey: e.masterKey, timeoutMs: 60_000 });
    const cluster = { shards: shardEngines.map((e, i) => ({ name: SHARDS[i]!, url: e.url, masterKey: e.masterKey })) };

    const t0 = performance.now();
    await load(admin(one), chunks);
    const tSingle = performance.now() - t0;
    const searchShards = await prepareCluster(cluster, INDEX);
    const t1 = performance.now();
    await Promise.all(shardEngines.map((e, i) => load(admin(e), chunks.filter((c) => shardFor(c.articleId, SHARDS) === SHARDS[i]))));
    const tSharded = performance.now() - t1;

    const singleSearch = createEngine({ url: one.url, apiKey: one.masterKey, timeoutMs: 10_000 });
    const coordinators: Coordinator[] = coordinatorsFor(searchShards, 10_000);
    // The engine's own ranking with the pipeline's fields and markers, on one engine and on the cluster.
    const engineParams = (q: EngineQuery) => ({ filter: q.filter.length > 0 ? q.filter : undefined, sort: q.sort, attributesToRetrieve: [...RETRIEVED_FIELDS], ...engineHighlight(), matchingStrategy: 'last' as const, limit: q.limit, offset: q.offset });
    const runSingle = async (q: EngineQuery) => {
      await singleSearch.index(INDEX).search(q.q, engineParams(q));
      return false;
    };
    const facade = clusterEngine(coordinators);
    const runCluster = async (q: EngineQuery) => (await collectFailedShards(() => facade.index(INDEX).search(q.q, engineParams(q)))).failedShards.length > 0;
    const runSinglePipeline = async (q: EngineQuery) => (await executeSearch(singleSearch, INDEX, q), false);
    const runClusterPipeline = async (q: EngineQuery) => (await collectFailedShards(() => executeSearch(facade, INDEX, q))).failedShards.length > 0;

    for (const run of [runSingle, runCluster, runSinglePipeline, runClusterPipeline]) await measure(run, queries.slice(0, 20));
    const single: Round[] = [];
    const sharded: Round[] = [];
    const singlePipeline: Round[] = [];
    const shardedPipeline: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      single.push(await measure(runSingle, queries));
      sharded.push(await measure(runCluster, queries));
      singlePipeline.push(await measure(runSinglePipeline, queries));
      shardedPipeline.push(await measure(runClusterPipeline, queries));
    }
    const summary = (rounds: Round[]) => ({
      rps: median(rounds.map((r) => r.rps)),
      p50: median(rounds.map((r) => r.p50)),
      p95: median(rounds.map((r) => r.p95)),
      partial: rounds.reduce((n, r) => n + r.partial, 0),
    });
    const [s, c, sp, cp] = [summary(single), summary(sharded), summary(singlePipeline), summary(shardedPipeline)];
    const f = (x: number) => x.toFixed(1);
    process.stdout.write(
      [
        `bench:cluster — ${chunks.length} chunks from ${ARTICLES} rt articles, ${queries.length} dev queries, concurrency ${CONCURRENCY}, median of ${ROUNDS} interleaved rounds`,
        `load:      1 engine ${f(tSingle / 1000)} s; 3 shards in parallel ${f(tSharded / 1000)} s`,
        `1 engine:  ${f(s.rps)} req/s, p50 ${f(s.p50)} ms, p95 ${f(s.p95)} ms`,
        `3 shards:  ${f(c.rps)} req/s, p50 ${f(c.p50)} ms, p95 ${f(c.p95)} ms, partial answers ${c.partial}`,
        `fan-out:   throughput ×${(c.rps / s.rps).toFixed(2)}, p95 ×${(c.p95 / s.p95).toFixed(2)} (+${f(c.p95 - s.p95)} ms)`,
        `server pipeline (executeSearch), 1 engine:  ${f(sp.rps)} req/s, p50 ${f(sp.p50)} ms, p95 ${f(sp.p95)} ms`,
        `server pipeline (executeSearch), 3 shards:  ${f(cp.rps)} req/s, p50 ${f(cp.p50)} ms, p95 ${f(cp.p95)} ms, partial answers ${cp.partial}`,
        `pipeline fan-out: throughput ×${(cp.rps / sp.rps).toFixed(2)}, p95 ×${(cp.p95 / sp.p95).toFixed(2)} (+${f(cp.p95 - sp.p95)} ms)`,
      ].join('\n') + '\n',
    );
  } finally {
    await Promise.all(engines.map((e) => e.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}

await main();
