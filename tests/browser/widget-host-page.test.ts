/**
 * The widget on a news site's own pages (issue 24): host pages of another origin (a plain HTTP
 * server on another port, with its own CSS), the real server and engine, real Chromium. What a
 * site notices first: results that push the page, sizes that follow the page's root font size,
 * page styles leaking in, stuck states, a list that never closes, a cramped phone dialog, the
 * page's direction, CSS zoom, an endpoint with its own query string, and what a screen reader hears.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NewsSearchHarness, openPage, startHostSite, startWidgetEnv, type HostSite, type WidgetEnv } from './harness.js';

let env: WidgetEnv;
let site: HostSite;
let siteUrl: string;

/** The pages' own styles, as a news site writes them. */
const SITE_CSS: Record<string, string> = {
  header: `body { margin: 0; font-family: Georgia, serif; }
    header { display: flex; align-items: center; gap: 1rem; padding: 0.5rem 1rem; background: #14213d; color: #fff; }
    header a { color: #fff; }
    header news-search { flex: 0 1 24rem; margin-left: auto; }
    article { max-width: 40rem; margin: 1rem auto; }`,
  rem: 'html { font-size: 62.5%; } body { font-size: 1.6rem; }',
  hostile: `* { color: #888 !important; font-size: 9px !important; line-height: 1 !important; white-space: nowrap !important;
      text-transform: uppercase !important; letter-spacing: 3px !important; font-style: italic !important; font-weight: 700 !important;
      text-indent: 40px !important; text-align: right !important; word-spacing: 8px !important; }
    news-search { --news-search-text: rgb(0, 0, 51); }
    news-search::part(snippet) { text-decoration: underline; }`,
  zoom: 'html { zoom: 2; }',
  narrow: 'header news-search { flex: 0 0 180px; }',
};

