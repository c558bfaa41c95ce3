import type { ChunkDocument, ChunkFingerprint } from '../core/document.js';
import { DIFF_FIELDS } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { EngineError } from '../core/errors.js';
import type { Plan } from './plan.js';

/** Bounded batches keep each payload far below the engine's 100 MB limit and its memory in check. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const MAX_BATCH_DOCS = 5000;
const TASK_TIMEOUT_MS = 10 * 60_000;
const PAGE = 10_000;

/** Everything the engine holds, reduced to what the diff needs. */
export async function readFingerprints(engine: Engine, indexUid: string): Promise<ChunkFingerprint[]> {
  const out: ChunkFingerprint[] = [];
  try {
    for (let offset = 0; ; offset += PAGE) {
      const page = await engine
        .index<ChunkFingerprint>(indexUid)
        .getDocuments({ fields: [...DIFF_FIELDS], limit: PAGE, offset });
      out.push(...page.results);
      if (page.results.length < PAGE) return out;
    }
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'index_not_found') return [];
    throw toEngineError(error, `reading documents of index ${indexUid}`);
  }
}

export async function applyPlan(
  engine: Engine,
  indexUid: string,
  plan: Plan,
  onProgress: (sentDocs: number) => void = () => {},
): Promise<void> {
  const index = engine.index<ChunkDocument>(indexUid);
  let sent = 0;
  for (const batch of batches(plan.upsert)) {
    await runTask(() => index.addDocuments(batch, { primaryKey: 'id' }), `adding ${batch.length} chunks`);
    sent += batch.length;
    onProgress(sent);
  }
  for (let i = 0; i < plan.delete.length; i += PAGE) {
    const ids = plan.delete.slice(i, i + PAGE);
    await runTask(() => index.deleteDocuments(ids), `deleting ${ids.length} stale chunks`);
  }
}

/** Enqueue, wait, and surface a failed task with the engine's own code and message. */
async function runTask(
  enqueue: () => { waitTask(options: { timeout: number; interval: number }): Promise<{ status: string; uid: number; error?: { code: string; message: string } | null }> },
  what: string,
): Promise<void> {
  let task;
  try {
    task = await enqueue().waitTask({ timeout: TASK_TIMEOUT_MS, interval: 50 });
  } catch (error) {
    throw toEngineError(error, what);
  }
  if (task.status !== 'succeeded') {
    throw new EngineError(`${what}: task ${task.uid} ${task.status}: ${task.error?.code ?? ''} ${task.error?.message ?? ''}`.trim(), task.error?.code);
  }
}

function* batches(docs: readonly ChunkDocument[]): Generator<ChunkDocument[]> {
  let batch: ChunkDocument[] = [];
  let bytes = 0;
  for (const doc of docs) {
    const size = Buffer.byteLength(JSON.stringify(doc));
    if (batch.length > 0 && (bytes + size > MAX_BATCH_BYTES || batch.length >= MAX_BATCH_DOCS)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(doc);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}
