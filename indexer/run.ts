/** The indexing run: inputs → plan → engine writes → sources and prune, with its summary. */
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
import { prepareArticle, prepareInputs, type PreparedItem } from './prepare.js';
import type { WebClient } from './web/client.js';
import { readWebSources, type WebRead, type WebSource } from './web/read.js';
import { WebState } from './web/state.js';
import { readArticles, type Failure, type InputOptions, type KnownSources } from './read.js';
import { decidePrune, readSources, recordSources, sourceFile } from './sources.js';
import { applySynonyms, readSynonyms, type SynonymsSource, type SynonymsSummary } from './synonyms.js';

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
  /**
   * The synonyms file(s) to apply: read from the inputs (readSynonyms) when not given; null = none
   * (the engine's synonyms are left as they are).
   */
  synonyms?: SynonymsSource | null;
  /** Feeds and sitemaps to read besides the paths (indexer/web/), with the client that fetches them. */
  web?: { sources: readonly WebSource[]; client: WebClient };
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
  /** The editors' synonyms file, when one was among the inputs: its bad lines make the run exit 1. */
  synonyms?: SynonymsSummary;
  /** What reading the inputs dropped or changed (code lines, unsafe urls), as `origin: what`. */
  notes: string[];
  /** `--prune` with failed inputs: articles no input produced but kept, and why (their input failed). */
  pruneKept?: { articleId: string; reason: string }[];
  /** Where the run wrote (set by the caller that knows the connection): never a key. */
  engine?: WrittenTo;
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
  /** The ids of the articles this run read, when there are at most MAX_LISTED_IDS (the publish hook's answer). */
  articleIds?: string[];
  /** With feeds or sitemaps: HTTP requests made, and the longest pause the listings asked for (RSS ttl, max-age). */
  web?: { requests: number; pollHintSeconds?: number };
}

export interface WrittenTo {
  url: string;
  index: string;
  /** `server`: a running server's engine; `started`: one started for this run (stopped at exit); `external`: MEILI_URL; `shared`: another process's engine. */
  engineOrigin: 'server' | 'started' | 'external' | 'shared' | 'shards';
  /** Who runs the engine, when not this process. */
  owner?: string;
}

/** Exit status of a run: 1 when an input or a synonyms line failed (the rest was applied). */
export function someFailed(summary: Pick<IndexSummary, 'failed' | 'synonyms'>): boolean {
  return summary.failed > 0 || (summary.synonyms?.errors.length ?? 0) > 0;
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
  const threadable = !files.includes('-') && options.web === undefined;
  const parser = threadable && (options.parserThread ?? (await worthAThread(files))) ? new ParserThread(options.paths) : undefined;
  try {
    const clock = new EngineClock();
    const synonymsSource = options.synonyms === undefined ? await readSynonyms(options.paths) : options.synonyms;
    const { stored, sources, synonyms, webState } = await clock.wait(async () => {
      await ensureIndex(engine, indexUid);
      const synonyms = synonymsSource ? await applySynonyms(engine, indexUid, synonymsSource) : undefined;
      await waitForPendingTasks(engine, indexUid);
      const [fingerprints, sources, webState] = await Promise.all([readFingerprints(engine, indexUid), readSources(engine, indexUid), options.web ? WebState.read(engine, indexUid) : undefined]);
      return { stored: engineState(fingerprints) as EngineState, sources, synonyms, webState };
    });
    const web: WebRead | undefined = options.web && webState ? { client: options.web.client, state: webState, known: stored.completeSources } : undefined;
    const requestsBefore = web?.client.requests ?? 0;
    const items = (writer: ChunkWriter) => {
      const fromFiles = parser ? parser.items(stored.completeSources) : prepareInputs(options, stored.completeSources);
      return web ? concat(fromFiles, prepareWeb(options.web!.sources, web, files.length)) : fromFiles;
    };
    const { engineBusy, ...result } = await indexItems(engine, indexUid, options, { files: files.length, items, existing: stored.byArticle, sources, clock });
    if (web) await clock.wait(() => web.state.write(engine, indexUid));

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
      ...(synonyms && { synonyms }),
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
      ...(web ? { web: { requests: web.client.requests - requestsBefore, ...(web.pollHintSeconds !== undefined ? { pollHintSeconds: web.pollHintSeconds } : {}) } } : {}),
    };
  } finally {
    await parser?.stop();
  }
}

async function* concat<T>(...sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  for (const source of sources) yield* source;
}

