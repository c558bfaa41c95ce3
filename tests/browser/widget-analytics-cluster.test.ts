/**
 * Issue 26, search analytics in the compose `cluster` profile's shape, end to end with real
 * processes: one engine, one redis-server, two proxies (`npm start`, the built dist/) with
 * REDIS_URL, and in front of them a real nginx running deploy/nginx.conf itself (only the upstream
 * addresses and the listen port replaced: tests/support/nginx.ts). Real Chromium loads the demo
 * page and the widget through nginx, types at human speed, clicks; the counts are read back the
 * way an editor reads them, from the export API through nginx with the analytics token, after the
 * proxies flushed to Redis. nginx alternates requests between the proxies, so one reader's prefix
 * searches, final answer and report land on both: the counts are right only if the proxies count
 * together (one store, a report accepted for a query the other proxy answered, each reader counted
 * once for the threshold however many proxies served them).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../../server/analytics/store.js';
import { runIndexer } from '../../indexer/run.js';
import { launchBrowser } from '../support/browser.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { CLUSTER_NGINX_CONF, nginxOrSkip, renderClusterSite, startNginx, type TestNginx } from '../support/nginx.js';
import { spawnScript, type Spawned } from '../support/process.js';
import { redisServerOrSkip, startRedis, type TestRedis } from '../support/redis.js';
import { mountWidget, openDemo, typeLikeReader, typeThenRefine } from './harness.js';

const runnable = redisServerOrSkip('widget analytics behind nginx') && nginxOrSkip('widget analytics behind nginx');

const TOKEN = 'cluster-analytics-token-0123456789';
/** Short, so a test waits for flushes in seconds; the proxies' default is 5 s. */
const FLUSH_MS = 300;
const SLOW_MACHINE_MS = 240_000;

const uid = uniqueIndexUid('widget_analytics_cluster');
let redis: TestRedis;
let nginx: TestNginx;
let browser: Browser;
let root: string;
const proxies: { url: string; process: Spawned }[] = [];

async function startProxy(name: string): Promise<{ url: string; process: Spawned }> {
  const engine = testEngine();
  const proc = spawnScript('start', [], {
    MEILI_URL: engine.url,
    MEILI_MASTER_KEY: engine.masterKey,
    MEILI_SHARDS: '',
    INDEX_UID: uid,
    SKIP_INDEX_ON_START: 'true',
    DATA_DIR: path.join(root, name),
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: redis.url,
    // As the compose profile sets them (docker-compose.yml, proxy-1/proxy-2).
    TRUST_PROXY: '1',
    ANALYTICS: 'on',
    ANALYTICS_TOKEN: TOKEN,
    ANALYTICS_FLUSH_MS: String(FLUSH_MS),
    INDEX_POLL_MS: '200',
    RATE_LIMIT: '0',
    LOG_LEVEL: 'info',
  });
  const [, url] = await proc.waitFor(/running: (http:\/\/\S+)/, SLOW_MACHINE_MS);
  return { url: url!, process: proc };
}

beforeAll(async () => {
  if (!runnable) return;
  root = await mkdtemp(path.join(os.tmpdir(), 'widget-analytics-cluster-'));
  const summary = await runIndexer(adminEngine(), uid, { paths: ['tests/fixtures/widget-analytics'], prune: false });
  if (summary.failed) throw new Error(`fixtures failed to index: ${JSON.stringify(summary.failures)}`);
  redis = await startRedis();
  proxies.push(...(await Promise.all([startProxy('proxy-1'), startProxy('proxy-2')])));
  const conf = await readFile(CLUSTER_NGINX_CONF, 'utf8');
  nginx = await startNginx((port) => renderClusterSite(conf, proxies.map((p) => new URL(p.url).host), port));
  browser = await launchBrowser();
}, SLOW_MACHINE_MS);

afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  for (const p of proxies) if (p.process.child.exitCode === null && p.process.child.signalCode === null) p.process.child.kill('SIGTERM');
  await Promise.all(proxies.map((p) => p.process.exited));
  await redis?.stop();
  if (runnable) await deleteIndex(uid);
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

