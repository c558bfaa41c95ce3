/**
 * `npm run bench:index [files…]`: index the benchmark corpus (default ../shared/corpus/rt.jsonl.gz
 * and ng.jsonl.gz) into a fresh embedded engine in a temporary data dir, then re-run with nothing
 * changed. Prints articles/s, chunks/s, the share of wall time in the indexer's own work
 * (read + parse + chunk + diff) vs waiting for the engine, and the no-change re-run time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { runIndexer, type IndexSummary } from '../indexer/run.js';

const DEFAULT_FILES = ['../shared/corpus/rt.jsonl.gz', '../shared/corpus/ng.jsonl.gz'];
const INDEX_UID = 'bench';

async function main(files: string[]): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-index-'));
  const embedded = await startEmbeddedEngine({ dataDir });
  try {
    const engine = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const first = await runIndexer(engine, INDEX_UID, { paths: files, prune: false });
    print('full build', first);
    const again = await runIndexer(engine, INDEX_UID, { paths: files, prune: false });
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

function print(label: string, s: IndexSummary): void {
  process.stdout.write(
    `${label}: ${s.articles} articles (${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.failed} failed), ` +
      `${s.chunks} chunks, ${s.chunksSent} sent; wall ${(s.elapsedMs / 1000).toFixed(2)} s, own ${(s.ownMs / 1000).toFixed(2)} s ` +
      `(${pct(s.ownMs, s.elapsedMs)}), engine ${(s.engineMs / 1000).toFixed(2)} s (${pct(s.engineMs, s.elapsedMs)})\n`,
  );
}

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
