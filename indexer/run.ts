import type { Article, ChunkDocument } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { ensureIndex } from '../core/engine/settings.js';
import { stat } from 'node:fs/promises';
import { ChunkWriter, coveredMs, EngineClock, deleteChunks, overlapMs, readFingerprints, waitForPendingTasks, type Interval } from './apply.js';
import { articleToChunks } from './chunks.js';
import { thisThreadCpuMs } from './cpu.js';
import { discoverFiles } from './discover.js';
import { ParserThread } from './parse-thread.js';
import { diffArticle, engineState, unseenArticles, type ArticleChange, type EngineState } from './plan.js';
import { prepareInputs, type PreparedItem } from './prepare.js';
import { readArticles, type Failure, type InputOptions, type KnownSources } from './read.js';

export type { Failure } from './read.js';

export interface IndexOptions extends InputOptions {
  paths: string[];
  prune: boolean;
  onProgress?: (progress: Progress) => void;
  /** Chunks per addDocuments request (default apply.ts DEFAULT_BATCH_DOCS; bytes are capped too). */
  batchDocs?: number;
  /**
   * Parse in a worker thread (parse-thread.ts) that works ahead while the engine indexes. Default:
   * when the input files total at least PARSER_THREAD_MIN_BYTES; below that, starting the thread
   * costs more than the parse it would hide. Never with stdin (`-`), which only this thread reads.
   */
  parserThread?: boolean;
}

export const PARSER_THREAD_MIN_BYTES = 1024 * 1024;

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
  /** What reading the inputs dropped or changed (code lines, unsafe urls), as `origin: what`. */
  notes: string[];
  /** Set when `--prune` was asked for but skipped, and why. */
  pruneSkipped?: string;
  elapsedMs: number;
  /**
   * The indexer's own work on the critical path: wall time in which the main thread was neither
   * awaiting the engine nor waiting for the parser thread while the engine indexed a batch of
   * ours. That is diffing and batching; reading/parsing/chunking when they run on the main
   * thread; and waits for the parser thread while the engine had none of our batches
   * (parserWaitMs). Wall time = ownMs + engineMs + parserOverlappedWaitMs.
   */
  ownMs: number;
  /** Waiting for the engine: settings, fingerprints, sending, task waits, deletions. */
  engineMs: number;
  /** Whether reading/parsing/chunking ran in the parser thread. */
  parserThread?: boolean;
  /**
   * Part of ownMs: waiting for the parser thread while the engine was not indexing documents of
   * ours (by the engine's own task timestamps, engineBusyMs).
   */
  parserWaitMs?: number;
  /** Not in ownMs: waiting for the parser thread while the engine was indexing documents of ours. */
  parserOverlappedWaitMs?: number;
  /** CPU time of this process during the run (user + system, all threads: parser, zlib, GC, HTTP). */
  cpuMs?: number;
  /** CPU time of the parser thread (0 without one). */
  parserCpuMs?: number;
  /** CPU time of the main thread outside its waits for the engine. */
  mainOwnCpuMs?: number;
  /**
   * CPU time of the main thread during its waits for the engine: building and sending requests,
   * polling tasks, and taking in the parser thread's messages (they arrive while it waits).
   */
  mainEngineWaitCpuMs?: number;
  /** The CPU cost of the indexer's own work: the parser thread's CPU plus mainOwnCpuMs. */
  ownCpuMs?: number;
  /**
   * How long the engine was processing our document additions (union of the tasks' startedAt →
   * finishedAt). Wall time minus this is when the engine had none of our documents to index.
   */
  engineBusyMs?: number;
}

/** Read and parse every input into chunks without an engine (`--dry-run`, tools, tests). */
export async function collectChunks(options: InputOptions): Promise<{ articles: Article[]; chunks: ChunkDocument[]; failures: Failure[] }> {
  const articles: Article[] = [];
  const failures: Failure[] = [];
  for await (const item of readArticles(options)) {
    if ('failure' in item) failures.push(item.failure);
    else if ('article' in item) articles.push(item.article);
  }
  return { articles, chunks: articles.flatMap(articleToChunks), failures };
}

/**
 * The whole pipeline, streamed: inputs → articles → chunks (prepare.ts, on the main thread or in
 * the parser thread) → diff against the engine's fingerprints → only changed chunks sent.
 */