/** Feed and sitemap items as prepared articles; each listed page counts as one input in the progress. */
async function* prepareWeb(sources: readonly WebSource[], web: WebRead, filesBefore: number): AsyncGenerator<PreparedItem> {
  let done = filesBefore;
  for await (const item of readWebSources(sources, web)) {
    if ('listed' in item) {
      yield { moreInputs: item.listed };
      continue;
    }
    if ('article' in item) yield prepareArticle(item.article);
    else yield item;
    yield { filesDone: ++done };
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

const MAX_LISTED_IDS = 100;

type ItemsResult = Pick<IndexSummary, 'articleIds' | 'articles' | ArticleChange | 'pruned' | 'failed' | 'chunks' | 'chunksSent' | 'chunksDeleted' | 'failures' | 'notes' | 'pruneKept' | 'engineBusyMs'>;

/**
 * Diff each prepared article against the engine's fingerprints and send only changed chunks, in
 * bounded batches. Deletions of stale chunks come after every upsert is stored, so an interrupted
 * run leaves each article complete (old or new chunks, never none) and the next run finishes the job.
 */
async function indexItems(
  engine: Engine,
  indexUid: string,
  options: IndexOptions,
  run: {
    files: number;
    items: (writer: ChunkWriter) => AsyncIterable<PreparedItem>;
    existing: EngineState['byArticle'];
    sources: Map<string, Set<string>>;
    clock: EngineClock;
  },
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
  const seenByFile = new Map<string, string[]>();
  const noteFile = (origin: string | undefined, articleId: string) => {
    if (origin === undefined) return;
    const file = sourceFile(origin);
    const ids = seenByFile.get(file);
    if (ids) ids.push(articleId);
    else seenByFile.set(file, [articleId]);
  };
  const stale: string[] = [];
  let chunkCount = 0;
  let sent = 0;

  for await (const item of run.items(writer)) {
    if ('filesDone' in item) {
      progress.files = item.filesDone;
      report();
    } else if ('moreInputs' in item) {
      progress.filesTotal += item.moreInputs;
    } else if ('failure' in item) {
      failures.push(item.failure);
    } else if ('unchanged' in item) {
      seen.add(item.unchanged.articleId);
      noteFile(item.unchanged.origin, item.unchanged.articleId);
      counts.unchanged++;
      chunkCount += existing.get(item.unchanged.articleId)?.size ?? 0;
      progress.articles++;
    } else {
      const { id, chunks } = item.prepared;
      if (item.prepared.notes) notes.push(...item.prepared.notes);
      const diff = diffArticle(existing.get(id), chunks);
      seen.add(id);
      noteFile(item.prepared.origin, id);
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
  let pruneKept: { articleId: string; reason: string }[] | undefined;
  const failedFiles = new Set(failures.map((f) => sourceFile(f.source)));
  if (options.prune) {
    // An article of an input that failed to parse this time is not gone: it is kept (sources.ts).
    const unseen = unseenArticles(existing, seen);
    const failedListing = failures.find((f) => f.listing);
    // A feed or sitemap that failed says nothing about which articles left the site: nothing is pruned.
    const decision = failedListing
      ? { prune: [], kept: unseen.articleIds.map((articleId) => ({ articleId, reason: `${failedListing.source} failed to read` })) }
      : decidePrune(unseen.articleIds, failedFiles, run.sources);
    pruned = decision.prune;
    for (const id of pruned) stale.push(...(existing.get(id)?.keys() ?? []));
    if (decision.kept.length > 0) pruneKept = decision.kept;
  }
  await clock.wait(() => deleteChunks(engine, indexUid, stale));
  await clock.wait(() => recordSources(engine, indexUid, changedSources(seenByFile, failedFiles, run.sources), options.prune ? goneFiles(run.sources, seenByFile, failedFiles) : []));

  return {
    articles: seen.size,
    ...(seen.size <= MAX_LISTED_IDS ? { articleIds: [...seen] } : {}),
    ...counts,
    pruned: pruned.length,
    failed: failures.length,
    chunks: chunkCount,
    chunksSent: sent,
    chunksDeleted: stale.length,
    failures,
    notes,
    ...(pruneKept ? { pruneKept } : {}),
    engineBusyMs: Math.round(coveredMs(writer.engineBusy)),
    engineBusy: writer.engineBusy,
  };
}

/**
 * Source records to write: files whose article list differs from the recorded one. A file that
 * partly failed (a bad line) keeps its recorded articles too, so a later --prune still keeps them.
 */
function changedSources(seenByFile: ReadonlyMap<string, string[]>, failedFiles: ReadonlySet<string>, recorded: ReadonlyMap<string, Set<string>>): Map<string, string[]> {
  const changed = new Map<string, string[]>();
  for (const [file, ids] of seenByFile) {
    const before = recorded.get(file);
    const wanted = new Set(failedFiles.has(file) && before ? [...before, ...ids] : ids);
    if (before && before.size === wanted.size && [...wanted].every((id) => before.has(id))) continue;
    changed.set(file, [...wanted]);
  }
  return changed;
}

/** With --prune: recorded files that are neither among this run's inputs nor failed. */
function goneFiles(recorded: ReadonlyMap<string, Set<string>>, seenByFile: ReadonlyMap<string, string[]>, failedFiles: ReadonlySet<string>): string[] {
  return [...recorded.keys()].filter((file) => !seenByFile.has(file) && !failedFiles.has(file));
}
