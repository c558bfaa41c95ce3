/**
 * Same answers before and after a refactoring (issue 20): one fixed index, one server build at a
 * time, every dev query through the HTTP API, the response bodies written as they came (timing
 * fields excepted), and a byte-for-byte comparison of two such runs.
 *
 *   tsx scripts/compare-answers.ts record --server DIR --out FILE [--ranking off] [--data-dir DIR] [--port N]
 *       [--corpus ../shared/corpus/rt.jsonl.gz --limit-articles 1000] [--queries ../shared/corpus/dev-queries.jsonl]
 *   tsx scripts/compare-answers.ts diff BEFORE AFTER
 *
 * `record` loads the first --limit-articles corpus articles (the project's chunking, the corpus
 * rule of scripts/relevance-eval.ts) into an embedded engine under --data-dir (reused when it
 * already holds them), starts DIR's `dist/server.js` against that engine with SKIP_INDEX_ON_START
 * (so a checkout of the previous commit answers over the very same index), and asks each query
 * in four forms: as given, group=article, the first words as typed (prefix), and sorted by date
 * with a tag filter. `--ranking off` sets RANKING_MEMORY_MB=0 (the path without the ranking index).
 * Corpus text stays in the data dir and the output file, never in the repository.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ChunkDocument } from '../core/document.js';
import { createEngine, type Engine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureIndex } from '../core/engine/settings.js';
import { applySynonyms, shippedSynonyms } from '../indexer/synonyms.js';
import { clipQuery } from '../core/query-length.js';
import { readCorpus, readQueries, recordToChunks } from './relevance-eval.js';

const INDEX_UID = 'compare_answers';
const TASK_TIMEOUT_MS = 10 * 60_000;

async function record(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string', default: '.' },
      out: { type: 'string' },
      ranking: { type: 'string', default: 'on' },
      'data-dir': { type: 'string', default: '/tmp/compare-answers' },
      port: { type: 'string', default: '42310' },
      corpus: { type: 'string', default: '../shared/corpus/rt.jsonl.gz' },
      'limit-articles': { type: 'string', default: '1000' },
      queries: { type: 'string', default: '../shared/corpus/dev-queries.jsonl' },
    },
  });
  if (!values.out) throw new Error('record: --out FILE is required');
  const dataDir = path.resolve(values['data-dir']);
  await mkdir(dataDir, { recursive: true });
  const records = await readCorpus(values.corpus, Number(values['limit-articles']));
  const chunks = records.flatMap(recordToChunks);
  const queries = (await readQueries(values.queries)).map((q) => clipQuery(q.q));
  const engine = await startEmbeddedEngine({ dataDir: path.join(dataDir, 'engine') });
  let server: ChildProcess | undefined;
  try {
    const admin = createEngine({ url: engine.url, apiKey: engine.masterKey, timeoutMs: 120_000 });
    await loadIndex(admin, chunks);
    const port = Number(values.port);
    // A fresh server data dir: the ranking index is built from the engine, never loaded from a snapshot.
    await rm(path.join(dataDir, `server-${port}`), { recursive: true, force: true });
    server = spawn(process.execPath, [path.resolve(values.server, 'dist/server.js')], {
      cwd: path.resolve(values.server),
      env: {
        PATH: process.env['PATH'],
        MEILI_URL: engine.url,
        MEILI_MASTER_KEY: engine.masterKey,
        INDEX_UID,
        DATA_DIR: path.join(dataDir, `server-${port}`),
        PORT: String(port),
        SKIP_INDEX_ON_START: 'true',
        RATE_LIMIT: '0',
        CACHE_ENTRIES: '0',
        // info: the "ranking index built" line tells when the ranking index answers (waitReady).
        LOG_LEVEL: 'info',
        LOG_QUERIES: 'false',
        ENGINE_TIMEOUT_MS: '30000',
        ...(values.ranking === 'off' && { RANKING_MEMORY_MB: '0' }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let log = '';
    server.stdout!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-100_000)));
    const base = `http://127.0.0.1:${port}`;
    await waitReady(base, server, () => values.ranking === 'off' || log.includes('"msg":"ranking index built"'));
    const lines: string[] = [];
    for (const q of queries) {
      for (const params of forms(q)) {
        const url = `${base}/api/search?${new URLSearchParams(params)}`;
        const response = await fetch(url);
        const body = (await response.text()).replace(/"processingTimeMs":\d+,?/g, '');
        lines.push(`${JSON.stringify(params)}\t${response.status}\t${body}`);
      }
    }
    await writeFile(values.out, `${lines.join('\n')}\n`);
    console.log(`${queries.length} queries, ${lines.length} requests → ${values.out} (${chunks.length} chunks, ranking ${values.ranking})`);
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    await engine.stop();
  }
}

/** The forms a query reaches the API in: as given, grouped by article, being typed, and sorted and filtered. */
function forms(q: string): Record<string, string>[] {
  const words = q.split(/\s+/).filter(Boolean);
  const typing = words.length > 1 ? `${words.slice(0, 2).join(' ')} ${(words[2] ?? '').slice(0, 3)}`.trim() : q.slice(0, Math.max(2, q.length - 2));
  return [
    { q, limit: '10' },
    { q, limit: '10', group: 'article' },
    { q: typing, limit: '5' },
    { q, limit: '10', sort: 'date', offset: '2' },
  ];
}

async function loadIndex(admin: Engine, chunks: ChunkDocument[]): Promise<void> {
  const stats = await admin.index(INDEX_UID).getStats().catch(() => undefined);
  // The shipped synonyms in the settings and the change log, as the indexer publishes them.
  if (stats?.numberOfDocuments === chunks.length) return void (await applySynonyms(admin, INDEX_UID, await shippedSynonyms()));
  await admin.deleteIndex(INDEX_UID).waitTask({ timeout: TASK_TIMEOUT_MS }).catch(() => undefined);
  await ensureIndex(admin, INDEX_UID);
  const task = await admin.index(INDEX_UID).addDocuments(chunks).waitTask({ timeout: TASK_TIMEOUT_MS, interval: 200 });
  if (task.status !== 'succeeded') throw new Error(`indexing task ${task.uid} ${task.status}: ${task.error?.message ?? ''}`);
  await applySynonyms(admin, INDEX_UID, await shippedSynonyms());
}

/** Ready, and (with the ranking index) ranking: answers given while it builds would come from the engine. */
async function waitReady(base: string, server: ChildProcess, ranking: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = ranking() && (await fetch(`${base}/readyz`).then((r) => r.ok, () => false));
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not become ready in 120 s');
}

async function diff(before: string, after: string): Promise<void> {
  const [a, b] = await Promise.all([before, after].map(async (f) => (await readFile(f, 'utf8')).split('\n')));
  if (a!.length !== b!.length) console.log(`line counts differ: ${a!.length} vs ${b!.length}`);
  let differing = 0;
  for (let i = 0; i < Math.min(a!.length, b!.length); i++) {
    if (a![i] === b![i]) continue;
    differing++;
    if (differing <= 10) console.log(`line ${i + 1}: ${a![i]!.split('\t')[0]}\n  before: ${a![i]!.slice(0, 400)}\n  after:  ${b![i]!.slice(0, 400)}`);
  }
  console.log(`${differing} of ${a!.length - 1} answers differ`);
  if (differing > 0) process.exitCode = 1;
}

const [command, ...rest] = process.argv.slice(2);
const run = command === 'record' ? record(rest) : command === 'diff' && rest.length === 2 ? diff(rest[0]!, rest[1]!) : Promise.reject(new Error('usage: compare-answers.ts record … | diff BEFORE AFTER'));
run.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
