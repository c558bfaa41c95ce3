import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runIndexer } from '../../indexer/run.js';
import { launchBrowser } from '../support/browser.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

const uid = uniqueIndexUid('widget');
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await runIndexer(adminEngine(), uid, { paths: ['articles'], prune: false });
  server = await startTestServer(uid);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await deleteIndex(uid);
});

describe('<news-search> on the demo page, in real Chromium', () => {
  it('renders results with <mark> around the matches as the user types', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.baseUrl}/`);
    const input = page.locator('news-search#inline-search [role="combobox"]');
    await input.pressSequentially('соглашение', { delay: 20 });
    const items = page.locator('news-search#inline-search [role="option"]');
    await items.first().waitFor();
    expect(await items.count()).toBeGreaterThan(0);
    // Results of an earlier keystroke («соглаш…») may still be on screen: wait for the last query's.
    const marksOfLastQuery = async () => {
      const marks = await page.locator('news-search#inline-search [role="option"] mark').allTextContents();
      return marks.length > 0 && marks.every((m) => m.toLowerCase().startsWith('соглашен'));
    };
    await expect.poll(marksOfLastQuery, { timeout: 5000 }).toBe(true);
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    const href = await items.first().getAttribute('href');
    expect(href).toMatch(/\/articles\/000_239304c8c15dffd8\?highlight=[^#]+#/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is embedded with one script tag, and the page shows the embed snippet', async () => {
    const html = await (await fetch(`${server.baseUrl}/`)).text();
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).toContain('&lt;news-search endpoint=');
    const js = await (await fetch(`${server.baseUrl}/widget.js`)).text();
    expect(js).toContain('news-search');
  });

  it('never renders through innerHTML or unsafeHTML in its own code', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const files = (await readdir('widget', { recursive: true })).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      expect(await readFile(`widget/${file}`, 'utf8'), file).not.toMatch(/innerHTML|unsafeHTML|insertAdjacentHTML/);
    }
  });
});