/** One page per case; `q` is the page's options: css, lang, dir, and the widgets' attributes. */
function sitePage(api: string, url: URL): string {
  const css = (url.searchParams.get('css') ?? 'header').split(',').map((name) => SITE_CSS[name] ?? '').join('\n');
  const lang = url.searchParams.get('lang') ?? 'ru';
  const dir = url.searchParams.get('dir') ?? 'ltr';
  const endpoint = `${api}/api/search${url.searchParams.get('endpoint') ?? ''}`;
  const attrs = url.searchParams.get('attrs') ?? '';
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><title>Новости</title>
<style>${css}</style>
<script type="module" src="${api}/widget.js"></script></head><body>
<header><a id="logo" href="#top">Новости</a><nav><a id="nav" href="#sport">Спорт</a></nav>
<news-search id="w" endpoint="${endpoint}" debounce="0" ${attrs}></news-search></header>
<main><h1 id="heading">Главное за день</h1><article id="article"><p>Текст статьи о событиях дня, который читатель видит под шапкой сайта.</p></article>
<p><a id="after" href="#after">Ссылка после статьи</a></p></main>
</body></html>`;
}

beforeAll(async () => {
  env = await startWidgetEnv('widget_host');
  site = await startHostSite((url) => sitePage(env.server.baseUrl, url));
  siteUrl = site.url;
});
afterAll(async () => {
  await site?.close();
  await env?.close();
});

async function openSite(query: Record<string, string> = {}, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; widget: NewsSearchHarness; errors: string[] }> {
  expect(new URL(siteUrl).origin).not.toBe(new URL(env.server.baseUrl).origin);
  const { page, errors } = await openPage(env.browser, `${siteUrl}/?${new URLSearchParams(query)}`, { viewport });
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const widget = new NewsSearchHarness(page, '#w');
  await widget.host.evaluate((el) => (el as HTMLElementTagNameMap['news-search']).updateComplete);
  return { page, widget, errors };
}

const box = (page: Page, selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
const expanded = (widget: NewsSearchHarness) => widget.input.getAttribute('aria-expanded');

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('news-search').analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('results overlay the page', () => {
  it('in a flex header: the header, the heading and the article do not move (±0 px) when results open; the list is under the field, inside the window, and scrolls', async () => {
    const { page, widget } = await openSite({}, { width: 1280, height: 420 });
    const before = { header: await box(page, 'header'), heading: await box(page, '#heading'), article: await box(page, '#article') };
    const scrollHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    await widget.type('паром');
    await widget.settled('паром');
    expect(await widget.options.count()).toBeGreaterThan(2);
    expect(await box(page, 'header')).toEqual(before.header);
    expect(await box(page, '#heading')).toEqual(before.heading);
    expect(await box(page, '#article')).toEqual(before.article);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(scrollHeight);

    const field = (await widget.input.boundingBox())!;
    const panel = (await widget.host.locator('.panel').boundingBox())!;
    expect(panel.y).toBeGreaterThanOrEqual(field.y + field.height);
    expect(Math.round(panel.x)).toBe(Math.round(field.x));
    expect(panel.y + panel.height).toBeLessThanOrEqual(420);
    const scroller = await widget.host.locator('.panel').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight, overflow: getComputedStyle(el).overflowY }));
    expect(scroller.overflow).toBe('auto');
    expect(scroller.scroll).toBeGreaterThan(scroller.client);
    // The results are on top: the element at the panel's middle is the widget.
    expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.id, { x: panel.x + panel.width / 2, y: panel.y + 40 })).toBe('w');
    await page.close();
  });

  it('under a narrow field at the right edge, the results are wider than the field and stay inside the window (no horizontal scroll)', async () => {
    const { page, widget } = await openSite({ css: 'header,narrow' }, { width: 1024, height: 700 });
    await widget.type('паром');
    await widget.settled('паром');
    const field = (await widget.input.boundingBox())!;
    const panel = (await widget.host.locator('.panel').boundingBox())!;
    expect(field.width).toBeLessThan(200);
    expect(panel.width).toBeGreaterThanOrEqual(320);
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(1024);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1024);
    await page.close();
  });

  it('with the in-flow attribute, results take their place in the page as before (the header grows)', async () => {
    const { page, widget } = await openSite({ attrs: 'in-flow' });
    const header = await box(page, 'header');
    await widget.type('паром');
    await widget.settled('паром');
    expect((await box(page, 'header')).height).toBeGreaterThan(header.height + 100);
    expect(await widget.host.locator('.panel').evaluate((el) => getComputedStyle(el).position)).toBe('static');
    await page.close();
  });
});

describe('sizes and styles of its own', () => {
  it('under html { font-size: 62.5% } every text is at least 14 px and the dialog keeps its width', async () => {
    const { page, widget } = await openSite({ css: 'header,rem' });
    await widget.type('паром');
    await widget.settled('паром');
    const sizes = await widget.host.evaluate((el) =>
      [...el.shadowRoot!.querySelectorAll('input, .status, .title, time, .section, .snippet, summary, .more')].map((e) => `${e.className || e.tagName}:${parseFloat(getComputedStyle(e).fontSize)}`),
    );
    expect(sizes.length).toBeGreaterThan(5);
    for (const size of sizes) expect(Number(size.split(':')[1]), size).toBeGreaterThanOrEqual(14);

    await widget.host.evaluate((el) => el.setAttribute('mode', 'modal'));
    await widget.host.locator('button.open').click();
    const dialog = widget.host.locator('dialog');
    await dialog.evaluate((d) => Promise.all(d.getAnimations().map((a) => a.finished)));
    expect((await dialog.boundingBox())!.width).toBeGreaterThanOrEqual(640);
    await page.close();
  });

  it('a hostile * { … !important } page leaves its colours, sizes and text layout alone; custom properties and ::part still apply; axe finds no violation', async () => {
    const { page, widget } = await openSite({ css: 'header,hostile' });
    await widget.type('паром');
    await widget.settled('паром');
    const snippet = await widget.host.locator('.snippet').first().evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, whiteSpace: s.whiteSpace, transform: s.textTransform, spacing: s.letterSpacing, style: s.fontStyle, indent: s.textIndent, align: s.textAlign, size: parseFloat(s.fontSize), decoration: s.textDecorationLine };
    });
    expect(snippet).toEqual({ color: 'rgb(0, 0, 51)', whiteSpace: 'normal', transform: 'none', spacing: 'normal', style: 'normal', indent: '0px', align: 'start', size: 14.4, decoration: 'underline' });
    expect(await widget.host.locator('.section').first().evaluate((el) => getComputedStyle(el).fontWeight)).toBe('600');
    expect(await widget.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    // A snippet wraps instead of being cut to one line.
    expect(await widget.host.locator('.snippet').first().evaluate((el) => el.getClientRects().length > 1 || el.getBoundingClientRect().height > 30)).toBe(true);
    await widget.input.press('ArrowDown');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('on a right-to-left page its Russian interface stays left to right', async () => {
    const { page, widget } = await openSite({ dir: 'rtl' });
    await widget.type('паром');
    await widget.settled('паром');
    for (const selector of ['input', '.status', '.option']) {
      expect(await widget.host.locator(selector).first().evaluate((el) => getComputedStyle(el).direction), selector).toBe('ltr');
    }
    const field = (await widget.input.boundingBox())!;
    const textX = await widget.status.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return range.getBoundingClientRect().x;
    });
    // «3 результата» starts at the field's left edge (plus the padding), not at its right.
    expect(textX - field.x).toBeLessThan(30);
    await page.close();
  });
});

describe('states', () => {
  it('moved while a search is on its way, it searches again and shows results for the current text', async () => {
    const { page, widget } = await openSite();
    await widget.type('паром');
    await widget.settled('паром');
    let held = 0;
    let first: Route | undefined;
    await page.route((url) => url.pathname === '/api/search', async (route) => {
      // The first request for «билет» never gets an answer: only a second request can show results.
      if (new URL(route.request().url()).searchParams.get('q') === 'билет' && held++ === 0) {
        first = route;
        return;
      }
      await route.continue().catch(() => undefined);
    });
    await widget.host.evaluate((el) => void (el as HTMLElementTagNameMap['news-search']).search('билет'));
    await expect.poll(() => held).toBe(1); // the request is on its way
    await widget.host.evaluate((el) => document.querySelector('main')!.append(el));
    await page.waitForFunction(
      () => {
        const root = document.querySelector('#w')!.shadowRoot!;
        const texts = [...root.querySelectorAll('[role="option"]')].map((o) => o.textContent ?? '');
        return texts.length > 0 && texts.every((t) => /билет/i.test(t)) && !root.querySelector('.loading') && root.querySelector('#listbox')!.getAttribute('aria-busy') === 'false';
      },
      undefined,
      { timeout: 10_000 },
    );
    expect(held).toBe(2);
    expect(await widget.input.inputValue()).toBe('билет');
    await first?.abort().catch(() => undefined);
    await page.close();
  });

  it('re-added while a keystroke waits for the debounce, it searches the current text when back', async () => {
    const { page, widget } = await openSite();
    await widget.host.evaluate((el) => el.setAttribute('debounce', '400'));
    await widget.type('билет');
    await widget.host.evaluate((el) => {
      const parent = el.parentElement!;
      el.remove();
      parent.append(el);
    });
    await page.waitForFunction(() => document.querySelector('#w')!.shadowRoot!.querySelectorAll('[role="option"]').length > 0, undefined, { timeout: 3000 });
    await page.close();
  });

  it('closes the list on a press outside and when focus leaves (Tab or Shift+Tab away); a press in the field opens it again', async () => {
    const { page, widget } = await openSite();
    await widget.type('паром');
    await widget.settled('паром');
    expect(await expanded(widget)).toBe('true');

    await page.locator('#heading').click();
    expect(await expanded(widget)).toBe('false');
    expect(await widget.host.locator('.panel').isHidden()).toBe(true);

    await widget.input.click();
    expect(await expanded(widget)).toBe('true');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nav');
    expect(await expanded(widget)).toBe('false');

    await widget.input.click();
    expect(await expanded(widget)).toBe('true');
    // Tab through whatever the open panel holds (the filters, "show more") until focus leaves the widget.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) === 'w'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('after');
    expect(await expanded(widget)).toBe('false');
    await page.close();
  });
});

describe('modal mode on phones and zoomed pages', () => {
  it('on a 360 px phone the results take the full width of the screen', async () => {
    const { page, widget } = await openSite({ attrs: 'mode="modal"' }, { width: 360, height: 740 });
    await widget.host.locator('button.open').click();
    await widget.type('паром');
    await widget.settled('паром');
    const option = (await widget.options.first().boundingBox())!;
    expect(option.width).toBeGreaterThanOrEqual(320);
    const close = (await widget.host.locator('button.close').boundingBox())!;
    const field = (await widget.input.boundingBox())!;
    expect(close.y).toBeLessThan(field.y + field.height); // the close button shares the field's row
    await page.close();
  });

  it('under CSS zoom: 2 the dialog fits the window and its last result and "show more" are reachable', async () => {
    const { page, widget } = await openSite({ css: 'header,zoom', attrs: 'mode="modal" page-size="4"' }, { width: 1000, height: 700 });
    await widget.host.locator('button.open').click();
    await widget.type('паром');
    await widget.settled('паром');
    const dialog = widget.host.locator('dialog');
    await dialog.evaluate((d) => Promise.all(d.getAnimations().map((a) => a.finished)));
    const frame = (await dialog.boundingBox())!;
    expect(frame.y + frame.height).toBeLessThanOrEqual(700);
    await dialog.evaluate((d) => (d.scrollTop = d.scrollHeight));
    const more = (await widget.host.locator('.more').boundingBox())!;
    expect(more.y + more.height).toBeLessThanOrEqual(700);
    const shown = await widget.options.count();
    await widget.host.locator('.more').click();
    await expect.poll(() => widget.options.count()).toBeGreaterThan(shown);
    await page.close();
  });
});

describe('inline under CSS zoom', () => {
  it('under zoom: 2 the results overlay still ends inside the window', async () => {
    const { page, widget } = await openSite({ css: 'header,zoom' }, { width: 1000, height: 600 });
    await widget.type('паром');
    await widget.settled('паром');
    const panel = (await widget.host.locator('.panel').boundingBox())!;
    expect(panel.y + panel.height).toBeLessThanOrEqual(600);
    expect(panel.x + panel.width).toBeLessThanOrEqual(1000);
    expect(panel.height).toBeGreaterThan(200);
    await page.close();
  });
});

describe('an endpoint with its own query string', () => {
  it('keeps a parameter the API takes (sort=date) and searches with it', async () => {
    const { page, widget } = await openSite({ endpoint: '?sort=date' });
    const requests: string[] = [];
    page.on('request', (r) => r.url().includes('/api/search') && requests.push(r.url()));
    await widget.type('паром');
    await widget.settled('паром');
    expect(await widget.options.count()).toBeGreaterThan(0);
    expect(new URL(requests.at(-1)!).searchParams.get('sort')).toBe('date');
    await page.close();
  });

  it('one the API refuses (site=sport) is reported naming the endpoint attribute, and no retry that cannot help is offered', async () => {
    const { page, widget, errors } = await openSite({ endpoint: '?site=sport' });
    await widget.type('паром');
    await expect.poll(() => widget.status.textContent()).toBe('Поиск временно недоступен.');
    await expect.poll(() => errors.find((e) => e.includes('<news-search>'))).toMatch(/endpoint attribute.*site/);
    expect(await widget.status.textContent()).toBe('Поиск временно недоступен.');
    expect(await widget.host.locator('.retry').count()).toBe(0);
    await page.close();
  });
});

describe('what a screen reader hears', () => {
  it('on an English page the Russian results carry lang="ru", options have short names, and an answer with the same count is announced again', async () => {
    const { page, widget } = await openSite({ lang: 'en' });
    await widget.type('паром');
    await widget.settled('паром');
    expect(await widget.options.evaluateAll((els) => els.map((e) => e.closest('[lang]')?.getAttribute('lang')))).toEqual(Array(await widget.options.count()).fill('ru'));
    expect(await widget.host.locator('.title').first().evaluate((e) => e.closest('[lang]')?.getAttribute('lang'))).toBe('ru');
    // Names as the accessibility tree computes them (Playwright's aria snapshot of the listbox).
    const snapshot = await widget.host.locator('#listbox').ariaSnapshot();
    const names = [...snapshot.matchAll(/- option "([^"]*)"/g)].map((m) => m[1]!);
    expect(names.length).toBe(await widget.options.count());
    for (const name of names) expect(name.length, name).toBeLessThanOrEqual(80);

    const first = await widget.liveRegion.textContent();
    await widget.host.evaluate((el) => (el as HTMLElementTagNameMap['news-search']).search('паром'));
    await widget.host.evaluate((el) => (el as HTMLElementTagNameMap['news-search']).updateComplete);
    const second = await widget.liveRegion.textContent();
    expect(second?.trim()).toBe(first?.trim());
    expect(second).not.toBe(first);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
