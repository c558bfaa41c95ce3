import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkDocument } from '../../core/document.js';
import { createEngine } from '../../core/engine/client.js';
import { EngineUnavailableError } from '../../core/errors.js';
import { runIndexer, type IndexSummary } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';

/** The parser thread against the real engine: the same index as the main-thread parse, and the same run semantics. */
const engine = adminEngine();
const threaded = uniqueIndexUid('idx_thread');
const inline = uniqueIndexUid('idx_inline');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'idx-thread-engine-'));
  await cp('tests/fixtures/formats', dir, { recursive: true });
  await writeFile(path.join(dir, 'broken.jsonl'), `${JSON.stringify({ url: 'https://t.test/ok', title: 'Целая запись', content: 'Текст целой записи.' })}\n{сломанная\n`);
});
afterAll(async () => {
  await Promise.all([deleteIndex(threaded), deleteIndex(inline)]);
  await rm(dir, { recursive: true, force: true });
});

async function docs(index: string): Promise<ChunkDocument[]> {
  const page = await engine.index<ChunkDocument>(index).getDocuments({ limit: 10_000 });
  return page.results.sort((a, b) => a.id.localeCompare(b.id));
}
/** The counts of a summary, without its timings. */
const counts = ({ articles, added, updated, unchanged, pruned, failed, chunks, chunksSent, chunksDeleted, failures }: IndexSummary) =>
  ({ articles, added, updated, unchanged, pruned, failed, chunks, chunksSent, chunksDeleted, failures });

describe('indexing with the parser thread', { timeout: 180_000 }, () => {
  it('stores exactly the documents the main-thread parse stores, with the same summary and failures', async () => {
    const a = await runIndexer(engine, threaded, { paths: [dir], prune: false, parserThread: true });
    const b = await runIndexer(engine, inline, { paths: [dir], prune: false, parserThread: false });
    expect(a.parserThread).toBe(true);
    expect(b.parserThread).toBe(false);
    expect(counts(a)).toEqual(counts(b));
    expect(a).toMatchObject({ added: 9, failed: 1, chunksSent: 20 });
    expect(a.failures[0]!.source).toBe(`${path.join(dir, 'broken.jsonl')}:2`);
    expect(await docs(threaded)).toEqual(await docs(inline));
    // Only the engine's own busy time can hide a wait for the parser.
    expect(a.parserOverlappedWaitMs!).toBeLessThanOrEqual(a.engineBusyMs! + 1);
  });

  it('a re-run sends nothing: the engine\'s known sources reach the thread', async () => {
    const before = await docs(threaded);
    const again = await runIndexer(engine, threaded, { paths: [dir], prune: false, parserThread: true });
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 9, chunksSent: 0, chunksDeleted: 0, failed: 1 });
    expect(await docs(threaded)).toEqual(before);
  });

  it('an engine failure surfaces as the engine error and stops the thread', async () => {
    const dead = createEngine({ url: 'http://127.0.0.1:9', apiKey: 'x', timeoutMs: 2_000 });
    await expect(runIndexer(dead, threaded, { paths: [dir], prune: false, parserThread: true })).rejects.toBeInstanceOf(EngineUnavailableError);
  });
});
