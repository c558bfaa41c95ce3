import type { Readable } from 'node:stream';
import type { Article, ChunkDocument } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { ensureIndex } from '../core/engine/settings.js';
import { ChunkWriter, coveredMs, EngineClock, deleteChunks, readFingerprints, waitForPendingTasks } from './apply.js';
import { articleToChunks } from './chunks.js';
import { discoverFiles } from './discover.js';
import { diffArticle, engineState, unseenArticles, type ArticleChange, type EngineState } from './plan.js';
import { openPath, readInput, type Failure, type KnownSources, type ReadItem } from './read.js';

export type { Failure } from './read.js';

export interface IndexOptions {
  paths: string[];
  prune: boolean;
  /** The stream read for the path `-` (default: process.stdin). */
  stdin?: () => Readable;
  onProgress?: (progress: Progress) => void;
  /** Chunks per addDocuments request (default apply.ts DEFAULT_BATCH_DOCS; bytes are capped too). */
  batchDocs?: number;
}

export interface Progress {
  files: number;
  filesTotal: number;
  articles: number;
  chunksSent: number;
}

export interface IndexSummary {
  articles: number;
  added: number;
  updated: number;
  unchanged: number;
  pruned: number;
  failed: number;
  chunks: number;
  chunksSent: number;
  chunksDeleted: number;
  failures: Failure[];
  /** Set when `--prune` was asked for but skipped, and why. */
  pruneSkipped?: string;
  elapsedMs: number;
  /**
   * Wall time not spent waiting for the engine: reading, parsing, chunking, diffing, serialising.
   * Work done while the engine indexes an earlier batch counts here too.
   */
  ownMs: number;
  /** Waiting for the engine: settings, fingerprints, sending, task waits, deletions. */
  engineMs: number;
  /** CPU time of this process during the run (user + system, all threads: zlib, hashing, HTTP). */
  cpuMs?: number;
  /** The part of cpuMs spent outside the waits for the engine: the CPU cost of the indexer's own work. */
  ownCpuMs?: number;
  /**
   * How long the engine was processing our document additions (union of the tasks' startedAt →
   * finishedAt). Wall time minus this is when the engine had none of our documents to index.
   */
  engineBusyMs?: number;
}

/** Every article the inputs produce, in order, with failures; duplicates of an id are failures. */
export async function* readArticles(
  options: Pick<IndexOptions, 'paths' | 'stdin'>,
  onFile: () => void = () => {},
  known?: KnownSources,
): AsyncGenerator<ReadItem> {
  const { files, errors } = await discoverFiles(options.paths);
  for (const error of errors) yield { failure: { source: error.source, reason: error.message.slice(error.source.length + 2) } };
  const seen = new Map<string, string>();
  for (const file of files) {
    const open = file === '-' ? (options.stdin ?? (() => process.stdin)) : openPath(file);
    for await (const item of readInput(file, open, known)) {
      const found = 'article' in item ? { id: item.article.id, origin: item.article.origin } : 'unchanged' in item ? { id: item.unchanged.articleId, origin: item.unchanged.origin } : undefined;
      if (found) {
        const earlier = seen.get(found.id);
        if (earlier !== undefined) {
          yield { failure: { source: found.origin, reason: `duplicate article id ${found.id} (also produced by ${earlier})` } };
          continue;
        }
        seen.set(found.id, found.origin);
      }
      yield item;
    }
    onFile();
  }
}

/** Read and parse every input into chunks without an engine (`--dry-run`, tools, tests). */
export async function collectChunks(options: Pick<IndexOptions, 'paths' | 'stdin'>): Promise<{ articles: Article[]; chunks: ChunkDocument[]; failures: Failure[] }> {
  const articles: Article[] = [];
  const failures: Failure[] = [];
  for await (const item of readArticles(options)) {
    if ('failure' in item) failures.push(item.failure);
    else if ('article' in item) articles.push(item.article);
  }
  return { articles, chunks: articles.flatMap(articleToChunks), failures };
}

/**
 * The whole pipeline, streamed: inputs → articles → chunks → diff against the engine's
 * fingerprints → only changed chunks sent, in bounded batches. Deletions of stale chunks come
 * after every upsert is stored, so an interrupted run leaves each article complete (old or new
 * chunks, never none) and the next run finishes the job.
 */
export async function runIndexer(engine: Engine, indexUid: string, options: IndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const clock = new EngineClock();
  const stored: EngineState = await clock.wait(async () => {
    await ensureIndex(engine, indexUid);
    await waitForPendingTasks(engine, indexUid);
    return engineState(await readFingerprints(engine, indexUid));
  });
  const existing = stored.byArticle;

  const { files } = await discoverFiles(options.paths);
  const progress: Progress = { files: 0, filesTotal: files.length, articles: 0, chunksSent: 0 };
  const report = () => options.onProgress?.({ ...progress });
  const writer = new ChunkWriter(
    engine,
    indexUid,
    (confirmed) => {
      progress.chunksSent = confirmed;
      report();
    },
    options.batchDocs,
    clock,
  );
  const counts: Record<ArticleChange, number> = { added: 0, updated: 0, unchanged: 0 };
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const stale: string[] = [];
  let chunkCount = 0;
  let sent = 0;

  const items = readArticles(
    options,
    () => {
      progress.files++;
      report();
    },
    stored.completeSources,
  );
  for await (const item of items) {
    if ('failure' in item) {
      failures.push(item.failure);
      continue;
    }
    if ('unchanged' in item) {
      seen.add(item.unchanged.articleId);
      counts.unchanged++;
      chunkCount += existing.get(item.unchanged.articleId)?.size ?? 0;
      progress.articles++;
      continue;
    }
    const chunks = articleToChunks(item.article);
    const diff = diffArticle(existing.get(item.article.id), chunks);
    seen.add(item.article.id);
    counts[diff.change]++;
    chunkCount += chunks.length;
    sent += diff.upsert.length;
    stale.push(...diff.stale);
    progress.articles++;
    await writer.add(diff.upsert);
  }
  await writer.flush();

  let pruned: string[] = [];
  let pruneSkipped: string | undefined;
  if (options.prune && failures.length > 0) {
    // A file that failed to parse may hold articles that are still wanted; never delete on a partial read.
    pruneSkipped = `${failures.length} input(s) failed, so nothing was pruned`;
  } else if (options.prune) {
    const unseen = unseenArticles(existing, seen);
    pruned = unseen.articleIds;
    stale.push(...unseen.chunkIds);
  }
  await clock.wait(() => deleteChunks(engine, indexUid, stale));

  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    articles: seen.size,
    ...counts,
    pruned: pruned.length,
    failed: failures.length,
    chunks: chunkCount,
    chunksSent: sent,
    chunksDeleted: stale.length,
    failures,
    ...(pruneSkipped ? { pruneSkipped } : {}),
    elapsedMs: Math.round(elapsedMs),
    ownMs: Math.round(elapsedMs - clock.ms),
    engineMs: Math.round(clock.ms),
    cpuMs: Math.round(cpuMs),
    ownCpuMs: Math.round(cpuMs - clock.cpuMs),
    engineBusyMs: Math.round(coveredMs(writer.engineBusy)),
  };
}
