/**
 * `npm run bench:api`: the same query mix against Meilisearch directly and through the proxy, in
 * one run on one index, printing both and their ratio.
 *
 *   1. throughput at concurrency 32, proxy cache off      (target: proxy ≥ 0.8 × direct)
 *   2. throughput at concurrency 32, proxy cache hits     (target: proxy ≥ 10 × direct; repeats
 *      of a URL are answered before Express, see server/http/fast-hits.ts — the share is printed)
 *   3. p50 latency at concurrency 1, requests interleaved (target: proxy − direct ≤ 1 ms)
 *   4. throughput at concurrency 32, proxy cache hits asked for as a browser does
 *      (`accept-encoding: gzip, deflate, br`; no target: direct stays uncompressed, see §7 of
 *      meilisearch-facts for why the engine is never asked to compress)
 *
 * Queries are Russian words drawn at run time from ../shared/corpus/rt.jsonl.gz (never copied into
 * the repo). "Direct" is one Meilisearch search per query with the options the proxy answers with
 * (see directRequest); the proxy waits until its ranking index is built before it is measured.
 * The proxy runs as its own process (`server/main.ts`), as in production, with request logging on.
 * Options: BENCH_ARTICLES (3000), BENCH_SECONDS (10), BENCH_LATENCY_REQUESTS (1000),
 * BENCH_POOL (`mixed`: 200 queries, a third of them two words; `single`: 5,000 distinct single words,
 * what readers type most), BENCH_BASELINE (another checkout, e.g. a worktree of an older commit:
 * its proxy, cache off, is measured against this one's at c=32, alternated BENCH_ROUNDS (3) times
 * on the same engine and index, and the ratio printed);
 *
 *
 * BENCH_MODE=analytics: search analytics on vs off (ANALYTICS=on|off), nothing else different,
 * alternated in one run: cache-hit req/s at c=32 in BENCH_ROUNDS (3) alternating rounds (target on ≥ 0.98 × off),
 * and miss-path p50 at c=1 with requests interleaved between the two (target on/off ≤ 1.01).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createReadStream, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import autocannon from 'autocannon';
import { sourceHash } from '../indexer/read.js';
import split2 from 'split2';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureSearchKey } from '../core/engine/keys.js';
import { ensureIndex } from '../core/engine/settings.js';
import type { Article } from '../core/document.js';
import { articleToChunks } from '../indexer/chunks.js';
import { procStatCpuMs } from '../indexer/cpu.js';
import { toArticle } from '../indexer/parse/index.js';
import { RETRIEVED_FIELDS, TEXT_FIELDS, engineHighlight } from '../server/search/source.js';
import { FACETS } from '../server/search/engine-query.js';

const CORPUS = path.resolve('../shared/corpus/rt.jsonl.gz');
const ARTICLES = Number(process.env['BENCH_ARTICLES'] ?? 3000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const LATENCY_REQUESTS = Number(process.env['BENCH_LATENCY_REQUESTS'] ?? 1000);
const POOL = process.env['BENCH_POOL'] === 'single' ? 'single' : 'mixed';
const BASELINE = process.env['BENCH_BASELINE'];
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const INDEX = 'bench';
const QUERY_COUNT = POOL === 'single' ? 5000 : 200;
/** Queries asked once before the runs (engine warm-up and the cache filled for the cache-hit run). */
const WARM_UP = 200;

interface CorpusRecord {
  url: string;
  title: string;
  keywords?: string[];
  content: string;
}

async function readArticles(limit: number): Promise<Article[]> {
  const articles: Article[] = [];
  const lines = createReadStream(CORPUS).pipe(createGunzip()).pipe(split2());
  for await (const line of lines as AsyncIterable<string>) {
    if (articles.length >= limit) break;
    const record = JSON.parse(line) as CorpusRecord;
    const paragraphs = record.content.split('\n').map((p) => p.trim()).filter(Boolean);
    if (paragraphs.length === 0) continue;
    const parsed = { title: record.title, url: record.url, slug: undefined, date: undefined, tags: (record.keywords ?? []).slice(0, 5), place: undefined, agency: undefined, source: undefined, paragraphs };
    articles.push(toArticle(parsed, `${CORPUS}:${articles.length + 1}`, undefined, sourceHash(line)));
  }
  lines.destroy();
  return articles;
}

