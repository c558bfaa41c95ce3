/**
 * `npm run bench:memory [-- --scales 1,2 --heap-mb 256]`: the real server's memory, measured from
 * outside as process RSS, against a real engine.
 *
 * Per scale (1× = the shared corpus, rt + ng, ~50k section chunks; 2× = the same chunks again with
 * new ids): the chunks go into an embedded engine, then `sh bin/start.sh` (what `npm start` and the
 * container run: the default heap limit, or NODE_HEAP_MB from --heap-mb) serves them from `dist/`.
 * Once its ranking index is built: a fixed search mix (BENCH_SEARCHES, default 5,000 at c=4: single
 * words and word pairs from the corpus, the response cache on) while an editor indexes a new
 * article three times (the real indexer CLI, `dist/indexer.js`), then BENCH_IDLE_S (30) idle seconds.
 * Printed: max RSS (the kernel's high-water mark, build included), settled RSS (the last idle
 * samples), live heap and external memory (the server's /metrics after the idle time), and how many
 * samples found the ranking index not serving after it was first built (target 0).
 * Targets at 1× with the defaults: max RSS ≤ 400 MB, settled ≤ 250 MB (issue 28).
 * BENCH_ARTICLES limits the corpus (a quick run); run `npm run build` first. BENCH_ENGINE_DIR keeps
 * the engine's data there (one folder per scale) so a second run (another --heap-mb) skips the
 * indexing, which takes most of a run at 2×.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureIndex } from '../core/engine/settings.js';
import { readCorpus, recordToChunks } from './relevance-eval.js';

const CORPORA = ['../shared/corpus/rt.jsonl.gz', '../shared/corpus/ng.jsonl.gz'];
const INDEX = 'memory';
const SEARCHES = Number(process.env['BENCH_SEARCHES'] ?? 5000);
const IDLE_S = Number(process.env['BENCH_IDLE_S'] ?? 30);
const LIMIT = process.env['BENCH_ARTICLES'] ? Number(process.env['BENCH_ARTICLES']) : undefined;
const BATCH = 5000;

interface Sample {
  rss: number;
  hwm: number;
}

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc. */
function memoryOf(pid: number): Sample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function metrics(url: string): Promise<string> {
  return fetch(`${url}/metrics`).then((r) => r.text(), () => '');
}

const metric = (text: string, name: string): number => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);

/** Single words and pairs of them (≥ 5 letters) drawn deterministically from the chunks' text. */
function searchMix(texts: string[]): string[] {
  const words = [...new Set(texts.join(' ').toLowerCase().match(/[а-яё]{5,}/g) ?? [])];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: 2000 }, (_, i) => {
    const a = words[Math.floor(next() * words.length)]!;
    return i % 3 === 2 ? `${a} ${words[Math.floor(next() * words.length)]!}` : a;
  });
}

interface Result {
  scale: number;
  chunks: number;
  maxRss: number;
  settledRss: number;
  heapUsed: number;
  external: number;
  notServing: number;
  heapLimitMb: string;
  errors: number;
}

