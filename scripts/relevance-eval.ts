/**
 * Shared by the relevance benchmarks (bench-relevance.ts through the HTTP API, bench-ranking.ts in
 * process): the corpus and query files, the corpus rule (titles replaced by the url), and article-
 * level scoring (first hit of each article, cut at 10).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import readline from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { ChunkDocument } from '../core/document.js';
import { articleToChunks } from '../indexer/chunks.js';
import { toArticle } from '../indexer/parse/index.js';
import type { ParsedArticle } from '../indexer/parse/types.js';
import { sourceHash } from '../indexer/read.js';
import { clipQuery } from '../core/query-length.js';

const CUTOFF = 10;

export interface CorpusRecord {
  url: string;
  content: string;
  /** Kept for making query sets (scripts/check-queries.ts); never indexed (the corpus rule). */
  title?: string;
  summary?: string;
  keywords?: string[];
}
export interface Query {
  type: string;
  q: string;
  relevant: string[];
}
export interface Ranked {
  urls: string[];
  ms: number;
}
export type Searcher = (q: string) => Promise<Ranked>;

export async function readCorpus(file: string, limit: number | undefined): Promise<CorpusRecord[]> {
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
    records.push({ url: record.url, content: record.content, title: record.title, summary: record.summary, keywords: record.keywords });
    if (limit && records.length >= limit) break;
  }
  lines.close();
  return records;
}

export async function readQueries(file: string): Promise<Query[]> {
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
export function recordToChunks(record: CorpusRecord, i: number): ChunkDocument[] {
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

export interface Scores {
  byType: Map<string, { mrr: number; recall: number; ndcg: number; n: number; times: number[] }>;
  p50: number;
  p95: number;
}

/** Every query through one searcher. */
export async function evaluate(search: Searcher, queries: Query[]): Promise<Scores> {
  return (await evaluateInterleaved([search], queries))[0]!;
}

/**
 * Every query through each searcher in turn (query 1 on A then B, query 2 on A then B…), so a
 * machine that gets busier or quieter during the run weighs on both sides alike.
 */
export async function evaluateInterleaved(searchers: Searcher[], queries: Query[]): Promise<Scores[]> {
  const scores = searchers.map(() => ({ byType: new Map() as Scores['byType'], times: [] as number[] }));
  for (const query of queries) {
    for (const [i, search] of searchers.entries()) {
      const { urls, ms } = await search(query.q);
      scoreOne(scores[i]!.byType, query, urls, ms);
      scores[i]!.times.push(ms);
    }
  }
  return scores.map(({ byType, times }) => {
    times.sort((a, b) => a - b);
    return { byType, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
  });
}

/**
 * One query's headline figure: nDCG@10 for keyword types (many relevant articles), MRR@10 for the
 * others (one). Used to count the queries a variant wins and loses (bench:ranking): a mean moved by
 * a handful of queries is noise, a gain spread over many is not.
 */
export function queryScore(query: Query, urls: string[]): number {
  const top = [...new Set(urls)].slice(0, CUTOFF);
  const relevant = new Set(query.relevant);
  if (query.type.startsWith('keyword')) {
    const dcg = top.reduce((sum, u, i) => sum + (relevant.has(u) ? 1 / Math.log2(i + 2) : 0), 0);
    let idcg = 0;
    for (let i = 0; i < Math.min(relevant.size, CUTOFF); i++) idcg += 1 / Math.log2(i + 2);
    return idcg > 0 ? dcg / idcg : 0;
  }
  const first = top.findIndex((u) => relevant.has(u));
  return first >= 0 ? 1 / (first + 1) : 0;
}

function scoreOne(byType: Scores['byType'], query: Query, urls: string[], ms: number): void {
  const top = [...new Set(urls)].slice(0, CUTOFF);
  const relevant = new Set(query.relevant);
  const firstHit = top.findIndex((u) => relevant.has(u));
  const found = top.filter((u) => relevant.has(u)).length;
  const dcg = top.reduce((sum, u, i) => sum + (relevant.has(u) ? 1 / Math.log2(i + 2) : 0), 0);
  let idcg = 0;
  for (let i = 0; i < Math.min(relevant.size, CUTOFF); i++) idcg += 1 / Math.log2(i + 2);
  const s = byType.get(query.type) ?? { mrr: 0, recall: 0, ndcg: 0, n: 0, times: [] };
  s.mrr += firstHit >= 0 ? 1 / (firstHit + 1) : 0;
  s.recall += found / relevant.size;
  s.ndcg += idcg > 0 ? dcg / idcg : 0;
  s.n++;
  s.times.push(ms);
  byType.set(query.type, s);
}

export function printTable(rows: ({ name: string } & Scores)[], types: string[]): void {
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

/** Latency p50 / p95 per query type (long headline queries cost more than one-word topics). */
export function printLatencyByType(rows: ({ name: string } & Scores)[], types: string[]): void {
  const header = ['latency p50 / p95 ms', ...types];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) {
    const cells = types.map((t) => {
      const times = [...(row.byType.get(t)?.times ?? [])].sort((a, b) => a - b);
      return `${percentile(times, 0.5).toFixed(1)} / ${percentile(times, 0.95).toFixed(1)}`;
    });
    console.log(`| ${[row.name, ...cells].join(' | ')} |`);
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}

export function everyNth<T>(items: T[], count: number): T[] {
  const step = Math.max(1, items.length / count);
  const out: T[] = [];
  for (let i = 0; i < items.length && out.length < count; i += step) out.push(items[Math.floor(i)]!);
  return out;
}

export function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** The command-line options both relevance benchmarks take (node:util parseArgs form). */
export const CORPUS_OPTIONS = {
  corpus: { type: 'string' },
  queries: { type: 'string' },
  'limit-articles': { type: 'string' },
  sample: { type: 'string' },
} as const;

/**
 * The corpus's chunks (corpus rule applied) and the queries whose relevant articles are among
 * them, every n-th of them with `--sample`.
 */
export async function loadEvaluation(
  values: { corpus?: string | undefined; queries?: string | undefined; 'limit-articles'?: string | undefined; sample?: string | undefined },
  usage: string,
): Promise<{ records: CorpusRecord[]; chunks: ChunkDocument[]; queries: Query[] }> {
  if (!values.corpus || !values.queries) throw new Error(usage);
  const records = await readCorpus(values.corpus, positiveInt(values['limit-articles'], '--limit-articles'));
  const chunks = records.flatMap(recordToChunks);
  const indexed = new Set(records.map((r) => r.url));
  // Several query files, comma-separated (dev-queries.jsonl,dev-queries-more.jsonl): one run, every type.
  const files = values.queries.split(',').map((f) => f.trim()).filter(Boolean);
  const all = (await Promise.all(files.map(readQueries))).flat();
  // The API takes at most MAX_QUERY_CHARS; longer queries (some summaries) are cut at a word
  // boundary for every configuration alike, as a search box with that maxlength would.
  let queries = all.filter((q) => q.relevant.some((u) => indexed.has(u))).map((q) => ({ ...q, q: clipQuery(q.q) }));
  const sample = positiveInt(values.sample, '--sample');
  if (sample) queries = everyNth(queries, sample);
  return { records, chunks, queries };
}