export async function runIndexer(engine: Engine, indexUid: string, options: IndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const mainCpuStart = thisThreadCpuMs();
  const { files } = await discoverFiles(options.paths);
  // Started before the engine is read, so that the thread's start-up overlaps that wait.
  // stdin is this thread's: a worker's process.stdin receives nothing.
  const threadable = !files.includes('-');
  const parser = threadable && (options.parserThread ?? (await worthAThread(files))) ? new ParserThread(options.paths) : undefined;
  try {
    const clock = new EngineClock();
    const stored: EngineState = await clock.wait(async () => {
      await ensureIndex(engine, indexUid);
      await waitForPendingTasks(engine, indexUid);
      return engineState(await readFingerprints(engine, indexUid));
    });
    const items = (writer: ChunkWriter) =>
      parser ? parser.items(stored.completeSources) : prepareInputs(options, stored.completeSources);
    const { engineBusy, ...result } = await indexItems(engine, indexUid, options, { files: files.length, items, existing: stored.byArticle, clock });

    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const mainOwnCpuMs = thisThreadCpuMs() - mainCpuStart - clock.cpuMs;
    const parserCpuMs = parser?.cpuMs ?? 0;
    const parserWaits = parser?.waits ?? [];
    const overlappedMs = overlapMs(parserWaits, engineBusy);
    const parserWaitedMs = parserWaits.reduce((sum, w) => sum + (w.end - w.start), 0);
    return {
      ...result,
      elapsedMs: Math.round(elapsedMs),
      ownMs: Math.round(elapsedMs - clock.ms - overlappedMs),
      engineMs: Math.round(clock.ms),
      parserThread: parser !== undefined,
      parserWaitMs: Math.round(parserWaitedMs - overlappedMs),
      parserOverlappedWaitMs: Math.round(overlappedMs),
      cpuMs: Math.round(cpuMs),
      parserCpuMs: Math.round(parserCpuMs),
      mainOwnCpuMs: Math.round(mainOwnCpuMs),
      mainEngineWaitCpuMs: Math.round(clock.cpuMs),
      ownCpuMs: Math.round(parserCpuMs + mainOwnCpuMs),
    };
  } finally {
    await parser?.stop();
  }
}

/** A thread pays off for inputs that take longer to parse than the thread takes to start. */
async function worthAThread(files: readonly string[]): Promise<boolean> {
  let bytes = 0;
  for (const file of files) {
    bytes += await stat(file).then(
      (info) => info.size,
      () => 0,
    );
    if (bytes >= PARSER_THREAD_MIN_BYTES) return true;
  }
  return false;
}

type ItemsResult = Pick<IndexSummary, 'articles' | ArticleChange | 'pruned' | 'failed' | 'chunks' | 'chunksSent' | 'chunksDeleted' | 'failures' | 'notes' | 'pruneSkipped' | 'engineBusyMs'>;

/**
 * Diff each prepared article against the engine's fingerprints and send only changed chunks, in
 * bounded batches. Deletions of stale chunks come after every upsert is stored, so an interrupted
 * run leaves each article complete (old or new chunks, never none) and the next run finishes the job.
 */
async function indexItems(
  engine: Engine,
  indexUid: string,
  options: IndexOptions,
  run: { files: number; items: (writer: ChunkWriter) => AsyncIterable<PreparedItem>; existing: EngineState['byArticle']; clock: EngineClock },
): Promise<ItemsResult & { engineBusy: Interval[] }> {
  const { existing, clock } = run;
  const progress: Progress = { files: 0, filesTotal: run.files, articles: 0, chunksSent: 0 };
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
  const notes: string[] = [];
  const seen = new Set<string>();
  const stale: string[] = [];
  let chunkCount = 0;
  let sent = 0;

  for await (const item of run.items(writer)) {
    if ('filesDone' in item) {
      progress.files = item.filesDone;
      report();
    } else if ('failure' in item) {
      failures.push(item.failure);
    } else if ('unchanged' in item) {
      seen.add(item.unchanged.articleId);
      counts.unchanged++;
      chunkCount += existing.get(item.unchanged.articleId)?.size ?? 0;
      progress.articles++;
    } else {
      const { id, chunks } = item.prepared;
      if (item.prepared.notes) notes.push(...item.prepared.notes);
      const diff = diffArticle(existing.get(id), chunks);
      seen.add(id);
      counts[diff.change]++;
      chunkCount += chunks.length;
      sent += diff.upsert.length;
      stale.push(...diff.stale);
      progress.articles++;
      await writer.add(diff.upsert);
    }
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

  return {
    articles: seen.size,
    ...counts,
    pruned: pruned.length,
    failed: failures.length,
    chunks: chunkCount,
    chunksSent: sent,
    chunksDeleted: stale.length,
    failures,
    notes,
    ...(pruneSkipped ? { pruneSkipped } : {}),
    engineBusyMs: Math.round(coveredMs(writer.engineBusy)),
    engineBusy: writer.engineBusy,
  };
}