/** Runs the real indexer CLI as an editor would, without blocking this process's load generator. */
function runIndexer(file: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/indexer.js', file], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`editor's run failed (${code}): ${stderr}`))));
  });
}

async function measure(scale: number, heapMb: string | undefined): Promise<Result> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-memory-'));
  const keptEngine = process.env['BENCH_ENGINE_DIR'];
  const engineDir = keptEngine ? path.resolve(keptEngine, `scale-${scale}${LIMIT ? `-${LIMIT}` : ''}`) : path.join(dataDir, 'engine');
  mkdirSync(engineDir, { recursive: true });
  const engine = await startEmbeddedEngine({ dataDir: engineDir });
  let server: ChildProcess | undefined;
  try {
    const admin = createEngine({ url: engine.url, apiKey: engine.masterKey, timeoutMs: 3_600_000 });
    await ensureIndex(admin, INDEX);
    const records = (await Promise.all(CORPORA.map((f) => readCorpus(f, LIMIT)))).flat();
    const base = records.flatMap(recordToChunks);
    const chunks = base.length * scale;
    const stored = (await admin.index(INDEX).getStats()).numberOfDocuments;
    if (stored < chunks) {
      for (let copy = 0; copy < scale; copy++) {
        const docs = base.map((c) => (copy === 0 ? c : { ...c, id: `${c.id}-x${copy}`, articleId: `${c.articleId}-x${copy}` }));
        for (let i = 0; i < docs.length; i += BATCH) {
          await admin.index(INDEX).addDocuments(docs.slice(i, i + BATCH)).waitTask({ timeout: 3_600_000, interval: 1000 });
        }
      }
    }
    const queries = searchMix(base.slice(0, 3000).map((c) => c.text));
    const env = { ...process.env, MEILI_URL: engine.url, MEILI_MASTER_KEY: engine.masterKey, INDEX_UID: INDEX };
    const inputs = path.join(dataDir, 'inputs');
    // The chunks went in directly (the indexer would take an hour at 2×); one editor's run makes what
    // a real site has beside them, the change log, so the server follows changes instead of re-reading all.
    await writeFile(inputs + '.md', '# Ледокол «Арктика» вышел из порта\n\nКараван судов ждёт ледокол.\n');
    await runIndexer(inputs + '.md', env);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = openSync(path.join(dataDir, 'server.log'), 'a');
    server = spawn('sh', ['bin/start.sh'], {
      env: { ...env, SKIP_INDEX_ON_START: 'true', PORT: String(port), DATA_DIR: path.join(dataDir, 'server'), RATE_LIMIT: '0', HEALTH_RATE_LIMIT: '0', LOG_LEVEL: 'warn', ...(heapMb && { NODE_HEAP_MB: heapMb }) },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const pid = server.pid!;
    // Ready: the ranking index serves (its chunks are in the metrics).
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}; see ${dataDir}/server.log`);
      if (metric(await metrics(url), 'ranking_index_chunks') > 0) break;
      await sleep(500);
    }
    const heapLimitMb = /--max-old-space-size=(\d+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '))?.[1] ?? 'node default';
    const samples: Sample[] = [];
    let notServing = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const sample = memoryOf(pid);
        if (sample) samples.push(sample);
        if (!(metric(await metrics(url), 'ranking_index_chunks') > 0)) notServing++;
        await sleep(500);
      }
    })();
    // The editor: one new article indexed three times (new, edited, edited again) during the searches.
    const editor = (async () => {
      for (let run = 0; run < 3; run++) {
        await sleep(2000);
        await writeFile(path.join(inputs + '.md'), `# Ледокол «Арктика» прибыл в порт ${run}\n\nКараван судов прошёл Северным морским путём, ледокол провёл ${run + 3} судна.\n`);
        await runIndexer(inputs + '.md', env);
      }
    })();
    let i = 0;
    const searched = await autocannon({
      url,
      connections: 4,
      amount: SEARCHES,
      requests: [{ setupRequest: (req) => ({ ...req, path: `/api/search?q=${encodeURIComponent(queries[i++ % queries.length]!)}` }) }],
    });
    await editor;
    const idleFrom = samples.length;
    await sleep(IDLE_S * 1000);
    sampling = false;
    await sampler;
    const exposed = await metrics(url);
    if (notServing > 0 || !exposed) {
      // Say why: the server's warnings (over budget, index set aside, a failed update).
      const lines = readFileSync(path.join(dataDir, 'server.log'), 'utf8').split('\n').filter((l) => /"level":(40|50|60)|error/i.test(l));
      console.log(`scale ${scale}: ${notServing} samples not serving; server warnings (last 5 of ${lines.length}):\n${lines.slice(-5).join('\n')}`);
    }
    const idle = samples.slice(Math.max(idleFrom, samples.length - 20));
    return {
      scale,
      chunks,
      maxRss: Math.max(...samples.map((s) => s.hwm)),
      settledRss: idle.reduce((sum, s) => sum + s.rss, 0) / Math.max(1, idle.length),
      heapUsed: metric(exposed, 'nodejs_heap_size_used_bytes'),
      external: metric(exposed, 'nodejs_external_memory_bytes'),
      notServing,
      heapLimitMb,
      errors: searched.errors + searched.non2xx,
    };
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scales: { type: 'string', default: '1,2' }, 'heap-mb': { type: 'string' } } });
  const scales = values.scales.split(',').map(Number);
  if (scales.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`--scales: whole numbers ≥ 1, comma-separated (got "${values.scales}")`);
  console.log(`${SEARCHES} searches at c=4 + 3 editor runs, then ${IDLE_S} s idle; ${os.cpus().length} CPUs${LIMIT ? `; ${LIMIT} articles per corpus` : ''}`);
  console.log('| scale | chunks | heap limit MB | max RSS MB | settled RSS MB | live heap MB | external MB | samples not serving | errors |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const scale of scales) {
    const r = await measure(scale, values['heap-mb']);
    const mb = (n: number) => (n / 1e6).toFixed(0);
    console.log(`| ${r.scale}× | ${r.chunks} | ${r.heapLimitMb} | ${mb(r.maxRss)} | ${mb(r.settledRss)} | ${mb(r.heapUsed)} | ${mb(r.external)} | ${r.notServing} | ${r.errors} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
