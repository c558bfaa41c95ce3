/**
 * `npm run bench:scale [-- --scales 1,2,5,10 --sample 200 --repeat 3]` (--repeat: median of N runs per scale)
 *
 * The ranking index (server/ranking) at 1×, 2×, 5× and 10× the shared corpus (rt + ng, chunked as
 * the indexer does, repeated with new chunk and article ids: cost depends on sizes, not meaning).
 * Each scale runs in a child process of its own (clean RSS), in process, without the engine (on 2
 * shared cores the engine would take most of an hour to index 10×); it loads like the proxy's
 * follower does (pages of 2,000 chunks, yielding to the event loop between pages). Per scale:
 *   - full build time;
 *   - settled RSS per chunk: RSS after the build and a GC, minus RSS before it (the corpus text
 *     the generator repeats is held in both measurements, so it cancels out);
 *   - live heap per chunk: V8 heap used + external memory after the build, minus before (less noisy);
 *   - peak RSS during the build above the same baseline (the kernel's high-water mark), and its ratio to settled;
 *   - one new article applied (its chunks upserted), then edited, then deleted: ms each — the
 *     in-process part of "indexer exit → fully ranked"; the engine part (log poll ≤ INDEX_POLL_MS,
 *     one log read, one fetch by id) does not depend on the archive's size (docs/scale.md);
 *   - search p50/p95 over the dev queries (analysis + ranking, as the API does before fetching the page).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRankingIndex, type RankingDocument } from '../server/ranking/index.js';
import { analyzeQuery } from '../server/search/analyze.js';
import { synonymTable } from '../core/text/synonyms.js';
import { shippedSynonyms } from '../indexer/synonyms.js';
import { everyNth, percentile, readCorpus, readQueries, recordToChunks } from './relevance-eval.js';
import { startLatencyFixture } from './scale-update-latency.js';

const CORPORA = ['../shared/corpus/rt.jsonl.gz', '../shared/corpus/ng.jsonl.gz'];
const QUERIES = '../shared/corpus/dev-queries.jsonl';
const PAGE = 2000;

interface ScaleResult {
  scale: number;
  chunks: number;
  buildS: number;
  settledBytesPerChunk: number;
  peakBytesPerChunk: number;
  /** V8 heap used + external (typed arrays) after the build, per chunk: what is held, without the allocator's slack. */
  liveBytesPerChunk: number;
  peakRatio: number;
  addMs: number;
  editMs: number;
  deleteMs: number;
  p50: number;
  p95: number;
  /** Indexer exit → fully ranked (real engine, indexer and follower polling every 1 s). */
  e2eAddS: number;
  e2eDeleteS: number;
}

