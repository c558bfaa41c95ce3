/** Applying a plan to the engine: batched chunk writes, deletions, and the engine clock that splits time into ours and the engine's. */
import type { ChunkFingerprint } from '../core/document.js';
import { DIFF_FIELDS } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { engineErrorCode, toEngineError } from '../core/engine/client.js';
import type { ChangeEntry } from '../core/change-log.js';
import { changeLogFor } from './change-log.js';
import { thisThreadCpuMs } from './cpu.js';
import { checkTask, explainRefusedPayload, waitTask } from './tasks.js';

export { checkTask, waitTask } from './tasks.js';
import type { Plan } from './plan.js';
import { preparedChunk, type PreparedChunk } from './prepare.js';

/** A span of time in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** Total length of the union of some intervals (tasks the engine batched together overlap). */
export function coveredMs(intervals: readonly Interval[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const { start, end } of [...intervals].sort((a, b) => a.start - b.start)) {
    if (end <= reach) continue;
    total += end - Math.max(start, reach);
    reach = end;
  }
  return total;
}

/**
 * How much of the `spans` the engine spent busy (`busy`: possibly overlapping intervals), in total:
 * the part of the indexer's waits that the engine's own work hid.
 */
export function overlapMs(spans: readonly Interval[], busy: readonly Interval[]): number {
  const merged: Interval[] = [];
  for (const { start, end } of [...busy].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  let total = 0;
  for (const span of spans) {
    for (const b of merged) total += Math.max(0, Math.min(span.end, b.end) - Math.max(span.start, b.start));
  }
  return total;
}

/**
 * Bounded batches keep each payload far below the engine's 100 MB limit; a bounded number of
 * tasks in flight lets the engine index one batch while we parse the next, without letting its
 * queue (and its autobatched memory) grow with the input.
 */
export const MAX_BATCH_BYTES = 20 * 1024 * 1024;
export const DEFAULT_BATCH_DOCS = 10_000;
const FIRST_BATCH_DOCS = 2_000;
const MAX_TASKS_IN_FLIGHT = 2;
const FINGERPRINT_PAGE = 20_000;
const FINGERPRINT_PARALLEL = 4;
const DELETE_PAGE = 10_000;


/**
 * Everything the engine holds, reduced to what the diff needs. Only three short fields per
 * document travel, so reading back ~60k chunks takes a few requests.
 */
export async function readFingerprints(engine: Engine, indexUid: string): Promise<ChunkFingerprint[]> {
  const page = (offset: number) =>
    engine.index<ChunkFingerprint>(indexUid).getDocuments({ fields: [...DIFF_FIELDS], limit: FINGERPRINT_PAGE, offset });
  try {
    // The first page tells the total; the others are then asked for a few at a time, not one by one
    // (nor all at once: a large index would be tens of 20k-document reads in parallel).
    const first = await page(0);
    const pages = [first];
    for (let offset = FINGERPRINT_PAGE; offset < first.total; offset += FINGERPRINT_PAGE * FINGERPRINT_PARALLEL) {
      const group: number[] = [];
      for (let o = offset; o < Math.min(first.total, offset + FINGERPRINT_PAGE * FINGERPRINT_PARALLEL); o += FINGERPRINT_PAGE) group.push(o);
      pages.push(...(await Promise.all(group.map(page))));
    }
    return pages.flatMap((p) => p.results);
  } catch (error) {
    if (engineErrorCode(error) === 'index_not_found') return [];
    throw toEngineError(error, `reading documents of index ${indexUid}`);
  }
}

/**
 * Times the main thread's waits for the engine, in wall time and in the main thread's CPU time
 * (sending bytes and polling tasks cost a little CPU too). The rest of the main thread's time is
 * the indexer's own work, including any wait for the parser thread.
 */
export class EngineClock {
  ms = 0;
  cpuMs = 0;
  async wait<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const cpu = thisThreadCpuMs();
    try {
      return await work();
    } finally {
      this.ms += performance.now() - started;
      this.cpuMs += thisThreadCpuMs() - cpu;
    }
  }
}

/** Collects chunks into bounded batches and sends them, keeping at most a few tasks unfinished. */
export class ChunkWriter {
  /** The pending batch, as the JSON of each chunk (serialised once, see chunks.ts articleToChunkJson). */
  private batch: string[] = [];
  private batchIds: string[] = [];
  private batchBytes = 0;
  private sentBatches = 0;
  private readonly inFlight: { uid: number; docs: number; logged: ChangeEntry | undefined }[] = [];
  /** Chunks the engine has confirmed as stored. */
  confirmed = 0;
  /** When the engine processed each of our tasks (from the tasks' own timestamps), for overlap figures. */
  readonly engineBusy: Interval[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly indexUid: string,
    private readonly onConfirmed: (confirmed: number) => void = () => {},
    private readonly maxBatchDocs: number = DEFAULT_BATCH_DOCS,
    /** Where time spent sending and waiting for tasks is counted. */
    private readonly clock: EngineClock = new EngineClock(),
  ) {}

