/**
 * `npm run bench:relevance -- --corpus ../shared/corpus/rt.jsonl.gz --queries ../shared/corpus/dev-queries.jsonl`
 *
 * Indexes the corpus through the project's chunking into a fresh embedded engine twice — plain
 * Meilisearch defaults (baseline, queried directly) and this project's settings (queried through
 * the HTTP API) — runs every query against both in one run and prints MRR@10, Recall@10, nDCG@10
 * per query type and latency p50/p95. Titles are replaced by the url so only bodies can match
 * (shared/corpus/README.md); scoring is at article level (first hit of each article, cut at 10).
 */
import { sourceHash } from '../indexer/read.js';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import readline from 'node:readline';
import type { SearchResponse } from '../core/api.js';
import type { ChunkDocument } from '../core/document.js';
import { createEngine, type Engine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureSearchKey } from '../core/engine/keys.js';
import { ensureIndex } from '../core/engine/settings.js';
import { createLogger } from '../core/logger.js';
import { articleToChunks } from '../indexer/chunks.js';
import { toArticle } from '../indexer/parse/index.js';
import type { ParsedArticle } from '../indexer/parse/types.js';
import { createApp } from '../server/app.js';
import { WIDGET_BUNDLE } from '../server/system.js';

const CUTOFF = 10;
const BATCH = 5000;
const TASK_TIMEOUT_MS = 30 * 60_000;

