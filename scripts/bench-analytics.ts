/**
 * `npm run bench:analytics`: the editors' dashboard (GET /admin/search, server/routes/analytics.ts)
 * over 30 days × 20,000 distinct queries a day (BENCH_DAYS, BENCH_QUERIES_PER_DAY), in the
 * embedded SQLite store and, when redis-server is on PATH, the Redis store (BENCH_STORES=sqlite|redis: one). Prints the median and
 * worst time of BENCH_RUNS (5) dashboard requests, answered by the real route over loopback
 * (target ≤ 500 ms), and the CSV export of the top queries. The route runs in this process, so its
 * CPU time per request (process.cpuUsage, user + system: with SQLite that includes the store's
 * worker thread) is printed too: on a shared machine the wall time also holds the time other
 * processes had the cores (the load average is printed). Also the event loop's longest stall while
 * the dashboard is read and while a flush is written (what searches would wait), and a flush's time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';
import { RedisAnalyticsStore } from '../server/analytics/redis-store.js';
import { SqliteAnalyticsStore } from '../server/analytics/sqlite-store.js';
import { addDays, dayOf, type AnalyticsStore, type FlushBatch } from '../server/analytics/store.js';
import { analyticsReportRoutes } from '../server/routes/analytics.js';
import { findRedisServer, startRedis } from '../tests/support/redis.js';
import { createLogger } from '../core/logger.js';
import { memoryKeys } from '../server/analytics/client-key.js';
import { SearchAnalytics } from '../server/analytics/collector.js';

const DAYS = Number(process.env['BENCH_DAYS'] ?? 30);
const PER_DAY = Number(process.env['BENCH_QUERIES_PER_DAY'] ?? 20_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** Which stores to measure (default both, side by side in one run). */
const STORES = (process.env['BENCH_STORES'] ?? 'sqlite,redis').split(',');
const FLUSH_QUERIES = Number(process.env['BENCH_FLUSH_QUERIES'] ?? 2_000);
const TOKEN = 'bench-analytics-token-000';

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const SYLLABLES = ['ра', 'ко', 'ми', 'ст', 'ло', 'ве', 'ны', 'ту', 'пе', 'за', 'ри', 'до', 'са', 'ле', 'бо', 'ги', 'че', 'шу', 'ха', 'ды'];
const word = (i: number) => {
  let w = '';
  for (let n = i + 20; n > 0; n = Math.floor(n / 20)) w += SYLLABLES[n % 20];
  return w;
};

/** One day's flush-sized batches: PER_DAY distinct queries from a pool twice that size (days overlap). */
function dayBatch(day: string): FlushBatch {
  const batch: FlushBatch = { queries: [], spellings: [], facts: [] };
  const start = Math.floor(random() * PER_DAY);
  for (let i = 0; i < PER_DAY; i++) {
    const id = (start + i) % (PER_DAY * 2);
    const key = id % 3 === 0 ? `${word(id)} ${word(id + 7)}` : word(id);
    const searches = 1 + Math.floor(40 / (1 + (id % 97)));
    const clicks = Math.floor(searches * random());
    batch.queries.push({ day, key, counts: { answers: searches * 3, searches, searchesZero: id % 11 === 0 ? searches : 0, clicks, noClicks: searches - clicks, clients: id % 4 === 0 ? 5 : 1 } });
    batch.spellings.push({ day, key, text: key, n: searches });
  }
  for (let p = 1; p <= 25; p++) batch.facts.push({ day, kind: 'position', key: p <= 10 ? String(p) : p <= 20 ? '11-20' : '21+', sub: '', n: 100 - p });
  for (let a = 0; a < 500; a++) batch.facts.push({ day, kind: 'article', key: `article-${a}`, sub: '', n: 1 + (a % 17) });
  for (let c = 0; c < 200; c++) batch.facts.push({ day, kind: 'correction', key: word(c * 4), sub: `${c % 3 ? 'accepted' : 'rejected'}\u001f${word(c * 4 + 1)}`, n: 1 + (c % 5) });
  for (let r = 0; r < 300; r++) batch.facts.push({ day, kind: 'reformulation', key: word(r * 4), sub: word(r * 4 + 8), n: 1 + (r % 4) });
  for (const [k, v] of [['tag', 'политика'], ['tag', 'экономика'], ['sort', 'date'], ['group', 'article'], ['from', '']]) batch.facts.push({ day, kind: 'filter', key: k!, sub: v!, n: 50 });
  for (const [k, n] of [['answers', PER_DAY * 9], ['searches', PER_DAY * 3], ['zero', PER_DAY / 4], ['clicks', PER_DAY]] as const) batch.facts.push({ day, kind: 'total', key: k, sub: '', n });
  return batch;
}

