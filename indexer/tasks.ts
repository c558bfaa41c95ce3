/** Waiting for engine tasks and turning failed ones into errors. */
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { EngineError } from '../core/errors.js';

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
  for (let interval = 10; ; interval = Math.min(interval * 2, 200)) {
    let task: TaskLike;
    try {
      task = (await engine.tasks.getTask(uid)) as TaskLike;
    } catch (error) {
      throw toEngineError(error, what);
    }
    if (task.status !== 'enqueued' && task.status !== 'processing') return task;
    if (Date.now() > deadline) throw new EngineError(`${what}: task ${uid} still ${task.status} after ${TASK_TIMEOUT_MS / 1000} s`, 'task_timeout');
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** A failed task surfaces with the engine's own error code and message. */
export function checkTask(task: TaskLike, what: string): void {
  if (task.status !== 'succeeded') {
    throw new EngineError(
      `${what}: task ${task.uid} ${task.status}: ${task.error?.code ?? ''} ${task.error?.message ?? ''}`.trim(),
      task.error?.code,
    );
  }
}

