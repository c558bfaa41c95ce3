/**
 * `npm run docs:analytics-screenshot`: docs/analytics-dashboard.png, the editors' dashboard
 * (GET /admin/search) in the real browser, over 30 days of made-up counts for a few dozen queries
 * (no reader data, no corpus text), served by the real route under its real CSP. Fails if the
 * browser reports a CSP violation or any console error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { SqliteAnalyticsStore } from '../server/analytics/sqlite-store.js';
import { addDays, dayOf, type FlushBatch } from '../server/analytics/store.js';
import { queryKey } from '../server/analytics/query-form.js';
import { analyticsReportRoutes } from '../server/routes/analytics.js';
import { launchBrowser } from '../tests/support/browser.js';

const TOKEN = 'screenshot-token-0000';
const QUERIES: [string, number, number][] = [
  // text, daily searches, share of searches with a click
  ['ключевая ставка', 120, 0.7], ['курс рубля', 95, 0.62], ['выборы', 80, 0.55], ['ипотека', 60, 0.4], ['погода', 45, 0.2],
  ['бензин цены', 40, 0.5], ['пробки', 30, 0.1], ['фестиваль', 22, 0.66], ['паром', 18, 0.8], ['мост', 15, 0.3],
  ['снегопад', 12, 0.5], ['ледокол', 9, 0.0], ['электрички расписание', 8, 0.05],
];
const ZERO = ['самокаты прокат', 'дроны запрет', 'кешбэк'];

const dir = await mkdtemp(path.join(os.tmpdir(), 'analytics-shot-'));
const store = new SqliteAnalyticsStore(path.join(dir, 'analytics.sqlite'));
const today = dayOf(Date.now());
for (let d = 29; d >= 0; d--) {
  const day = addDays(today, -d);
  const wave = 1 + 0.3 * Math.sin(d / 3);
  const batch: FlushBatch = { queries: [], spellings: [], facts: [] };
  let searches = 0;
  let clicks = 0;
  let zero = 0;
  for (const [text, perDay, ctr] of QUERIES) {
    // «снегопад» rises in the last week.
    const n = Math.round(perDay * wave * (text === 'снегопад' && d < 7 ? 6 : 1));
    const c = Math.round(n * ctr);
    batch.queries.push({ day, key: queryKey(text), counts: { answers: n * 4, searches: n, clicks: c, noClicks: n - c, clients: 5 } });
    batch.spellings.push({ day, key: queryKey(text), text, n });
    searches += n;
    clicks += c;
  }
  for (const text of ZERO) {
    batch.queries.push({ day, key: queryKey(text), counts: { answers: 12, answersZero: 12, searches: 4, searchesZero: 4, clients: 5 } });
    batch.spellings.push({ day, key: queryKey(text), text, n: 4 });
    searches += 4;
    zero += 4;
  }
  const positions = [40, 18, 11, 7, 5, 4, 3, 2, 2, 1, 3, 1];
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11-20', '21+'].forEach((p, i) => batch.facts.push({ day, kind: 'position', key: p, sub: '', n: Math.round((positions[i]! * clicks) / 97) }));
  batch.facts.push(
    { day, kind: 'total', key: 'answers', sub: '', n: searches * 4 },
    { day, kind: 'total', key: 'searches', sub: '', n: searches },
    { day, kind: 'total', key: 'clicks', sub: '', n: clicks },
    { day, kind: 'total', key: 'zero', sub: '', n: zero },
    { day, kind: 'correction', key: queryKey('ипотека'), sub: 'accepted\u001fипотека', n: 3 },
    { day, kind: 'correction', key: queryKey('ледокол'), sub: 'rejected\u001fледоколы', n: 1 },
    { day, kind: 'reformulation', key: queryKey('самокаты прокат'), sub: queryKey('мост'), n: 1 },
    { day, kind: 'reformulation', key: queryKey('кешбэк'), sub: queryKey('ключевая ставка'), n: 2 },
    { day, kind: 'filter', key: 'tag', sub: 'экономика', n: 14 },
    { day, kind: 'filter', key: 'sort', sub: 'date', n: 9 },
    { day, kind: 'filter', key: 'from', sub: '', n: 3 },
    { day, kind: 'article', key: 'harbor-ferry', sub: '', n: 21 },
    { day, kind: 'article', key: 'central-bank-rate', sub: '', n: 17 },
    { day, kind: 'article', key: 'river-bridge', sub: '', n: 6 },
  );
  await store.add(batch, day, 5);
}

const app = express();
app.use(analyticsReportRoutes(store, { tokens: [TOKEN], allow: 'any' }));
const server: Server = await new Promise((resolve) => {
  const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s));
});
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  const { port } = server.address() as { port: number };
  const res = await page.goto(`http://127.0.0.1:${port}/admin/search`);
  if (res?.status() !== 200) throw new Error(`dashboard answered ${res?.status()}`);
  await page.screenshot({ path: 'docs/analytics-dashboard.png', fullPage: true });
  if (problems.length > 0) throw new Error(`the browser reported: ${problems.join('; ')}`);
  console.log('docs/analytics-dashboard.png written');
} finally {
  await browser.close();
  server.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}
