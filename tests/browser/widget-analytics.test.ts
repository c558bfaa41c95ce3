/**
 * Issue 26, the widget's side of search analytics, end to end: real Chromium, the real server with
 * analytics on (its SQLite store in a temp dir), the real engine. A reader types at human speed
 * (80–250 ms per key, the debounce left at its default), and the assertions are on what the server
 * counted (its store's totals, after a flush); the reports the browser sent are checked too (one per
 * final query, text/plain, no cookie).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsReport } from '../../core/analytics-report.js';
import { createLogger } from '../../core/logger.js';
import { memoryKeys } from '../../server/analytics/client-key.js';
import { SearchAnalytics } from '../../server/analytics/collector.js';
import { ANALYTICS_DB_FILE, SqliteAnalyticsStore } from '../../server/analytics/sqlite-store.js';
import { dayOf, type FactKind } from '../../server/analytics/store.js';
import { queryKey, maskQuery } from '../../server/analytics/query-form.js';
import { mountWidget, NewsSearchHarness, openDemo, startHostSite, startWidgetEnv, typeLikeReader, typeThenRefine, type WidgetEnv } from './harness.js';

let env: WidgetEnv;
let dataDir: string;
let store: SqliteAnalyticsStore;
let analytics: SearchAnalytics;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'widget-analytics-'));
  store = new SqliteAnalyticsStore(path.join(dataDir, ANALYTICS_DB_FILE));
  // The timer never fires within a test: counts reach the store when the test flushes.
  analytics = new SearchAnalytics(store, { flushMs: 10_000, retentionDays: 395, log: createLogger('silent'), keys: memoryKeys() });
  await analytics.start();
  env = await startWidgetEnv('widget_analytics', ['tests/fixtures/widget-analytics'], { app: { analytics } });
});
afterAll(async () => {
  await env?.close();
  await analytics?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The server's counts of one kind so far (today), as its store holds them after a flush: `key|sub` → n. */
async function counted(kind: FactKind): Promise<Map<string, number>> {
  await analytics.flush();
  const today = dayOf(Date.now());
  const rows = await store.facts(kind, { from: today, to: today });
  return new Map(rows.map((r) => [r.sub ? `${r.key}|${r.sub}` : r.key, r.n]));
}

/** What the server counted while `action` ran: per kind, the keys whose count grew, by how much. */
async function countedDuring(kinds: FactKind[], action: () => Promise<void>): Promise<Record<string, Record<string, number>>> {
  const before = await Promise.all(kinds.map(counted));
  await action();
  const after = await Promise.all(kinds.map(counted));
  return Object.fromEntries(
    kinds.map((kind, i) => [
      kind,
      Object.fromEntries([...after[i]!].map(([key, n]) => [key, n - (before[i]!.get(key) ?? 0)]).filter(([, grew]) => (grew as number) > 0)),
    ]),
  );
}

/** The server's analysed form of a query (how it groups and counts queries). */
const form = (q: string) => queryKey(maskQuery(q));

interface SentReport {
  body: AnalyticsReport;
  headers: Record<string, string>;
}

/** Every analytics report the page sends from now on, as the browser put it on the wire. */
function recordReports(page: Page): { reports: SentReport[]; settled(): Promise<void> } {
  const reports: SentReport[] = [];
  const pending: Promise<unknown>[] = [];
  page.on('request', (request: Request) => {
    if (!request.url().includes('/api/analytics/events')) return;
    pending.push(
      request.allHeaders().then((headers) => reports.push({ body: JSON.parse(request.postData() ?? 'null') as AnalyticsReport, headers })),
      request.response(),
    );
  });
  return { reports, settled: () => Promise.all(pending).then(() => undefined) };
}

/** Waits until `n` reports went out, then a little longer, so that an extra one would be seen. */
async function expectReports(recorder: ReturnType<typeof recordReports>, page: Page, n: number): Promise<SentReport[]> {
  await expect.poll(() => recorder.reports.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n);
  await page.waitForTimeout(300);
  await recorder.settled();
  expect(recorder.reports.map((r) => r.body.q)).toHaveLength(n);
  return recorder.reports;
}


