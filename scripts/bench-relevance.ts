/**
 * `npm run bench:relevance -- --corpus ../shared/corpus/rt.jsonl.gz --queries ../shared/corpus/dev-queries.jsonl,../shared/corpus/dev-queries-more.jsonl`
 *
 * Indexes the corpus through the project's chunking into a fresh embedded engine twice — plain
 * Meilisearch defaults (baseline, queried directly) and this project's settings (queried through
 * the HTTP API) — and runs every query, in one run, against three configurations: Meilisearch
 * defaults, Meilisearch on the Snowball `stems` field (the query stemmed the same way, typo
 * tolerance on: the engine's best showing with our morphology), and this project through its API.
 * Prints MRR@10, Recall@10, nDCG@10 per query type and latency p50/p95 per type. Titles are replaced by the url so only bodies can match
 * (shared/corpus/README.md); scoring is at article level (first hit of each article, cut at 10).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { SearchResponse } from '../core/api.js';
import type { ChunkDocument } from '../core/document.js';
import { createEngine, type Engine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { keepAliveHttpClient } from '../core/engine/transport.js';
import { stems } from '../core/text/stem.js';
import { ensureMonitorKey, ensureSearchKey } from '../core/engine/keys.js';
import { ensureIndex } from '../core/engine/settings.js';
import { createLogger } from '../core/logger.js';
import { createApp } from '../server/app.js';
import type { IndexWatcher } from '../server/search/index-watch.js';
import { watchedRanking } from '../server/ranking/follower.js';
import { PublishedSynonyms } from '../server/search/synonyms.js';
import { applySynonyms, shippedSynonyms } from '../indexer/synonyms.js';
import { WIDGET_BUNDLE } from '../server/system.js';
import { CORPUS_OPTIONS, evaluateInterleaved, loadEvaluation, positiveInt, printLatencyByType, printTable, type Searcher } from './relevance-eval.js';

const BATCH = 5000;
const TASK_TIMEOUT_MS = 30 * 60_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...CORPUS_OPTIONS, limit: { type: 'string', default: '30' }, 'data-dir': { type: 'string' }, fallbacks: { type: 'boolean', default: false } },
  });
  const usage = 'usage: bench:relevance -- --corpus FILE.jsonl.gz --queries FILE.jsonl[,FILE2.jsonl] [--limit-articles N] [--sample N] [--limit 30] [--data-dir DIR] [--fallbacks]';
  const { records, chunks, queries } = await loadEvaluation(values, usage);
  const hitLimit = positiveInt(values.limit, '--limit') ?? 30;
  console.log(`${records.length} articles → ${chunks.length} chunks; ${queries.length} queries`);

  // --data-dir keeps the engine's data between runs (re-indexing only when the chunk count differs).
  const dataDir = values['data-dir'] ?? (await mkdtemp(path.join(os.tmpdir(), 'bench-relevance-')));
  const embedded = await startEmbeddedEngine({ dataDir });
  let server: Server | undefined;
  let unranked: Server | undefined;
  let watcher: IndexWatcher | undefined;
  let synonyms: PublishedSynonyms | undefined;
  try {
    const admin = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const baselineUid = 'bench_baseline';
    const projectUid = 'bench_project';
    await loadIndex(admin, baselineUid, chunks.map(withoutDerivedFields), false);
    await loadIndex(admin, projectUid, chunks, true);

    // The shipped articles/synonyms.txt in the settings and the change log, as the indexer publishes it.
    await applySynonyms(admin, projectUid, await shippedSynonyms());
    const searchKey = await ensureSearchKey(admin, projectUid);
    const engine = createEngine({ url: embedded.url, apiKey: searchKey, timeoutMs: 5000 });
    synonyms = await new PublishedSynonyms(engine, projectUid, 1000, createLogger('silent')).start();
    const widgetJs = await readFile(WIDGET_BUNDLE, 'utf8').catch(() => '');
    // The ranking index and its index watcher, as server/system.ts sets them up.
    const monitor = createEngine({ url: embedded.url, apiKey: await ensureMonitorKey(admin, projectUid), timeoutMs: 5000 });
    const buildStarted = performance.now();
    const watched = await watchedRanking(engine, monitor, projectUid, { pollMs: 1000, budgetBytes: 8e9 }, createLogger('silent'));
    const { ranking } = watched;
    watcher = watched.watcher;
    const rankingBuiltMs = performance.now() - buildStarted;
    if (!ranking.current()) throw new Error('the ranking index was not built');
    console.log(`ranking index built from the engine in ${(rankingBuiltMs / 1000).toFixed(1)} s`);
    // One client sends every query: the per-IP rate limit is for the public, not for the benchmark.
    const app = createApp({ engine, indexUid: projectUid, log: createLogger('silent'), widgetJs, ranking, synonyms, http: { rateLimit: 0 } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as { port: number }).port;
    // --fallbacks: the same app without the ranking index (what answers while it builds or is over
    // its memory budget: engine candidates re-ranked, server/search/engine-rerank.ts).
    if (values.fallbacks) {
      const app = createApp({ engine, indexUid: projectUid, log: createLogger('silent'), widgetJs, synonyms, http: { rateLimit: 0 } });
      unranked = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
    }

    const baseline: Searcher = async (q) => {
      const started = performance.now();
      const result = await admin.index(baselineUid).search<ChunkDocument>(q, { limit: hitLimit, attributesToRetrieve: ['articleUrl'] });
      return { ms: performance.now() - started, urls: result.hits.map((h) => h.articleUrl) };
    };
    // The engine on the stems field: the query as the indexer stems text (stop words out), every
    // other setting the project's (typo tolerance on).
    const stemsOnly: Searcher = async (q) => {
      const started = performance.now();
      const stemmed = stems(q).join(' ');
      const result = await admin.index(projectUid).search<ChunkDocument>(stemmed, { limit: hitLimit, attributesToSearchOn: ['stems'], attributesToRetrieve: ['articleUrl'] });
      return { ms: performance.now() - started, urls: result.hits.map((h) => h.articleUrl) };
    };
    // The same HTTP client as the baseline's engine client (keep-alive node:http, one JSON.parse):
    // the benchmark runs client and server in one process, and the global fetch alone costs ~2 ms
    // of that process's time per request, which would be counted against the API.
    const http = keepAliveHttpClient(30_000);
    const api = (exact: boolean): Searcher => async (q) => {
      const started = performance.now();
      // Article-level results are what the API's group=article gives: the best section of each of
      // the 10 best articles (the baseline gets `--limit` chunk hits to find its 10 articles).
      const url = `http://127.0.0.1:${port}/api/search?${new URLSearchParams({ q, limit: '10', group: 'article', ...(exact && { exact: 'true' }) })}`;
      const body = (await http(url).catch((error: unknown) => {
        throw new Error(`API error for ${JSON.stringify(q)}: ${error instanceof Error ? error.message : String(error)}`);
      })) as SearchResponse;
      const ms = performance.now() - started;
      return { ms, urls: body.hits.map((h) => h.article.url) };
    };
    const project = api(false);
    const unrankedPort = unranked ? (unranked.address() as { port: number }).port : 0;
    const withoutRanking: Searcher = async (q) => {
      const started = performance.now();
      const url = `http://127.0.0.1:${unrankedPort}/api/search?${new URLSearchParams({ q, limit: '10', group: 'article' })}`;
      const body = (await http(url)) as SearchResponse;
      return { ms: performance.now() - started, urls: body.hits.map((h) => h.article.url) };
    };
    // What the pipeline's engine source sends (server/search/pipeline.ts rankedByEngine) if it
    // also answered word queries: the project's index and settings, the engine's own order.
    const engineOnly: Searcher = async (q) => {
      const started = performance.now();
      const result = await admin.index(projectUid).search<ChunkDocument>(q, { limit: hitLimit, matchingStrategy: 'frequency', attributesToRetrieve: ['articleUrl'] });
      return { ms: performance.now() - started, urls: result.hits.map((h) => h.articleUrl) };
    };
    // exact=true: no typo, split or keyboard-layout correction (the ranking as it was before typo
    // tolerance; the layout correction changes no dev query).
    const asTyped = api(true);

    const fallbacks = values.fallbacks ? [engineOnly, withoutRanking] : [];
    for (const searcher of [baseline, stemsOnly, asTyped, project, ...fallbacks]) for (const q of queries.slice(0, 20)) await searcher(q.q); // warm-up
    // Side by side, query by query: both configurations see the same machine load.
    const [baselineScores, stemsScores, asTypedScores, projectScores, engineOnlyScores, withoutRankingScores] = await evaluateInterleaved(
      [baseline, stemsOnly, asTyped, project, ...fallbacks],
      queries,
    );
    const rows = [
      { name: 'Meilisearch defaults', ...baselineScores! },
      { name: 'Meilisearch, stems field', ...stemsScores! },
      { name: 'this project, exact=true (no corrections)', ...asTypedScores! },
      { name: 'this project (API)', ...projectScores! },
      ...(values.fallbacks
        ? [
            { name: 'engine only, project settings (no re-ranking)', ...engineOnlyScores! },
            { name: 'this project without the ranking index (engine-rerank.ts)', ...withoutRankingScores! },
          ]
        : []),
    ];
    const types = [...new Set(queries.map((q) => q.type))];
    printTable(rows, types);
    console.log('');
    printLatencyByType(rows, types);
  } finally {
    watcher?.stop();
    synonyms?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (unranked ? unranked.close(() => resolve()) : resolve()));
    await embedded.stop();
    if (!values['data-dir']) await rm(dataDir, { recursive: true, force: true });
  }
}

function withoutDerivedFields(chunk: ChunkDocument): Omit<ChunkDocument, 'stems'> {
  const { stems: _stems, ...rest } = chunk;
  return rest;
}

async function loadIndex(admin: Engine, uid: string, docs: object[], projectSettings: boolean): Promise<void> {
  const stats = await admin.index(uid).getStats().catch(() => undefined);
  if (stats?.numberOfDocuments === docs.length) {
    if (projectSettings) await ensureIndex(admin, uid);
    console.log(`${uid}: reusing ${docs.length} documents`);
    return;
  }
  await admin.deleteIndex(uid).waitTask({ timeout: TASK_TIMEOUT_MS }).catch(() => undefined);
  if (projectSettings) await ensureIndex(admin, uid);
  else await admin.createIndex(uid, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS });
  const started = Date.now();
  for (let i = 0; i < docs.length; i += BATCH) {
    const task = await admin.index(uid).addDocuments(docs.slice(i, i + BATCH)).waitTask({ timeout: TASK_TIMEOUT_MS, interval: 200 });
    if (task.status !== 'succeeded') throw new Error(`${uid}: indexing task ${task.uid} ${task.status}: ${task.error?.message ?? ''}`);
  }
  console.log(`${uid}: indexed ${docs.length} documents in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