async function fill(store: AnalyticsStore, today: string): Promise<number> {
  const started = performance.now();
  for (let d = DAYS - 1; d >= 0; d--) {
    const day = addDays(today, -d);
    await store.add(dayBatch(day), day, 5);
  }
  return performance.now() - started;
}

/** Redis's own CPU time so far, in ms (INFO cpu: user + sys): its share of a dashboard read, beside ours. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const seconds = (field: string) => Number(new RegExp(`^${field}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
}

async function measure(name: string, store: AnalyticsStore, storeCpuMs?: () => Promise<number>): Promise<void> {
  const today = dayOf(Date.now());
  const fillMs = await fill(store, today);
  const app = express();
  app.use(analyticsReportRoutes(store, { tokens: [TOKEN], allow: 'any' }));
  const server: Server = await new Promise((resolve) => {
    const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const time = async (url: string) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const res = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = await res.text();
    const used = process.cpuUsage(cpu);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, bytes: Buffer.byteLength(body) };
  };
  const dashboard: Awaited<ReturnType<typeof time>>[] = [];
  const storeCpu: number[] = [];
  // The event loop's longest stall while the dashboard is read (a synchronous store blocks every
  // search for that long), and a flush's: FLUSH_QUERIES distinct queries, what a busy 10 s brings.
  // On a loaded machine the loop also "stalls" while the OS runs other processes: the same monitor
  // over an idle second first gives that baseline.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  loop.disable();
  const idleStallMs = loop.max / 1e6;
  loop.reset();
  loop.enable();
  for (let i = 0; i < RUNS; i++) {
    const before = await storeCpuMs?.();
    dashboard.push(await time('/admin/search'));
    if (before !== undefined) storeCpu.push((await storeCpuMs!()) - before);
  }
  loop.disable();
  const csv = await time('/api/analytics/top-queries.csv?limit=1000');
  const dashboardStallMs = loop.max / 1e6;
  const batches = [0, 1, 2].map(() => {
    const batch = dayBatch(today);
    return { ...batch, queries: batch.queries.slice(0, FLUSH_QUERIES), spellings: batch.spellings.slice(0, FLUSH_QUERIES) };
  });
  loop.reset();
  loop.enable();
  const flushes: number[] = [];
  for (const batch of batches) {
    const started = performance.now();
    await store.add(batch, today, 5);
    flushes.push(performance.now() - started);
  }
  loop.disable();
  server.close();
  const ms = dashboard.map((d) => d.ms).sort((a, b) => a - b);
  const cpuMs = dashboard.map((d) => d.cpuMs).sort((a, b) => a - b);
  const mid = Math.floor(ms.length / 2);
  flushes.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(7)} ${DAYS} days × ${PER_DAY} queries/day (filled in ${(fillMs / 1000).toFixed(1)} s; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs): ` +
      `dashboard median ${ms[mid]!.toFixed(0)} ms wall / ${cpuMs[mid]!.toFixed(0)} ms CPU, worst ${ms.at(-1)!.toFixed(0)} ms wall / ${cpuMs.at(-1)!.toFixed(0)} ms CPU (target ≤ 500 ms)` +
      (storeCpu.length > 0 ? ` + Redis's own CPU median ${storeCpu.sort((a, b) => a - b)[mid]!.toFixed(0)} ms, worst ${storeCpu.at(-1)!.toFixed(0)} ms, ` : ', ') +
      `${(dashboard[0]!.bytes / 1024).toFixed(0)} KiB; top-queries CSV (1000 rows) ${csv.ms.toFixed(0)} ms wall / ${csv.cpuMs.toFixed(0)} ms CPU; ` +
      `longest event-loop stall: idle ${idleStallMs.toFixed(0)} ms, during the dashboard reads ${dashboardStallMs.toFixed(0)} ms; a flush of ${FLUSH_QUERIES} queries median ${flushes[1]!.toFixed(0)} ms, worst ${flushes[2]!.toFixed(0)} ms, ` +
      `longest event-loop stall during them ${(loop.max / 1e6).toFixed(0)} ms`,
  );
}

/**
 * The request path's own cost, in CPU time (robust on a loaded machine): counting a cached answer
 * sent again (answeredBytes: what a cache or fast-path hit adds) and working out a computed
 * answer's facts (tally: what a miss adds), per call, over a mix of 200 queries and 50 clients.
 */