/** How an inline reader leaves: Escape collapses the list, a second Escape clears the field. */
async function leave(widget: { input: import('playwright-core').Locator }): Promise<void> {
  await widget.input.press('Escape');
  await widget.input.press('Escape');
}

describe('one report per final query', () => {
  it('typing «соглашение» at 80–250 ms per key counts exactly one search', async () => {
    const { page, errors } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'typing', {});
    const searched: string[] = [];
    page.on('request', (r) => void (r.url().includes('/api/search?') && searched.push(new URL(r.url()).searchParams.get('q')!)));

    const server = await countedDuring(['total'], async () => {
      await typeLikeReader(widget, 'соглашение');
      await widget.settled('соглашение');
      await page.waitForTimeout(2300); // the pause that makes it final
      await leave(widget); // …and the reader leaves
      await expectReports(recorder, page, 1);
    });

    expect(searched.length).toBeGreaterThan(1); // prefixes were searched on the way…
    expect(server.total!['answers']).toBeGreaterThan(1); // …and answered…
    expect(server.total!['searches']).toBe(1); // …but one search was counted
    expect(server.total!['noClicks']).toBe(1);
    const [report] = recorder.reports;
    expect(report!.body).toMatchObject({ v: 1, q: 'соглашение', more: 0, end: 'idle' });
    expect(report!.body.total).toBeGreaterThan(0);
    expect(report!.body.prev).toBeUndefined();
    expect(report!.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the first Escape only collapses the list: results chosen after it still count as the click', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'collapse', {});
    const server = await countedDuring(['total', 'position'], async () => {
      await typeLikeReader(widget, 'соглашение');
      await widget.settled('соглашение');
      await widget.input.press('Escape'); // collapses; the text and results stay
      await widget.input.click(); // open again
      await widget.options.nth(1).waitFor();
      await Promise.all([page.waitForURL(/\/articles\//), widget.options.nth(1).click()]);
      await expectReports(recorder, page, 1);
    });
    expect(server.total!['clicks']).toBe(1);
    expect(server.position).toEqual({ '2': 1 });
    expect(recorder.reports[0]!.body).toMatchObject({ q: 'соглашение', end: 'click', click: { position: 2 } });
  });

  it('«путин», a 3 s pause, «путин визит» and a click: two searches, one reformulation, the click position', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'reformulate', {});
    let chosenHref: string | null = null;

    const server = await countedDuring(['total', 'reformulation', 'position'], async () => {
      await typeThenRefine(widget);
      expect(await widget.options.count()).toBeGreaterThan(2);
      chosenHref = await widget.options.nth(2).getAttribute('href');
      await Promise.all([page.waitForURL(/\/articles\//), widget.options.nth(2).click()]);
      await expectReports(recorder, page, 2);
    });

    expect(server.total!['searches']).toBe(2);
    expect(server.total!['clicks']).toBe(1);
    expect(server.reformulation).toEqual({ [`${form('путин')}|${form('путин визит')}`]: 1 });
    expect(server.position).toEqual({ '3': 1 });
    const reports = recorder.reports.map((r) => r.body);
    expect(reports[0]).toMatchObject({ q: 'путин', end: 'idle' });
    expect(reports[0]!.prev).toBeUndefined();
    expect(reports[0]!.click).toBeUndefined();
    expect(reports[1]).toMatchObject({ q: 'путин визит', prev: 'путин', prevMissed: 'no-click', end: 'click', click: { position: 3 } });
    expect(chosenHref).toContain(`/articles/${reports[1]!.click!.id.replace(/-\d+-\d+$/, '')}?`);
    await page.close();
  });

  it('a clicked query followed by another clicked one is no reformulation (the first did not miss)', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'found-twice', { debounce: '0' });
    // The page keeps the reader here (news-search:select cancelled), so one widget session sees two clicks.
    await page.evaluate(() => document.addEventListener('news-search:select', (event) => event.preventDefault(), true));

    const server = await countedDuring(['total', 'reformulation'], async () => {
      await widget.search('визит');
      await widget.options.first().click();
      await widget.search('соглашение');
      await widget.options.first().click();
      await expectReports(recorder, page, 2);
    });

    expect(server.total).toMatchObject({ searches: 2, clicks: 2 });
    expect(server.reformulation).toEqual({});
    expect(recorder.reports[1]!.body).toMatchObject({ q: 'соглашение', end: 'click' });
    expect(recorder.reports[1]!.body.prev).toBeUndefined();
    expect(recorder.reports[1]!.body.prevMissed).toBeUndefined();
    await page.close();
  });

  it('"show more" continues the query: pages counted, the position taken in the whole list', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'paged', { 'page-size': '2' });

    const server = await countedDuring(['total', 'position'], async () => {
      await typeLikeReader(widget, 'визит');
      await widget.settled('визит');
      await widget.host.locator('button.more').click();
      await expect.poll(() => widget.options.count()).toBeGreaterThan(2);
      await Promise.all([page.waitForURL(/\/articles\//), widget.options.nth(2).click()]);
      await expectReports(recorder, page, 1);
    });

    expect(server.total).toMatchObject({ searches: 1, clicks: 1, more: 1 });
    expect(server.position).toEqual({ '3': 1 });
    expect(recorder.reports[0]!.body).toMatchObject({ q: 'визит', more: 1, end: 'click', click: { position: 3 } });
    await page.close();
  });

  it('leaving after the results were on screen ≥ 1 s makes the query final; results cleared sooner are not', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'leave', { debounce: '0' });

    const server = await countedDuring(['total'], async () => {
      await widget.search('соглашение');
      await widget.input.fill(''); // cleared at once: not seen
      await widget.search('визит');
      await page.waitForTimeout(1200);
      await widget.input.fill(''); // cleared after 1.2 s: seen
      await expectReports(recorder, page, 1);
    });

    expect(server.total!['searches']).toBe(1);
    expect(recorder.reports[0]!.body).toMatchObject({ q: 'визит', end: 'leave' });
    await page.close();
  });

  it('a correction shown, accepted or rejected with «Искать «…»», and the filters of the search', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'corrected', { debounce: '0' });

    const server = await countedDuring(['correction', 'filter'], async () => {
      // Typed in the Latin layout: the server searches «соглашение»; the reader takes it and leaves.
      await widget.search('cjukfitybt');
      await widget.host.locator('.corrected').waitFor();
      await page.waitForTimeout(2300);
      await leave(widget);
      // Back later, the same text, and this time «Искать «cjukfitybt»»: the same query, rejected.
      await widget.search('cjukfitybt');
      await widget.host.locator('button.exact').click();
      await expect.poll(() => widget.host.locator('.corrected').count()).toBe(0);
      await page.waitForTimeout(2300);
      // A filter makes another search: newest first.
      await widget.host.locator('summary').click();
      await widget.host.locator('select[name="sort"]').selectOption('date');
      await page.waitForTimeout(2300);
      await leave(widget);
      await expectReports(recorder, page, 3);
    });

    const reports = recorder.reports.map((r) => r.body);
    expect(reports[0]).toMatchObject({ q: 'cjukfitybt', correction: { to: 'соглашение', rejected: false }, end: 'idle' });
    expect(reports[0]!.total).toBeGreaterThan(0);
    expect(reports[1]).toMatchObject({ q: 'cjukfitybt', correction: { to: 'соглашение', rejected: true }, total: 0, end: 'idle' });
    expect(reports[1]!.filters).toBeUndefined();
    expect(reports[2]).toMatchObject({ q: 'cjukfitybt', filters: { sort: 'date' }, end: 'idle', prev: 'cjukfitybt', prevMissed: 'zero' });
    expect(reports[2]!.correction).toBeUndefined(); // still exactly what was typed
    const key = form('cjukfitybt');
    expect(server.correction).toEqual({ [`${key}|accepted\u001fсоглашение`]: 1, [`${key}|rejected\u001fсоглашение`]: 1 });
    expect(server.filter).toEqual({ 'sort|date': 1 });
    await page.close();
  });

  it('closing the dialog (modal mode) is leaving', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'dialog', { mode: 'modal' });
    await widget.host.evaluate((el) => (el as HTMLElementTagNameMap['news-search']).open());
    await typeLikeReader(widget, 'визит');
    await widget.settled('визит');
    await page.waitForTimeout(1200);
    await widget.host.locator('button.close').click();

    const [report] = await expectReports(recorder, page, 1);
    expect(report!.body).toMatchObject({ q: 'визит', end: 'leave' });
    await page.close();
  });
});

