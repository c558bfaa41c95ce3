/** Waiting for engine tasks and turning failed ones into errors. */
import type { Engine } from '../core/engine/client.js';
import { isDiskFull, toEngineError } from '../core/engine/client.js';
import { AppError, DiskFullError, EngineError } from '../core/errors.js';

const TASK_TIMEOUT_MS = 10 * 60_000;

export interface TaskLike {
  status: string;
  uid: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  error?: { code: string; message: string } | null;
}

/**
 * Poll a task until it is finished. Our own loop rather than the client's waitForTask, whose
 * timeout timer outlives a failed poll and would keep the process alive for minutes after the
 * engine died.
 */
export async function waitTask(engine: Engine, uid: number, what: string): Promise<TaskLike> {
  const deadline = Date.now() + TASK_TIMEOUT_MS;
  let checkedAt = Date.now();
  for (let interval = 10; ; interval = Math.min(interval * 2, 200)) {
    let task: TaskLike;
    try {
      task = (await engine.tasks.getTask(uid)) as TaskLike;
    } catch (error) {
      throw toEngineError(error, what);
    }
    if (task.status !== 'enqueued' && task.status !== 'processing') return task;
    if (Date.now() - checkedAt >= STALL_CHECK_MS || watchOf(engine).diskFullSeen) {
      checkedAt = Date.now();
      await checkEngineNotStuck(engine, task.status === 'processing' ? task : undefined, what);
    }
    if (Date.now() > deadline) throw new EngineError(`${what}: task ${uid} still ${task.status} after ${TASK_TIMEOUT_MS / 1000} s`, 'task_timeout');
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** How often a wait looks at what the engine is processing (one cheap read). */
const STALL_CHECK_MS = 1000;
/**
 * Per engine (by its address: task uids are per engine, and a sharded run waits on several): the
 * task it was processing when last looked at by any wait of this process, and its start; and
 * whether its disk was found full (then every wait asks again at once instead of waiting for a restart).
 */
interface EngineWatch {
  lastProcessing: { uid: number; startedAt: string; restarts: number } | undefined;
  diskFullSeen: boolean;
}
const watches = new Map<string, EngineWatch>();

function watchOf(engine: Engine): EngineWatch {
  const key = engine.config.host;
  let watch = watches.get(key);
  if (!watch) watches.set(key, (watch = { lastProcessing: undefined, diskFullSeen: false }));
  return watch;
}

/**
 * A processing task whose start time moved was started again: its batch failed inside the engine,
 * which retries it forever and says nothing on the task (Meilisearch 1.21 on a full disk: ~60 %
 * CPU, `processing` for good; our task may be queued behind it). The probe then tells why.
 */
async function checkEngineNotStuck(engine: Engine, ours: TaskLike | undefined, what: string): Promise<void> {
  let processing = ours;
  if (!processing) {
    try {
      processing = (await engine.tasks.getTasks({ statuses: ['processing'], limit: 1 })).results[0] as TaskLike | undefined;
    } catch (error) {
      throw toEngineError(error, what);
    }
  }
  const watch = watchOf(engine);
  const seen = watch.lastProcessing;
  const restarted = processing?.startedAt && seen?.uid === processing.uid && seen.startedAt !== processing.startedAt;
  if (processing?.startedAt) watch.lastProcessing = { uid: processing.uid, startedAt: processing.startedAt, restarts: (seen?.uid === processing.uid ? seen.restarts : 0) + (restarted ? 1 : 0) };
  const lastProcessing = watch.lastProcessing;
  if (!restarted && !watch.diskFullSeen) return;
  const full = await diskFullProbe(engine);
  const stuck = processing ? `task ${processing.uid} failed and was restarted at ${processing.startedAt}` : 'the engine cannot store anything';
  if (full) throw new DiskFullError(`${what}: the engine's disk is full: ${stuck} (${full})`);
  // The probe can pass while the batch fails (the task queue still has room): a batch failing
  // again is not waited on either; the caller says where the engine's data are (a full disk there?).
  if (processing && lastProcessing && lastProcessing.restarts >= RESTARTS_TOLERATED) {
    throw new EngineError(`${what}: ${stuck}, ${lastProcessing.restarts} times: the engine keeps failing it (Meilisearch does this on a full disk or an I/O error; its log says which)`, 'batch_restarted');
  }
}

/** A batch restarted this often is failing for good (a restart alone can be an engine restart). */
const RESTARTS_TOLERATED = 2;

/**
 * A write the engine must store, refused on a full disk with the engine's own error (returned as
 * "engine error <code>: <message>"). It cancels a task uid that cannot exist: it changes nothing.
 */
async function diskFullProbe(engine: Engine): Promise<string | undefined> {
  try {
    await engine.tasks.cancelTasks({ uids: [NO_SUCH_TASK] });
    watchOf(engine).diskFullSeen = false; // room again (a --watch run goes on)
    return undefined;
  } catch (error) {
    const typed = toEngineError(error, 'probe');
    if (!(typed instanceof DiskFullError)) return undefined;
    watchOf(engine).diskFullSeen = true;
    return /the engine's disk is full \((.*)\)$/s.exec(typed.message)?.[1] ?? typed.message;
  }
}

/**
 * Our payloads are JSON.stringify's: one the engine calls malformed was cut short while the engine
 * stored it, which a full disk does (measured on 1.21: "trailing characters at line 1 column
 * 6234025" of a 6.5 MB payload; the cut file is deleted at once, so a probe right after may pass).
 */
export async function explainRefusedPayload(engine: Engine, error: AppError): Promise<AppError> {
  if (!(error instanceof EngineError) || error.engineCode !== 'malformed_payload') return error;
  const full = await diskFullProbe(engine);
  return new DiskFullError(`${error.message.replace(/\.$/, "")}: the engine stored this valid payload cut short: the engine's disk is full${full ? ` (${full})` : ''}`, { cause: error });
}

/** The largest task uid the engine takes (u32); no engine reaches it. */
const NO_SUCH_TASK = 4_294_967_295;

/** A failed task surfaces with the engine's own error code and message. */
export function checkTask(task: TaskLike, what: string): void {
  if (task.status !== 'succeeded' && isDiskFull(task.error?.code, task.error?.message ?? '')) {
    throw new DiskFullError(`${what}: task ${task.uid} ${task.status}: the engine's disk is full (engine error ${task.error?.code}: ${task.error?.message})`);
  }
  if (task.status !== 'succeeded') {
    throw new EngineError(
      `${what}: task ${task.uid} ${task.status}: ${task.error?.code ?? ''} ${task.error?.message ?? ''}`.trim(),
      task.error?.code,
    );
  }
}

