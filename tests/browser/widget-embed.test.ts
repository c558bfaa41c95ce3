/**
 * The widget embedded on a page of another origin, as on a news site: widget.js and its lazy chunks
 * (widget/chunks.ts) come cross-origin from our server, so `import()` of a chunk needs our CORS
 * headers; a chunk is fetched on focus or hover, before the reader's first results need it.
 * The embedding site is a plain HTTP server on another port (another origin), our server is the real one.
 */
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostSite, startWidgetEnv, type HostSite, type WidgetEnv } from './harness.js';

let env: WidgetEnv;
let site: HostSite;
let siteUrl: string;

/** The news site's pages: one script tag; at `/` three widgets (Russian inline, English inline, modal), at `/plain` the Russian inline one. */
function sitePage(api: string, plain: boolean): string {
  const widget = (id: string, more = '') => `<news-search id="${id}" endpoint="${api}/api/search" debounce="0"${more}></news-search>`;
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Новости</title>
<script type="module" src="${api}/widget.js"></script></head><body><main>
<p id="before">Статья</p>
${widget('ru')}
${plain ? '' : `<div lang="en">${widget('en')}</div>\n${widget('modal', ' mode="modal"')}`}
</main></body></html>`;
}

beforeAll(async () => {
  env = await startWidgetEnv('widget_embed');
  site = await startHostSite((url) => sitePage(env.server.baseUrl, url.pathname === '/plain'));
  siteUrl = site.url;
});
afterAll(async () => {
  await site?.close();
  await env?.close();
});

/** Opens the site's page, collecting page errors and every chunk response. */
async function openSite(path = '/'): Promise<{ page: Page; errors: string[]; chunks: Response[] }> {
  const page = await env.browser.newPage();
  const errors: string[] = [];
  const chunks: Response[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('response', (r) => r.url().includes('/widget-chunks/') && chunks.push(r));
  await page.goto(`${siteUrl}${path}`);
  await page.waitForFunction(() => customElements.get('news-search') !== undefined);
  return { page, errors, chunks };
}

const chunkNames = (chunks: Response[]) => chunks.map((r) => new URL(r.url()).pathname.replace(/^\/widget-chunks\/(\w+)-\w+\.js$/, '$1')).sort();

describe('<news-search> embedded on another origin', () => {
  it('loads its lazy chunks cross-origin: the panel on focus, before the first results; English and the dialog where used', async () => {
    const { page, errors, chunks } = await openSite();
    expect(new URL(siteUrl).origin).not.toBe(new URL(env.server.baseUrl).origin);
    // The English page's strings and the modal widget's dialog are fetched at once; the panel waits for the reader.
    await expect.poll(() => chunkNames(chunks)).toEqual(['english', 'modal']);
    await expect.poll(() => page.locator('#en [role="combobox"]').getAttribute('placeholder')).toBe('Search the news');

    const input = page.locator('#ru [role="combobox"]');
    await input.focus();
    await expect.poll(() => chunkNames(chunks)).toEqual(['english', 'modal', 'panel']);
    const panel = chunks.find((r) => r.url().includes('/widget-chunks/panel-'))!;
    expect(panel.status()).toBe(200);
    const headers = await panel.allHeaders();
    expect(headers['access-control-allow-origin']).toBe('*');
    expect(headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(headers['cache-control']).toContain('immutable');

    // The panel chunk renders the results (and adopts its styles) in a page of another origin.
    await input.pressSequentially('паром', { delay: 15 });
    const options = page.locator('#ru [role="option"]');
    await options.first().waitFor();
    expect(await page.locator('#ru .panel').evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
    expect(await page.locator('#ru summary').textContent()).toBe('Фильтры');

    // The dialog chunk: "/" opens the modal widget's dialog, styled, with the field focused.
    await page.locator('#before').click();
    await page.keyboard.press('/');
    const dialog = page.locator('#modal dialog');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    expect(await dialog.evaluate((d) => getComputedStyle(d).overflowY)).toBe('auto');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fetches no chunk on a Russian inline-only page until the reader points at or focuses the widget', async () => {
    const { page, errors, chunks } = await openSite('/plain');
    await page.locator('#ru').evaluate((el) => (el as HTMLElementTagNameMap['news-search']).updateComplete);
    expect(await page.locator('#ru [role="combobox"]').getAttribute('placeholder')).toBe('Поиск по новостям');
    expect(chunkNames(chunks)).toEqual([]);
    await page.locator('#ru [role="combobox"]').hover();
    await expect.poll(() => chunkNames(chunks)).toEqual(['panel']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves each chunk under its hashed name only: another name is 404', async () => {
    const res = await fetch(`${env.server.baseUrl}/widget-chunks/panel-NOTAHASH.js`);
    expect(res.status).toBe(404);
    const entry = await fetch(`${env.server.baseUrl}/widget.js`);
    expect(entry.headers.get('cache-control')).not.toContain('immutable');
    expect(entry.headers.get('access-control-allow-origin')).toBe('*');
  });
});