describe('embedded on another origin', () => {
  it('reads the header through CORS and its reports reach the API cross-origin, without a preflight', async () => {
    // The news site: one page with our script tag, on another port (another origin).
    const site = await startHostSite(
      () => `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Новости</title>
<script type="module" src="${env.server.baseUrl}/widget.js"></script></head><body><main>
<news-search id="embedded" endpoint="${env.server.baseUrl}/api/search"></news-search></main></body></html>`,
    );
    try {
      const siteUrl = site.url;
      const { page, errors } = await openDemo(env.browser, siteUrl);
      const recorder = recordReports(page);
      const methods: string[] = [];
      page.on('request', (r) => void (r.url().includes('/api/analytics/') && methods.push(r.method())));
      const widget = new NewsSearchHarness(page, '#embedded');

      const server = await countedDuring(['total'], async () => {
        await typeLikeReader(widget, 'соглашение');
        await widget.settled('соглашение');
        await page.waitForTimeout(2300);
        await leave(widget);
        await expectReports(recorder, page, 1);
      });

      expect(new URL(siteUrl).origin).not.toBe(new URL(env.server.baseUrl).origin);
      expect(server.total!['searches']).toBe(1);
      expect(methods).toEqual(['POST']); // no OPTIONS preflight
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await site.close();
    }
  });
});

