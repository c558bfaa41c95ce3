/** `--rebuild`: index into a fresh index and swap it in atomically. */
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { ensureIndex } from '../core/engine/settings.js';
import { checkTask, waitTask } from './apply.js';
import { changeLogFor, withoutChangeLog } from './change-log.js';
import { runIndexer, type IndexOptions, type IndexSummary } from './run.js';
import { applySynonyms, readSynonyms } from './synonyms.js';

export function rebuildUid(indexUid: string): string {
  return `${indexUid}_rebuild`;
}

/**
 * `--rebuild`: index everything into a fresh `<uid>_rebuild` (settings applied and waited for by
 * ensureIndex, since settings travel with an index in a swap), then swap it with the live index
 * in one engine task and delete the old one. Searches see the old index until the swap and the
 * complete new one after it, never a half-built one. A leftover `<uid>_rebuild` from an
 * interrupted rebuild is discarded first.
 */
export async function rebuildIndex(engine: Engine, indexUid: string, options: IndexOptions): Promise<IndexSummary> {
  const fresh = rebuildUid(indexUid);
  await deleteIndexIfAny(engine, fresh);
  // The fresh copy keeps no change log: proxies learn of it as one `reset` entry on the live log.
  const synonyms = options.synonyms === undefined ? await readSynonyms(options.paths) : options.synonyms;
  const summary = await withoutChangeLog(fresh, () => runIndexer(engine, fresh, { ...options, prune: false, synonyms }));
  const started = performance.now();
  // The swap needs both indexes to exist; the first build of all creates an empty live one.
  await ensureIndex(engine, indexUid);
  const log = changeLogFor(engine, indexUid);
  await log?.closeLeftovers();
  const logged = await log?.open([], 'reset');
  await runEngineTask(() => engine.swapIndexes([{ indexes: [indexUid, fresh], rename: false }]), `swapping ${fresh} into ${indexUid}`, engine);
  if (logged) await log!.close(logged);
  // The fresh index brought its synonyms setting; the live log now announces its groups (changed: they differ from the last announced).
  if (synonyms) summary.synonyms = await applySynonyms(engine, indexUid, synonyms);
  await deleteIndexIfAny(engine, fresh);
  const swapMs = performance.now() - started;
  return { ...summary, elapsedMs: Math.round(summary.elapsedMs + swapMs), engineMs: Math.round(summary.engineMs + swapMs) };
}

async function deleteIndexIfAny(engine: Engine, uid: string): Promise<void> {
  const what = `deleting index ${uid}`;
  let taskUid: number;
  try {
    taskUid = (await engine.deleteIndex(uid)).taskUid;
  } catch (error) {
    throw toEngineError(error, what);
  }
  const task = await waitTask(engine, taskUid, what);
  if (task.status === 'failed' && task.error?.code === 'index_not_found') return;
  checkTask(task, what);
}

async function runEngineTask(enqueue: () => PromiseLike<{ taskUid: number }>, what: string, engine: Engine): Promise<void> {
  let taskUid: number;
  try {
    taskUid = (await enqueue()).taskUid;
  } catch (error) {
    throw toEngineError(error, what);
  }
  checkTask(await waitTask(engine, taskUid, what), what);
}