async function requestPathCost(): Promise<void> {
  // An answer's facts as a page of 10 hits and 30 tags in its facets carries them.
  const articles = Array.from({ length: 10 }, (_, i) => `article-${i}`);
  const tags = Array.from({ length: 30 }, (_, i) => `тег-${i}`);
  const answer = (q: string, total: number) => ({ q, total, complete: true, articles, tags });
  const never = new Promise<never>(() => {});
  const store = { add: () => never, answeredSince: () => never, queries: () => never, daily: () => never, facts: () => never, spellings: () => never, visible: () => never, prune: () => Promise.resolve(), close: () => Promise.resolve() } as unknown as AnalyticsStore;
  const analytics = new SearchAnalytics(store, { flushMs: 3_600_000, retentionDays: 395, log: createLogger('silent'), keys: memoryKeys() });
  await analytics.start();
  const queries = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? `${word(i)} ${word(i + 3)}` : `Соглашения ${word(i)}`));
  const bodies = queries.map((q) => {
    const body = Buffer.from(JSON.stringify({ query: q }));
    analytics.remember(body, analytics.tally(answer(q, 5))!);
    return body;
  });
  const clients = Array.from({ length: 50 }, (_, i) => `10.1.${i}.7`);
  const cpu = (fn: () => void, n: number) => {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    return ((used.user + used.system) * 1000) / n;
  };
  const HITS = 2_000_000;
  const hitNs = cpu(() => {
    for (let i = 0; i < HITS; i++) analytics.answeredBytes(bodies[i % 200]!, () => clients[i % 50]);
  }, HITS);
  const MISSES = 50_000;
  const missNs = cpu(() => {
    for (let i = 0; i < MISSES; i++) analytics.tally(answer(queries[i % 200]!, i % 7));
  }, MISSES);
  console.log(
    `request path: a cached answer counted in ${hitNs.toFixed(0)} ns CPU (${((hitNs / 126_000) * 100).toFixed(2)}% of a fast-path hit's 126 µs, docs/api.md); ` +
      `a computed answer's facts in ${(missNs / 1000).toFixed(1)} µs CPU (${((missNs / 2_500_000) * 100).toFixed(2)}% of an uncached search's 2.5 ms, docs/benchmarks.md)`,
  );
  await analytics.stop(10);
}

async function main(): Promise<void> {
  await requestPathCost();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-analytics-'));
  try {
    if (STORES.includes('sqlite')) {
      const sqlite = new SqliteAnalyticsStore(path.join(dir, 'analytics.sqlite'));
      await measure('sqlite', sqlite);
      await sqlite.close();
    }
    if (STORES.includes('redis') && findRedisServer()) {
      const server = await startRedis();
      const redis = new Redis(server.url);
      try {
        await measure('redis', new RedisAnalyticsStore(redis, 'bench'), () => redisCpuMs(redis));
      } finally {
        redis.disconnect();
        await server.stop();
      }
    } else if (STORES.includes('redis')) {
      console.log('redis   skipped: redis-server is not on PATH');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