  async add(chunks: readonly PreparedChunk[]): Promise<void> {
    for (const { id, json, bytes } of chunks) {
      if (this.batch.length > 0 && (this.batchBytes + bytes > MAX_BATCH_BYTES || this.batch.length >= this.batchLimit())) {
        await this.send();
      }
      this.batch.push(json);
      this.batchIds.push(id);
      this.batchBytes += bytes;
    }
  }

  /**
   * The first batch is small so that the engine starts indexing early instead of idling while
   * we parse a full batch; from then on it indexes one batch while we prepare the next.
   */
  private batchLimit(): number {
    return this.sentBatches === 0 ? Math.min(FIRST_BATCH_DOCS, this.maxBatchDocs) : this.maxBatchDocs;
  }

  /** Send what is pending and wait until the engine has stored every chunk. */
  async flush(): Promise<void> {
    if (this.batch.length > 0) await this.send();
    while (this.inFlight.length > 0) await this.waitOldest();
  }

  private async send(): Promise<void> {
    const docs = this.batch;
    const ids = this.batchIds;
    this.batch = [];
    this.batchIds = [];
    this.batchBytes = 0;
    this.sentBatches++;
    while (this.inFlight.length >= MAX_TASKS_IN_FLIGHT) await this.waitOldest();
    const payload = `[${docs.join(',')}]`;
    const { task, logged } = await this.clock.wait(async () => {
      try {
        // The log's `open` entry goes first (core/change-log.ts), the engine runs tasks in order.
        const logged = await changeLogFor(this.engine, this.indexUid)?.open(ids);
        const task = await this.engine.index(this.indexUid).addDocumentsFromString(payload, 'application/json', { primaryKey: 'id' });
        return { task, logged };
      } catch (error) {
        throw await explainRefusedPayload(this.engine, toEngineError(error, `adding ${docs.length} chunks to ${this.indexUid}`));
      }
    });
    this.inFlight.push({ uid: task.taskUid, docs: docs.length, logged });
  }

  private async waitOldest(): Promise<void> {
    const { uid, docs, logged } = this.inFlight.shift()!;
    const what = `adding ${docs} chunks to ${this.indexUid}`;
    const task = await this.clock.wait(() => waitTask(this.engine, uid, what));
    checkTask(task, what);
    if (logged) await this.clock.wait(() => changeLogFor(this.engine, this.indexUid)!.close(logged));
    if (task.startedAt && task.finishedAt) this.engineBusy.push({ start: Date.parse(task.startedAt), end: Date.parse(task.finishedAt) });
    this.confirmed += docs;
    this.onConfirmed(this.confirmed);
  }
}

/**
 * Tasks a previous, interrupted run left enqueued still change the index after we read it; wait
 * for them first so the diff starts from what the index will really hold.
 */
export async function waitForPendingTasks(engine: Engine, indexUid: string): Promise<void> {
  const what = `waiting for pending tasks of ${indexUid}`;
  let uids: number[];
  try {
    const pending = await engine.tasks.getTasks({ indexUids: [indexUid], statuses: ['enqueued', 'processing'], limit: 1000 });
    uids = pending.results.map((t) => t.uid);
  } catch (error) {
    throw toEngineError(error, what);
  }
  for (const uid of uids) await waitTask(engine, uid, what);
  // Whatever a killed run announced in the change log is now finished or never happens.
  await changeLogFor(engine, indexUid)?.closeLeftovers();
}

/** Delete chunks by id in bounded requests, each waited for. */
export async function deleteChunks(engine: Engine, indexUid: string, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += DELETE_PAGE) {
    const page = ids.slice(i, i + DELETE_PAGE);
    const what = `deleting ${page.length} stale chunks from ${indexUid}`;
    let uid: number;
    let logged: ChangeEntry | undefined;
    try {
      logged = await changeLogFor(engine, indexUid)?.open(page);
      uid = (await engine.index(indexUid).deleteDocuments(page)).taskUid;
    } catch (error) {
      throw toEngineError(error, what);
    }
    checkTask(await waitTask(engine, uid, what), what);
    if (logged) await changeLogFor(engine, indexUid)!.close(logged);
  }
}

/** Carry out a whole-run Plan: upserts first (waited for), then deletions. */
export async function applyPlan(engine: Engine, indexUid: string, plan: Plan): Promise<void> {
  await waitForPendingTasks(engine, indexUid);
  const writer = new ChunkWriter(engine, indexUid);
  await writer.add(plan.upsert.map((doc) => preparedChunk(doc)));
  await writer.flush();
  await deleteChunks(engine, indexUid, plan.delete);
}