/** Deterministic pick of distinct Cyrillic words (≥ 5 letters), one or two per query (or one only: BENCH_POOL=single). */
function queryMix(articles: Article[]): string[] {
  const words = new Set<string>();
  for (const article of articles) {
    for (const word of article.sections.flatMap((s) => s.paragraphs).join(' ').toLowerCase().match(/[а-яё]{5,}/g) ?? []) words.add(word);
  }
  const all = [...words];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const queries: string[] = [];
  if (POOL === 'single') {
    const picked = new Set<string>();
    while (picked.size < Math.min(QUERY_COUNT, all.length)) picked.add(all[Math.floor(next() * all.length)]!);
    return [...picked];
  }
  while (queries.length < QUERY_COUNT) {
    const a = all[Math.floor(next() * all.length)]!;
    queries.push(queries.length % 3 === 2 ? `${a} ${all[Math.floor(next() * all.length)]!}` : a);
  }
  return queries;
}

interface Target {
  name: string;
  url: string;
  request(q: string): { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };
}

/**
 * What a site would send to Meilisearch without the proxy: one search for `q` on the original
 * fields, with the highlight/crop options, retrieved fields, page size and facets the proxy
 * answers with. The proxy does more per query (morphology, ranking over the whole index, snippets
 * on the original text); this is the engine work it competes with.
 */
function directRequest(q: string): { path: string; body: string } {
  const body = {
    q,
    limit: 10,
    attributesToSearchOn: [...TEXT_FIELDS],
    attributesToRetrieve: [...RETRIEVED_FIELDS],
    facets: [FACETS.tags, FACETS.years],
    ...engineHighlight(),
  };
  return { path: `/indexes/${INDEX}/search`, body: JSON.stringify(body) };
}

function directTarget(engineUrl: string, key: string): Target {
  return {
    name: 'direct',
    url: engineUrl,
    request: (q) => ({ method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...directRequest(q) }),
  };
}

function proxyTarget(name: string, url: string, headers: Record<string, string> = {}): Target {
  return { name, url, request: (q) => ({ method: 'GET', path: `/api/search?q=${encodeURIComponent(q)}`, headers }) };
}

/** CPU time (user + system) a process has used, in µs, from /proc (clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  return (procStatCpuMs(`/proc/${pid}/stat`) ?? 0) * 1000;
}

interface RunResult {
  rps: number;
  errors: number;
  /** CPU µs per request spent by each watched process: robust to other load on the machine. */
  cpuPerRequest: number[];
}

