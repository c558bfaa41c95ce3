/** Waiting for engine tasks and turning failed ones into errors. */
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { DiskFullError, EngineError } from '../core/errors.js';

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
  let startedAt: string | null | undefined;
  for (let interval = 10; ; interval = Math.min(interval * 2, 200)) {
    let task: TaskLike;
    try {
      task = (await engine.tasks.getTask(uid)) as TaskLike;
    } catch (error) {
      throw toEngineError(error, what);
    }
    if (task.status !== 'enqueued' && task.status !== 'processing') return task;
    if (task.status === 'processing') {
      if (startedAt && task.startedAt && task.startedAt !== startedAt) await whyRestarted(engine, task, what);
      startedAt = task.startedAt;
    }
    if (Date.now() > deadline) throw new EngineError(`${what}: task ${uid} still ${task.status} after ${TASK_TIMEOUT_MS / 1000} s`, 'task_timeout');
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * A processing task whose start time moved was started again: its batch failed inside the engine,
 * which retries it forever and says nothing on the task (Meilisearch 1.21, full disk: ~60 % CPU,
 * `processing` for good). A write the engine must store tells why: on a full disk it is refused
 * with the engine's own error. The write cancels a task uid that cannot exist, so it changes nothing.
 */
async function whyRestarted(engine: Engine, task: TaskLike, what: string): Promise<void> {
  try {
    await engine.tasks.cancelTasks({ uids: [NO_SUCH_TASK] });
  } catch (error) {
    const typed = toEngineError(error, what);
    if (typed instanceof DiskFullError) {
      throw new DiskFullError(`${what}: task ${task.uid} cannot finish, the engine's disk is full (it failed and was restarted at ${task.startedAt}; ${typed.message.replace(`${what}: `, '')})`, { cause: error });
    }
  }
}

/** The largest task uid the engine takes (u32); no engine reaches it. */
const NO_SUCH_TASK = 4_294_967_295;

/** A failed task surfaces with the engine's own error code and message. */
export function checkTask(task: TaskLike, what: string): void {
  if (task.status !== 'succeeded') {
    throw new EngineError(
      `${what}: task ${task.uid} ${task.status}: ${task.error?.code ?? ''} ${task.error?.message ?? ''}`.trim(),
      task.error?.code,
    );
  }
}