/** One export table of today, through nginx, with the analytics token (as an editor's script reads it). */
async function exported(report: string): Promise<Record<string, string | number>[]> {
  const today = dayOf(Date.now());
  const res = await fetch(`${nginx.url}/api/analytics/${report}.json?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status, `${report}.json`).toBe(200);
  return ((await res.json()) as { rows: Record<string, string | number>[] }).rows;
}

interface Counts {
  searches: number;
  clicks: number;
  positions: Record<string, number>;
}

/** Today's searches, clicks and click positions, as the export API reports them. */
async function counts(): Promise<Counts> {
  const [[daily], positions] = await Promise.all([exported('daily'), exported('positions')]);
  return {
    searches: Number(daily!['searches']),
    clicks: Number(daily!['clicks']),
    positions: Object.fromEntries(positions.filter((r) => Number(r['clicks']) > 0).map((r) => [String(r['position']), Number(r['clicks'])])),
  };
}

/**
 * What the export API gained while `action` ran: polled until it equals `expected` (the proxies
 * flush every FLUSH_MS), then read again a few flushes later so that a late extra count is seen.
 */
async function expectCountedDuring(action: () => Promise<void>, expected: Counts): Promise<void> {
  const before = await counts();
  await action();
  const gained = async (): Promise<Counts> => {
    const now = await counts();
    const positions = Object.fromEntries(Object.entries(now.positions).map(([k, n]) => [k, n - (before.positions[k] ?? 0)]).filter(([, n]) => (n as number) > 0));
    return { searches: now.searches - before.searches, clicks: now.clicks - before.clicks, positions };
  };
  await expect.poll(gained, { timeout: 20_000, interval: 200 }).toEqual(expected);
  await new Promise((r) => setTimeout(r, 4 * FLUSH_MS));
  expect(await gained()).toEqual(expected);
}

/** Requests each proxy answered on `route`, from its own /metrics (loopback may read it). */
async function answeredBy(route: string): Promise<number[]> {
  return Promise.all(
    proxies.map(async (p) => {
      const text = await (await fetch(`${p.url}/metrics`)).text();
      const lines = text.split('\n').filter((l) => l.startsWith('http_requests_total{') && l.includes(`route="${route}"`));
      return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    }),
  );
}

/** The number of analytics reports the page has sent so far. */
function countReports(page: Page): () => number {
  let sent = 0;
  page.on('request', (request: Request) => void (request.url().includes('/api/analytics/events') && sent++));
  return () => sent;
}

/** A search through nginx from another loopback address: another reader, as the proxies see it (X-Forwarded-For). */
function searchFrom(address: string, q: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${nginx.url}/api/search?${new URLSearchParams({ q })}`, { localAddress: address, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe.runIf(runnable)('two proxies behind the compose profile\'s nginx, one Redis store', () => {
  it('the page, the widget and its searches come through nginx, answered by both proxies', async () => {
    const before = await answeredBy('/api/search');
    const { page, errors } = await openDemo(browser, nginx.url);
    const widget = await mountWidget(page, 'warm', { debounce: '0' });
    for (const q of ['визит', 'порт', 'саммит', 'визит порт']) await widget.search(q);
    const searched = (await answeredBy('/api/search')).map((n, i) => n - before[i]!);
    expect(searched.reduce((a, b) => a + b, 0)).toBe(4);
    expect(searched.every((n) => n > 0), `searches per proxy: ${searched}`).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('typing «соглашение» at 80–250 ms per key counts exactly one search', async () => {
    const { page, errors } = await openDemo(browser, nginx.url);
    const sent = countReports(page);
    const widget = await mountWidget(page, 'typing', {});
    const searchesBefore = await answeredBy('/api/search');
    await expectCountedDuring(
      async () => {
        await typeLikeReader(widget, 'соглашение');
        await widget.settled('соглашение');
        await page.waitForTimeout(2300); // the pause that makes it final
        await widget.input.press('Escape');
        await widget.input.press('Escape'); // …and the reader leaves
        await expect.poll(sent).toBe(1);
      },
      { searches: 1, clicks: 0, positions: {} },
    );
    // The prefixes went to both proxies: each answered some, and one search was counted between them.
    const searched = (await answeredBy('/api/search')).map((n, i) => n - searchesBefore[i]!);
    expect(searched.every((n) => n > 0), `searches per proxy: ${searched}`).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('«путин», a 3 s pause, «путин визит» and a click on the third result: two searches, the position, one reformulation', async () => {
    const { page } = await openDemo(browser, nginx.url);
    const sent = countReports(page);
    const widget = await mountWidget(page, 'reformulate', {});
    await expectCountedDuring(
      async () => {
        await typeThenRefine(widget);
        expect(await widget.options.count()).toBeGreaterThan(2);
        await Promise.all([page.waitForURL(/\/articles\//), widget.options.nth(2).click()]);
        await expect.poll(sent).toBe(2);
      },
      { searches: 2, clicks: 1, positions: { '3': 1 } },
    );
    await page.close();
    // The reformulations table names queries, so it shows them only past the threshold of 5 distinct
    // readers: four more, each from its own address through nginx, search both texts.
    for (const n of [2, 3, 4, 5]) for (const q of ['путин', 'путин визит']) expect(await searchFrom(`127.0.0.${n}`, q)).toBe(200);
    await expect.poll(() => exported('reformulations'), { timeout: 20_000, interval: 200 }).toEqual([{ searched_first: 'путин', then_found_with: 'путин визит', times: 1, synonym_line: '' }]);
  });

  describe('the threshold of 5 readers, each reader reaching both proxies', () => {
    const q = 'порт визит';
    const listed = async () => (await exported('top-queries')).some((r) => r['query'] === q);
    const answers = async () => Number((await exported('daily'))[0]!['answers']);
    /** Two searches in a row through nginx: one to each proxy (round robin), as a reader's prefixes and "show more" pages are spread. */
    const searchTwice = async (n: number) => {
      for (let i = 0; i < 2; i++) expect(await searchFrom(`127.0.0.${n}`, q)).toBe(200);
    };

    // Each proxy knows only the clients it served: counted once across them (the day's shared set,
    // shared-clients.ts), or a reader reaching both counts twice and 3 readers pass the threshold.
    it('searched by 4 readers, the query stays out of the exports', async () => {
      const answersBefore = await answers();
      for (const n of [2, 3, 4, 5]) await searchTwice(n);
      await expect.poll(answers, { timeout: 20_000, interval: 200 }).toBe(answersBefore + 8);
      await new Promise((r) => setTimeout(r, 2 * FLUSH_MS));
      expect(await listed()).toBe(false);
    });

    it('searched by a 5th reader, it is in', async () => {
      await searchTwice(6);
      await expect.poll(listed, { timeout: 20_000, interval: 200 }).toBe(true);
    });
  });

  it('a report reaching the proxy that did not answer is counted, also before the answering one flushed', async () => {
    // The widget's report goes wherever nginx sends it; a click a moment after the answer reaches
    // the other proxy before the answering one flushed (every ANALYTICS_FLUSH_MS). Made certain
    // here: proxy 1 answers and is paused (SIGSTOP: it cannot flush) while proxy 2 takes the report.
    const [answering, reporting] = proxies as [(typeof proxies)[0], (typeof proxies)[0]];
    const report = (q: string) =>
      fetch(`${reporting.url}/api/analytics/events`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ v: 1, q, total: 1, more: 0, end: 'idle' }) });
    await expectCountedDuring(
      async () => {
        for (const q of ['саммит порт', 'визит саммит']) {
          expect((await fetch(`${answering.url}/api/search?${new URLSearchParams({ q })}`)).status).toBe(200);
          answering.process.child.kill('SIGSTOP');
          try {
            expect((await report(q)).status).toBe(204);
            await new Promise((r) => setTimeout(r, 5 * FLUSH_MS)); // the reporting proxy flushes meanwhile
          } finally {
            answering.process.child.kill('SIGCONT');
          }
        }
        // A report for a query no proxy ever answered is not counted.
        expect((await report('никто такого не искал')).status).toBe(204);
      },
      { searches: 2, clicks: 0, positions: {} },
    );
  });

  it('no log keeps a reader: the compose nginx has its access log off, the proxies log no address or user agent', async () => {
    expect(await readFile(path.join(nginx.dir, 'access.log'), 'utf8').catch(() => '')).toBe('');
    for (const p of proxies) for (const reader of ['127.0.0.2', '127.0.0.6', 'HeadlessChrome']) expect(p.process.output()).not.toContain(reader);
  });
});