async function throughput(target: Target, queries: string[], connections: number, watched: number[]): Promise<RunResult> {
  const before = watched.map(cpuMicros);
  let i = 0;
  const result = await autocannon({
    url: target.url,
    connections,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, ...target.request(queries[i++ % queries.length]!) }) }],
  });
  const after = watched.map(cpuMicros);
  return {
    rps: result.requests.average,
    errors: result.errors + result.non2xx,
    cpuPerRequest: watched.map((_, k) => (after[k]! - before[k]!) / Math.max(1, result.requests.total)),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once(target: Target, q: string): Promise<number> {
  const spec = target.request(q);
  const url = new URL(spec.path, target.url);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request(url, { method: spec.method, headers: spec.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${target.name}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Sequential requests alternating between the two targets, so machine noise hits both alike. */
async function interleavedLatency(a: Target, b: Target, queries: string[]): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const q = queries[i % queries.length]!;
    times[0].push(await once(a, q));
    times[1].push(await once(b, q));
  }
  return [median(times[0]), median(times[1])];
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Proxy {
  url: string;
  child: ChildProcess;
}

async function startProxy(engineUrl: string, masterKey: string, dataDir: string, cacheEntries: number, env: Record<string, string> = {}, checkout = process.cwd()): Promise<Proxy> {
  const port = await freePort();
  // Logs go to a file: a pipe read by this (busy) process would fill up and block the proxy's writes.
  const log = openSync(path.join(dataDir, `proxy-${port}.log`), 'a');
  // BENCH_PROXY_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the proxies.
  const nodeArgs = (process.env['BENCH_PROXY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    cwd: checkout,
    env: {
      ...process.env,
      MEILI_URL: engineUrl,
      MEILI_MASTER_KEY: masterKey,
      INDEX_UID: INDEX,
      SKIP_INDEX_ON_START: 'true',
      PORT: String(port),
      // Each proxy its own data folder: a baseline build must not read this one's ranking snapshot.
      DATA_DIR: path.join(dataDir, `proxy-${port}`),
      RATE_LIMIT: '0',
      CACHE_ENTRIES: String(cacheEntries),
      LOG_LEVEL: 'info',
      LOG_QUERIES: 'false',
      ...env,
    },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  // Up to 10 minutes: a build of the index on a busy shared machine can take that long.
  for (let i = 0; i < 6000; i++) {
    if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}`);
    // Ready = the engine answers and the ranking index is built (searches take the fast path).
    const ready = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
    if (/^ranking_index_chunks [1-9]/m.test(ready)) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('proxy did not become ready');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function stopProxy(proxy: Proxy): Promise<void> {
  const exited = new Promise((resolve) => proxy.child.once('exit', resolve));
  proxy.child.kill('SIGTERM');
  await exited;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

/**
 * This build's proxy (cache off) against BENCH_BASELINE's, alternated ROUNDS times with the engine
 * direct in between, at c=32: machine noise hits all three alike. Returns the errors seen.
 */
async function compareWithBaseline(engine: { url: string; masterKey: string }, dataDir: string, direct: Target, current: Target, currentPid: number, queries: string[], proxies: Proxy[]): Promise<number> {
  const old = await startProxy(engine.url, engine.masterKey, dataDir, 0, {}, path.resolve(BASELINE!));
  proxies.push(old);
  const baseline = proxyTarget('baseline (cache off)', old.url);
  for (const q of queries.slice(0, WARM_UP)) await once(baseline, q);
  const rps: [number[], number[], number[]] = [[], [], []];
  // CPU per request of the proxy process itself: what other load on a shared machine barely moves.
  const cpu: [number[], number[]] = [[], []];
  const pids = [currentPid, old.child.pid!];
  let errors = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, target] of [current, baseline, direct].entries()) {
      const run = await throughput(target, queries, 32, k < 2 ? [pids[k]!] : []);
      rps[k]!.push(run.rps);
      if (k < 2) cpu[k]!.push(run.cpuPerRequest[0]!);
      errors += run.errors;
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\nc=32 req/s, cache off, ${POOL} pool, alternated ${ROUNDS}×: this build / baseline (${BASELINE}) / direct`);
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`  round ${round + 1}: ${fmt(rps[0][round]!)} / ${fmt(rps[1][round]!)} / ${fmt(rps[2][round]!)}  → ${fmt(rps[0][round]! / rps[1][round]!, 2)}× baseline, ${fmt(rps[0][round]! / rps[2][round]!, 2)}× direct`);
  }
  console.log(`  mean: ${fmt(mean(rps[0]) / mean(rps[1]), 2)}× baseline (target ≥ 1.3×), ${fmt(mean(rps[0]) / mean(rps[2]), 2)}× direct (target ≥ 0.8×); baseline ${fmt(mean(rps[1]) / mean(rps[2]), 2)}× direct`);
  console.log(`  proxy CPU per request: this build ${fmt(mean(cpu[0]))} µs, baseline ${fmt(mean(cpu[1]))} µs → ${fmt(mean(cpu[1]) / mean(cpu[0]), 2)}× less work per request`);
  return errors;
}

/** BENCH_MODE=analytics (see the header): the same proxy with analytics on and off, alternated. */
async function analyticsMode(engineUrl: string, masterKey: string, dataDir: string, queries: string[]): Promise<Proxy[]> {
  const on = { ANALYTICS: 'on', ANALYTICS_FLUSH_MS: '5000' };
  const off = { ANALYTICS: 'off' };
  const proxies = [
    await startProxy(engineUrl, masterKey, dataDir, 10_000, on),
    await startProxy(engineUrl, masterKey, dataDir, 10_000, off),
    await startProxy(engineUrl, masterKey, dataDir, 0, on),
    await startProxy(engineUrl, masterKey, dataDir, 0, off),
  ];
  const [hitOn, hitOff, missOn, missOff] = proxies.map((p, i) => proxyTarget(['hits, on', 'hits, off', 'miss, on', 'miss, off'][i]!, p.url));
  for (const q of queries) for (const t of [hitOn!, hitOff!, missOn!, missOff!]) await once(t, q);
  const rounds = ROUNDS;
  const rps = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so a trend in machine load favours neither.
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const which of order) rps[which].push((await throughput(which === 'on' ? hitOn! : hitOff!, queries, 32, [])).rps);
  }
  const [p50On, p50Off] = await interleavedLatency(missOn!, missOff!, queries);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const hitRatio = sum(rps.on) / sum(rps.off);
  console.log(`analytics on vs off, ${rounds} alternating rounds of ${SECONDS}s each`);
  console.log(`cache hits c=32 req/s: on ${rps.on.map((r) => fmt(r)).join(', ')}; off ${rps.off.map((r) => fmt(r)).join(', ')}; on/off ${fmt(hitRatio, 3)} (target ≥ 0.98)`);
  console.log(`miss path c=1 p50 ms (interleaved): on ${fmt(p50On, 3)}, off ${fmt(p50Off, 3)}; on/off ${fmt(p50On / p50Off, 3)} (target ≤ 1.01)`);
  return proxies;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-api-'));
  const engine = await startEmbeddedEngine({ dataDir });
  const proxies: Proxy[] = [];
  try {
    const articles = await readArticles(ARTICLES);
    const chunks = articles.flatMap(articleToChunks);
    const admin = createEngine({ url: engine.url, apiKey: engine.masterKey, timeoutMs: 600_000 });
    await ensureIndex(admin, INDEX);
    await admin.index(INDEX).addDocuments(chunks).waitTask({ timeout: 600_000, interval: 500 });
    const key = await ensureSearchKey(admin, INDEX);
    const queries = queryMix(articles);
    console.log(`index: ${articles.length} articles → ${chunks.length} chunks; ${queries.length} queries; ${SECONDS}s per run; ${os.cpus().length} CPUs`);
    if (process.env['BENCH_MODE'] === 'analytics') {
      proxies.push(...(await analyticsMode(engine.url, engine.masterKey, dataDir, queries)));
      return;
    }

    const direct = directTarget(engine.url, key);
    const uncached = await startProxy(engine.url, engine.masterKey, dataDir, 0);
    proxies.push(uncached);
    const cached = await startProxy(engine.url, engine.masterKey, dataDir, 10_000);
    proxies.push(cached);
    const proxyOff = proxyTarget('proxy (cache off)', uncached.url);
    const proxyOn = proxyTarget('proxy (cache hits)', cached.url);
    const proxyOnCompressed = proxyTarget('proxy (cache hits, compressed)', cached.url, { 'accept-encoding': 'gzip, deflate, br' });

    // Warm up the engine and fill the cache with the first queries of the mix.
    for (const q of queries.slice(0, WARM_UP)) {
      await once(direct, q);
      await once(proxyOff, q);
      await once(proxyOn, q);
    }

    // The cache-hit run is only meaningful if the warm-up really filled the cache.
    const probe = await fetch(`${cached.url}/api/search?q=${encodeURIComponent(queries[0]!)}`);
    if (probe.headers.get('x-cache') !== 'hit') throw new Error('the proxy cache did not serve a warmed-up query');
    const d32 = await throughput(direct, queries, 32, [engine.pid]);
    const p32 = await throughput(proxyOff, queries, 32, [engine.pid, uncached.child.pid!]);
    const c32 = await throughput(proxyOn, queries, 32, [engine.pid, cached.child.pid!]);
    const [d1, p1] = await interleavedLatency(direct, proxyOff, queries);
    const z32 = await throughput(proxyOnCompressed, queries, 32, [engine.pid, cached.child.pid!]);

    const rows = [
      ['run', 'direct', 'proxy', 'ratio', 'target'],
      ['c=32 req/s, cache off', fmt(d32.rps), fmt(p32.rps), `${fmt(p32.rps / d32.rps, 2)}×`, '≥ 0.8×'],
      ['c=32 req/s, cache hits', fmt(d32.rps), fmt(c32.rps), `${fmt(c32.rps / d32.rps, 1)}×`, '≥ 10×'],
      ['c=1 p50 ms (interleaved)', fmt(d1, 2), fmt(p1, 2), `+${fmt(p1 - d1, 2)} ms`, '≤ +1 ms'],
      ['c=32 req/s, hits, gzip/br', fmt(d32.rps), fmt(z32.rps), `${fmt(z32.rps / d32.rps, 1)}×`, '—'],
    ];
    for (const row of rows) console.log(row.map((c, i) => c.padEnd(i === 0 ? 26 : 10)).join(' '));
    const us = (n: number) => `${fmt(n)} µs`;
    console.log(
      `CPU per request (c=32): direct — engine ${us(d32.cpuPerRequest[0]!)}; ` +
        `cache off — engine ${us(p32.cpuPerRequest[0]!)} + proxy ${us(p32.cpuPerRequest[1]!)}; ` +
        `cache hits — proxy ${us(c32.cpuPerRequest[1]!)}; compressed cache hits — proxy ${us(z32.cpuPerRequest[1]!)}`,
    );
    const exposed = await (await fetch(`${cached.url}/metrics`)).text();
    const metric = (pattern: RegExp) => Number(pattern.exec(exposed)?.[1] ?? 0);
    const hits = metric(/^search_cache_requests_total\{result="hit"\} (\d+)/m);
    const fast = metric(/^search_cache_fast_hits_total (\d+)/m);
    console.log(`cache hits answered before Express (server/http/fast-hits.ts): ${fast} of ${hits} (${fmt((100 * fast) / Math.max(1, hits), 1)}%)`);
    let errors = d32.errors + p32.errors + c32.errors + z32.errors;
    if (BASELINE) errors += await compareWithBaseline(engine, dataDir, direct, proxyOff, uncached.child.pid!, queries, proxies);
    if (errors > 0) console.log(`errors or non-2xx responses during the runs: ${errors}`);
  } finally {
    for (const proxy of proxies) await stopProxy(proxy);
    await engine.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