describe('privacy', () => {
  it('the widget writes no cookie or storage, and its reports carry no cookie', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    // A cookie the site itself set for the API's host: a report must not carry it.
    await page.context().addCookies([{ name: 'site', value: 'reader-42', url: env.server.baseUrl }]);
    const recorder = recordReports(page);
    const widget = await mountWidget(page, 'private', {});
    await typeLikeReader(widget, 'соглашение');
    await widget.settled('соглашение');
    await page.waitForTimeout(1200);
    await leave(widget);

    const [report] = await expectReports(recorder, page, 1);
    expect(report!.headers['cookie']).toBeUndefined();
    expect((await page.context().cookies()).map((c) => c.name)).toEqual(['site']);
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
    }));
    expect(stored).toEqual({ local: 0, session: 0, databases: 0, caches: 0 });
    await page.close();
  });

  it('analytics="off" and Global Privacy Control send nothing (the reporting code is not even fetched)', async () => {
    const run = async (attributes: Record<string, string>, gpc: boolean) => {
      const { page } = await openDemo(env.browser, env.server.baseUrl, { initScript: gpc ? GPC_ON : undefined });
      const recorder = recordReports(page);
      const chunks: string[] = [];
      page.on('request', (r) => void (r.url().includes('/widget-chunks/') && chunks.push(new URL(r.url()).pathname)));
      const widget = await mountWidget(page, 'quiet', attributes);
      const server = await countedDuring(['total'], async () => {
        await typeLikeReader(widget, 'путин');
        await widget.settled('путин');
        await page.waitForTimeout(2300);
        await leave(widget);
        await page.waitForTimeout(500);
        await recorder.settled();
      });
      await page.close();
      return { sent: recorder.reports.length, counted: server.total!['searches'] ?? 0, chunk: chunks.some((c) => c.includes('/analytics-')) };
    };
    // The same steps with reporting allowed are counted: the two below are silent for their reason only.
    expect(await run({}, false)).toEqual({ sent: 1, counted: 1, chunk: true });
    expect(await run({ analytics: 'off' }, false)).toEqual({ sent: 0, counted: 0, chunk: false });
    expect(await run({}, true)).toEqual({ sent: 0, counted: 0, chunk: false });
  });
});

const GPC_ON = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
