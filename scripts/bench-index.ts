/**
 * `npm run bench:index [files…]`: index the benchmark corpus (default ../shared/corpus/rt.jsonl.gz
 * and ng.jsonl.gz) into a fresh embedded engine in a temporary data dir, then re-run with nothing
 * changed. Prints articles/s, chunks/s, the share of wall time in the indexer's own work
 * (the main thread not awaiting the engine; see print()) vs waiting for it, and the no-change re-run time.
 *
 * The machine is shared, so wall-time shares move with the load. Two figures do not: the CPU
 * seconds of the indexer process vs the engine process over the same phase, and the time the
 * engine was busy with our additions (from its tasks' timestamps), which shows how much of the
 * indexer's work was hidden behind the engine's indexing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { procStatCpuMs } from '../indexer/cpu.js';
import { runIndexer, type IndexSummary } from '../indexer/run.js';

const DEFAULT_FILES = ['../shared/corpus/rt.jsonl.gz', '../shared/corpus/ng.jsonl.gz'];
const INDEX_UID = 'bench';

async function main(files: string[]): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-index-'));
  const embedded = await startEmbeddedEngine({ dataDir });
  try {
    const engine = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const first = await measured(embedded.pid, () => runIndexer(engine, INDEX_UID, { paths: files, prune: false }));
    print('full build', first);
    const again = await measured(embedded.pid, () => runIndexer(engine, INDEX_UID, { paths: files, prune: false }));
    print('no-change re-run', again);
    const rss = await engineRssMb(embedded.pid);
    process.stdout.write(
      `\nsummary: ${first.articles} articles, ${first.chunks} chunks; build ${(first.elapsedMs / 1000).toFixed(1)} s ` +
        `(${rate(first.articles, first.elapsedMs)} articles/s, ${rate(first.chunks, first.elapsedMs)} chunks/s), ` +
        `own work ${pct(first.ownMs, first.elapsedMs)} of wall time, engine ${pct(first.engineMs, first.elapsedMs)}; ` +
        `no-change re-run ${(again.elapsedMs / 1000).toFixed(2)} s (sent ${again.chunksSent}); ` +
        `engine RSS now ${rss} MB; indexer heap ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB RSS\n`,
    );
  } finally {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Measured = IndexSummary & { engineCpuMs: number };

/** A run with the engine process's CPU time over it (the indexer's own comes from the summary). */
async function measured(enginePid: number, run: () => Promise<IndexSummary>): Promise<Measured> {
  const before = processCpuMs(enginePid);
  const summary = await run();
  return { ...summary, engineCpuMs: processCpuMs(enginePid) - before };
}

/**
 * What the figures mean (docs/indexer.md "Speed"):
 *   own     = the indexer's work on the critical path: wall time in which the main thread was
 *             neither awaiting the engine nor waiting for the parser thread while the engine was
 *             indexing a batch of ours. That is diffing and batching, waits for the parser while
 *             the engine had none of our batches (printed), and the whole read/parse/chunk when it
 *             runs on the main thread (small inputs, stdin). wall = own + engine + overlapped.
 *   overlapped = waits for the parser thread while the engine indexed a batch of ours.
 *   cpu     = the indexer process (all threads) = own work (the parser thread + the main thread
 *             outside engine waits) + the main thread during engine waits (requests, polling,
 *             taking in the parser's messages) + other threads (GC helpers, zlib, I/O).
 *   idle    = wall time in which the engine had none of our batches to index (from its task
 *             timestamps): the part of the indexer's work that was not hidden behind the engine.
 */
function print(label: string, s: Measured): void {
  const cpu = s.cpuMs ?? 0;
  const idle = s.elapsedMs - (s.engineBusyMs ?? 0);
  const parser = s.parserThread ? `parser thread ${sec(s.parserCpuMs ?? 0)} s + ` : '';
  process.stdout.write(
    `${label}: ${s.articles} articles (${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.failed} failed), ` +
      `${s.chunks} chunks, ${s.chunksSent} sent; wall ${sec(s.elapsedMs)} s, own ${sec(s.ownMs)} s ` +
      `(${pct(s.ownMs, s.elapsedMs)}` +
      (s.parserThread
        ? `; of it awaiting the parser thread with no batch of ours at the engine ${sec(s.parserWaitMs ?? 0)} s), ` +
          `overlapped (awaiting the parser while the engine indexed our batch) ${sec(s.parserOverlappedWaitMs ?? 0)} s (${pct(s.parserOverlappedWaitMs ?? 0, s.elapsedMs)})`
        : '; parsing on the main thread)') +
      `, engine ${sec(s.engineMs)} s (${pct(s.engineMs, s.elapsedMs)})\n` +
      `  cpu: indexer ${sec(cpu)} s = own work (${parser}main thread ${sec(s.mainOwnCpuMs ?? 0)} s) ${sec(s.ownCpuMs ?? 0)} s = ${pct(s.ownCpuMs ?? 0, s.elapsedMs)} of wall` +
      ` + main thread during engine waits ${sec(s.mainEngineWaitCpuMs ?? 0)} s + other threads (GC, zlib, I/O) ${sec(cpu - (s.ownCpuMs ?? 0) - (s.mainEngineWaitCpuMs ?? 0))} s; ` +
      `engine ${sec(s.engineCpuMs)} s (indexer ${pct(cpu, cpu + s.engineCpuMs)} of both)` +
      (s.chunksSent > 0
        ? `; engine busy indexing our batches ${sec(s.engineBusyMs ?? 0)} s, idle waiting for the indexer ${sec(idle)} s (${pct(idle, s.elapsedMs)} of wall)`
        : '') +
      '\n',
  );
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const processCpuMs = (pid: number): number => procStatCpuMs(`/proc/${pid}/stat`) ?? 0;


const rate = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));
const pct = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;

async function engineRssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

main(process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_FILES).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