async function child(scale: number, sample: number): Promise<ScaleResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const records = (await Promise.all(CORPORA.map((f) => readCorpus(f, undefined)))).flat();
  const base: RankingDocument[] = records.flatMap(recordToChunks).map((c) => ({
    id: c.id,
    articleId: c.articleId,
    stems: c.stems,
    sectionTitle: c.sectionTitle,
    text: c.text,
    tags: c.tags,
    dateTs: c.dateTs,
    year: c.year,
    sectionIndex: c.sectionIndex,
    passage: c.passage,
  }));
  const queries = everyNth(await readQueries(QUERIES), sample).map((q) => q.q);
  // Several full GCs with pauses: on a loaded machine V8's concurrent sweeping lags, and RSS read
  // too early still holds freed pages (settled figures varied 1.9–3.1 KB/chunk with 3 × 100 ms).
  const settle = async () => {
    for (let i = 0; i < 6; i++) {
      gc();
      await sleep(300);
    }
  };
  const live = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  await settle();
  const before = process.memoryUsage.rss();
  const liveBefore = live();
  // The kernel's RSS high-water mark, reset here, sees peaks inside synchronous work that a timer
  // cannot sample; the timer stays as the fallback where /proc is not writable.
  const kernelPeak = resetPeakRss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);

  // As the follower's full read at start-up: an empty index, then every page (engine reads aside).
  const started = performance.now();
  const index = createRankingIndex();
  await index.replaceAll(
    (async function* () {
      for (let r = 0; r < scale; r++) {
        for (let i = 0; i < base.length; i += PAGE) {
          yield base.slice(i, i + PAGE).map((d) => (r === 0 ? d : { ...d, id: `${d.id}~${r}`, articleId: `${d.articleId}~${r}` }));
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    })(),
  );
  const buildS = (performance.now() - started) / 1000;
  await settle();
  clearInterval(sampler);
  const settled = process.memoryUsage.rss();
  const liveSettled = live();
  peak = Math.max(peak, settled, kernelPeak ? readPeakRss() : 0);
  const chunks = index.stats().chunks;

  // One new article (the first record's chunks under a new article id), edited, then deleted.
  const first = base.filter((d) => d.articleId === base[0]!.articleId);
  const added = first.map((d) => ({ ...d, id: `${d.id}~new`, articleId: `${d.articleId}~new` }));
  const timed = (work: () => void): number => {
    const t = performance.now();
    work();
    return performance.now() - t;
  };
  const addMs = timed(() => index.apply({ upsert: added }));
  const editMs = timed(() => index.apply({ upsert: added.map((d) => ({ ...d, text: `${d.text} Обновлено.`, stems: `${d.stems} обновл` })) }));
  const deleteMs = timed(() => index.apply({ remove: added.map((d) => d.id) }));

  const times: number[] = [];
  const synonyms = synonymTable((await shippedSynonyms()).groups);
  for (const q of queries) times.push(timed(() => void index.search(analyzeQuery(q, synonyms), {}, 30)));
  times.sort((a, b) => a - b);

  // The proxy's follower over a real engine holding the seed, starting from this index.
  const fixture = await startLatencyFixture(7550 + scale, index);
  const e2e = await fixture.measure();
  await fixture.stop();
  return {
    scale,
    chunks,
    buildS,
    settledBytesPerChunk: (settled - before) / chunks,
    liveBytesPerChunk: (liveSettled - liveBefore) / chunks,
    peakBytesPerChunk: (peak - before) / chunks,
    peakRatio: (peak - before) / Math.max(1, settled - before),
    addMs,
    editMs,
    deleteMs,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    e2eAddS: e2e.addS,
    e2eDeleteS: e2e.deleteS,
  };
}

/**
 * Each figure's median over the runs (--repeat): on a shared machine, V8's heap growth follows
 * the GC's timing, and single runs of the same code differed by 2× in peak RSS.
 */
function medianRow(runs: ScaleResult[]): ScaleResult {
  const median = (key: keyof ScaleResult): number => percentile(runs.map((r) => r[key]).sort((a, b) => a - b), 0.5);
  const row = { ...runs[0]! };
  for (const key of Object.keys(row) as (keyof ScaleResult)[]) row[key] = median(key);
  return row;
}

/** Resets the kernel's RSS high-water mark (VmHWM); false where /proc does not allow it. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function readPeakRss(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { child: { type: 'string' }, scales: { type: 'string', default: '1,2,5,10' }, sample: { type: 'string', default: '200' }, repeat: { type: 'string', default: '1' } } });
  const repeat = Math.max(1, Number(values.repeat));
  const sample = Number(values.sample);
  if (values.child) {
    console.log(JSON.stringify(await child(Number(values.child), sample)));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const rows: ScaleResult[] = [];
  for (const scale of values.scales.split(',').map(Number)) {
    const runs: ScaleResult[] = [];
    for (let run = 0; run < repeat; run++) {
      const out = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', self, '--child', String(scale), '--sample', String(sample)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      runs.push(JSON.parse(out.trim().split('\n').at(-1)!) as ScaleResult);
      console.error(`scale ${scale}× run ${run + 1}/${repeat} done`);
    }
    rows.push(medianRow(runs));
  }
  console.log('| scale | chunks | full build s | settled KB/chunk | live heap KB/chunk | peak KB/chunk | peak / settled | apply: add article ms | edit ms | delete ms | indexer exit → ranked: add s | delete s | search p50 ms | p95 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.scale}× | ${r.chunks} | ${r.buildS.toFixed(1)} | ${(r.settledBytesPerChunk / 1024).toFixed(2)} | ${(r.liveBytesPerChunk / 1024).toFixed(2)} | ${(r.peakBytesPerChunk / 1024).toFixed(2)} | ` +
        `${r.peakRatio.toFixed(2)} | ${r.addMs.toFixed(1)} | ${r.editMs.toFixed(1)} | ${r.deleteMs.toFixed(1)} | ${r.e2eAddS.toFixed(2)} | ${r.e2eDeleteS.toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