interface CorpusRecord {
  url: string;
  content: string;
}
interface Query {
  type: string;
  q: string;
  relevant: string[];
}
interface Ranked {
  urls: string[];
  ms: number;
}
type Searcher = (q: string) => Promise<Ranked>;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string' },
      queries: { type: 'string' },
      'limit-articles': { type: 'string' },
      sample: { type: 'string' },
      limit: { type: 'string', default: '30' },
      'data-dir': { type: 'string' },
    },
  });
  if (!values.corpus || !values.queries) {
    throw new Error('usage: bench:relevance -- --corpus FILE.jsonl.gz --queries FILE.jsonl [--limit-articles N] [--sample N] [--limit 30] [--data-dir DIR]');
  }
  const limitArticles = positiveInt(values['limit-articles'], '--limit-articles');
  const sample = positiveInt(values.sample, '--sample');
  const hitLimit = positiveInt(values.limit, '--limit') ?? 30;

  const records = await readCorpus(values.corpus, limitArticles);
  const chunks = records.flatMap(recordToChunks);
  const indexed = new Set(records.map((r) => r.url));
  let queries = (await readQueries(values.queries)).filter((q) => q.relevant.some((u) => indexed.has(u)));
  if (sample) queries = everyNth(queries, sample);
  console.log(`${records.length} articles → ${chunks.length} chunks; ${queries.length} queries`);

  // --data-dir keeps the engine's data between runs (re-indexing only when the chunk count differs).
  const dataDir = values['data-dir'] ?? (await mkdtemp(path.join(os.tmpdir(), 'bench-relevance-')));
  const embedded = await startEmbeddedEngine({ dataDir });
  let server: Server | undefined;
  try {
    const admin = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const baselineUid = 'bench_baseline';
    const projectUid = 'bench_project';
    await loadIndex(admin, baselineUid, chunks.map(withoutDerivedFields), false);
    await loadIndex(admin, projectUid, chunks, true);

    const searchKey = await ensureSearchKey(admin, projectUid);
    const engine = createEngine({ url: embedded.url, apiKey: searchKey, timeoutMs: 5000 });
    const widgetJs = await readFile(WIDGET_BUNDLE, 'utf8').catch(() => '');
    // One client sends every query: the per-IP rate limit is for the public, not for the benchmark.
    const app = createApp({ engine, indexUid: projectUid, log: createLogger('silent'), widgetJs, http: { rateLimit: 0 } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as { port: number }).port;

    const baseline: Searcher = async (q) => {
      const started = performance.now();
      const result = await admin.index(baselineUid).search<ChunkDocument>(q, { limit: hitLimit, attributesToRetrieve: ['articleUrl'] });
      return { ms: performance.now() - started, urls: result.hits.map((h) => h.articleUrl) };
    };
    const project: Searcher = async (q) => {
      const started = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/search?${new URLSearchParams({ q, limit: String(hitLimit) })}`);
      const body = (await res.json()) as SearchResponse;
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`API ${res.status} for ${JSON.stringify(q)}: ${JSON.stringify(body)}`);
      return { ms, urls: body.hits.map((h) => h.article.url) };
    };

    for (const searcher of [baseline, project]) for (const q of queries.slice(0, 20)) await searcher(q.q); // warm-up
    const rows = [
      { name: 'Meilisearch defaults', ...(await evaluate(baseline, queries)) },
      { name: 'this project (API)', ...(await evaluate(project, queries)) },
    ];
    printTable(rows, [...new Set(queries.map((q) => q.type))]);
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await embedded.stop();
    if (!values['data-dir']) await rm(dataDir, { recursive: true, force: true });
  }
}

async function readCorpus(file: string, limit: number | undefined): Promise<CorpusRecord[]> {
  const records: CorpusRecord[] = [];
  const lines = readline.createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    const record = JSON.parse(line) as Partial<CorpusRecord>;
    if (typeof record.url !== 'string' || typeof record.content !== 'string') {
      throw new Error(`${file}:${lineNo}: a record needs string "url" and "content"`);
    }
    records.push({ url: record.url, content: record.content });
    if (limit && records.length >= limit) break;
  }
  lines.close();
  return records;
}

async function readQueries(file: string): Promise<Query[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => line.trim())
    .map(([line, lineNo]) => {
      const q = JSON.parse(line) as Partial<Query>;
      if (typeof q.q !== 'string' || typeof q.type !== 'string' || !Array.isArray(q.relevant)) {
        throw new Error(`${file}:${lineNo}: a query needs "type", "q" and "relevant"`);
      }
      return q as Query;
    });
}

/** The corpus rule: the title is replaced by the url, so only the body can match. */
function recordToChunks(record: CorpusRecord, i: number): ChunkDocument[] {
  const parsed: ParsedArticle = {
    title: record.url,
    url: record.url,
    slug: undefined,
    date: undefined,
    tags: [],
    place: undefined,
    agency: undefined,
    source: undefined,
    paragraphs: record.content.split('\n').map((p) => p.trim()).filter(Boolean),
  };
  return articleToChunks(toArticle(parsed, `corpus:${i + 1}`, undefined, sourceHash(record.url, record.content)));
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

interface Scores {
  byType: Map<string, { mrr: number; recall: number; ndcg: number; n: number }>;
  p50: number;
  p95: number;
}

async function evaluate(search: Searcher, queries: Query[]): Promise<Scores> {
  const byType = new Map<string, { mrr: number; recall: number; ndcg: number; n: number }>();
  const times: number[] = [];
  for (const query of queries) {
    const { urls, ms } = await search(query.q);
    times.push(ms);
    const top = [...new Set(urls)].slice(0, CUTOFF);
    const relevant = new Set(query.relevant);
    const firstHit = top.findIndex((u) => relevant.has(u));
    const found = top.filter((u) => relevant.has(u)).length;
    const dcg = top.reduce((sum, u, i) => sum + (relevant.has(u) ? 1 / Math.log2(i + 2) : 0), 0);
    let idcg = 0;
    for (let i = 0; i < Math.min(relevant.size, CUTOFF); i++) idcg += 1 / Math.log2(i + 2);
    const s = byType.get(query.type) ?? { mrr: 0, recall: 0, ndcg: 0, n: 0 };
    s.mrr += firstHit >= 0 ? 1 / (firstHit + 1) : 0;
    s.recall += found / relevant.size;
    s.ndcg += idcg > 0 ? dcg / idcg : 0;
    s.n++;
    byType.set(query.type, s);
  }
  times.sort((a, b) => a - b);
  return { byType, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

function printTable(rows: ({ name: string } & Scores)[], types: string[]): void {
  const header = ['configuration', ...types.flatMap((t) => [`${t} MRR@10`, `${t} R@10`, `${t} nDCG@10`]), 'p50 ms', 'p95 ms'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) {
    const cells = types.flatMap((t) => {
      const s = row.byType.get(t);
      return s ? [s.mrr / s.n, s.recall / s.n, s.ndcg / s.n].map((v) => v.toFixed(3)) : ['-', '-', '-'];
    });
    console.log(`| ${[row.name, ...cells, row.p50.toFixed(1), row.p95.toFixed(1)].join(' | ')} |`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}

function everyNth<T>(items: T[], count: number): T[] {
  const step = Math.max(1, items.length / count);
  const out: T[] = [];
  for (let i = 0; i < items.length && out.length < count; i += step) out.push(items[Math.floor(i)]!);
  return out;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
