import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createEngine } from '../../core/engine/client.js';
import { ensureSearchKey } from '../../core/engine/keys.js';
import { launchBrowser } from '../support/browser.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { recordScenario } from './support/report.js';
import { startServerProcess, type ServerProcess } from './support/system.js';

const uid = uniqueIndexUid('security');
let server: ServerProcess;
let browser: Browser;
const findings: string[] = [];
let checks = 0;

function check(ok: boolean, what: string): void {
  checks++;
  if (!ok) findings.push(what);
}

beforeAll(async () => {
  server = await startServerProcess({ engineUrl: testEngine().url, masterKey: testEngine().masterKey, indexUid: uid, articlesDir: 'tests/fixtures/security', extra: { LOG_LEVEL: 'debug' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  recordScenario({
    scenario: '6. Security',
    load: 'targeted requests and a real Chromium',
    faults: 'key leaks, writes with the server key, traversal, XSS payload article',
    inputs: checks,
    documentsLost: 0,
    errors: findings.length,
    passed: findings.length === 0,
    notes: findings.join('; ') || 'no key in responses, logs or static files; server key cannot write; payloads inert',
  });
  await browser?.close();
  await server?.stop();
  await deleteIndex(uid);
});

describe('security', () => {
  it('no response, log line or static file contains the master key', async () => {
    const masterKey = testEngine().masterKey;
    for (const path of ['/', '/widget.js', '/healthz', `/api/search?q=${encodeURIComponent('соглашение')}`, '/api/openapi.json', '/metrics', '/readyz']) {
      const text = await (await fetch(`${server.url}${path}`)).text();
      check(!text.includes(masterKey), `master key in ${path}`);
    }
    check(!(await readFile('dist/widget.js', 'utf8')).includes(masterKey), 'master key in the widget bundle');
    for (const chunk of await readdir('dist/widget-chunks')) {
      check(!(await readFile(`dist/widget-chunks/${chunk}`, 'utf8')).includes(masterKey), `master key in the widget chunk ${chunk}`);
    }
    check(!server.proc.output().includes(masterKey), 'master key in the server log');
    const searchKey = await ensureSearchKey(adminEngine(), uid);
    check(!server.proc.output().includes(searchKey), 'search key in the server log');
    expect(findings).toEqual([]);
  });

  it('the key the server holds cannot write: the engine answers 403', async () => {
    const searchKey = await ensureSearchKey(adminEngine(), uid);
    const res = await fetch(`${testEngine().url}/indexes/${uid}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${searchKey}`, 'content-type': 'application/json' },
      body: '[{"id":"pwned","text":"x"}]',
    });
    check(res.status === 403, `write with the server key answered ${res.status}`);
    const settings = await fetch(`${testEngine().url}/indexes/${uid}/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${searchKey}`, 'content-type': 'application/json' }, body: '{"searchableAttributes":["id"]}' });
    check(settings.status === 403, `settings change with the server key answered ${settings.status}`);
    const engine = createEngine({ url: testEngine().url, apiKey: searchKey, timeoutMs: 2000 });
    check((await engine.index(uid).search('соглашение')).hits.length > 0, 'the server key cannot search');
    expect(findings).toEqual([]);
  });

  it('path traversal on every static route answers 404', async () => {
    const attempts = ['/widget.js/../package.json', '/%2e%2e/package.json', '/articles/..%2F..%2Fpackage.json', '/articles/%2e%2e%2f%2e%2e%2fdata%2fmaster-key', '/api/articles/..%2f..%2f.env', '/..%2fdata%2fmaster-key', '/data/master-key', '/.env', '/package.json', '/dist/widget.js/..', '/widget-chunks/..%2f..%2fpackage.json', '/widget-chunks/'];
    for (const path of attempts) {
      const res = await fetch(`${server.url}${path}`);
      const text = await res.text();
      check(res.status === 404 || res.status === 400, `${path} answered ${res.status}`);
      check(!text.includes('"dependencies"') && !text.includes(testEngine().masterKey), `${path} leaked a file`);
    }
    expect(findings).toEqual([]);
  });

  it('an article full of XSS payloads is inert on the article page and in the widget', async () => {
    const search = await (await fetch(`${server.url}/api/search?q=${encodeURIComponent('соглашение')}`)).json();
    const articleUrl: string = search.hits[0].article.url;
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}${articleUrl}`);
    check((await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)) === undefined, 'script ran on the article page');
    check(page.url() === `${server.url}${articleUrl}`, 'article page navigated away');
    check((await page.locator('script').count()) === 0, 'a <script> element exists on the article page');
    check((await page.locator('img, svg, iframe').count()) === 0, 'payload markup became elements on the article page');

    await page.goto(`${server.url}/`);
    await page.locator('news-search [role="combobox"]').first().pressSequentially('соглашение', { delay: 10 });
    await page.locator('news-search [role="option"]').first().waitFor();
    check((await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)) === undefined, 'script ran in the widget');
    const listbox = 'news-search [role="listbox"]';
    check((await page.locator(`${listbox} img, ${listbox} svg, ${listbox} iframe, ${listbox} script`).count()) === 0, 'payload markup became elements in the widget results');
    const hrefs = await page.locator('news-search a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    check(hrefs.every((h) => /^https?:/.test(h)), `unsafe link in the widget: ${hrefs.join(' ')}`);
    check(dialogs.length === 0, `dialogs opened: ${dialogs.join(', ')}`);
    await page.close();
    expect(findings).toEqual([]);
  });
});
