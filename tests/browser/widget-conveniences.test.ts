/**
 * Issue 8 in the widget, against the real server and real Chromium: the corrected-query notice and its
 * way back, filters and sort, announcements in the UI language, `?highlight=` on article links, and the
 * no-JavaScript form that submits to the server's results page.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, Request } from 'playwright-core';
import type { SearchResponse } from '../../core/api.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountWidget, openDemo, recordedEvents, startWidgetEnv, NewsSearchHarness, type WidgetEnv } from './harness.js';

let env: WidgetEnv;

beforeAll(async () => {
  env = await startWidgetEnv('widget_conveniences', ['articles', 'tests/fixtures/widget-filters']);
});
afterAll(async () => {
  await env?.close();
});

const SEED = '000_239304c8c15dffd8';

/** The next API request whose parameters satisfy `match`, started by `action`. */
async function requestDuring(page: Page, match: (params: URLSearchParams) => boolean, action: () => Promise<unknown>): Promise<URLSearchParams> {
  const isSearch = (r: Request) => r.url().includes('/api/search?') && match(new URL(r.url()).searchParams);
  const [request] = await Promise.all([page.waitForRequest(isSearch), action()]);
  await request.response();
  return new URL(request.url()).searchParams;
}

async function lastTotal(page: Page, target: string): Promise<number> {
  const events = (await recordedEvents(page)).filter((e) => e.type === 'news-search:results' && e.target === target);
  return (events.at(-1)!.detail as { total: number }).total;
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

describe('corrected query (wrong keyboard layout)', () => {
  it('shows the notice, marks the corrected words on article links, and the way back searches what was typed', async () => {
    const { page, errors } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'layout', { debounce: '0' });
    await widget.search('cjukfitybt');

    const notice = widget.host.locator('.corrected');
    // The reason in brackets, worded as on the no-JavaScript results page.
    expect((await notice.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'Показаны результаты по запросу «соглашение» (запрос набран в другой раскладке клавиатуры) Искать «cjukfitybt»',
    );
    expect(await widget.liveRegion.textContent()).toContain('Показаны результаты по запросу «соглашение» (запрос набран в другой раскладке клавиатуры)');
    expect((await new AxeBuilder({ page }).include('#layout').analyze()).violations.map((v) => v.id)).toEqual([]);
    expect(await widget.options.count()).toBeGreaterThan(0);
    const href = new URL((await widget.options.first().getAttribute('href'))!);
    expect(href.pathname).toBe(`/articles/${SEED}`);
    expect(href.searchParams.get('highlight')).toBe('соглашение');
    expect(href.hash).toMatch(/^#[^:]+:~:text=/);

    const exactButton = widget.host.locator('button.exact');
    const sent = await requestDuring(page, (p) => p.get('exact') === '1', () => exactButton.click());
    expect(sent.get('q')).toBe('cjukfitybt');
    await expect.poll(() => notice.count()).toBe(0);
    await expect.poll(async () => (await widget.status.textContent())?.trim()).toBe('Ничего не найдено по запросу «cjukfitybt»');
    expect(await widget.options.count()).toBe(0);

    // Typing again leaves "exact" behind: the next query may be corrected again.
    const again = await requestDuring(page, (p) => p.get('q') === 'cjukfitybt', () => widget.input.press('Enter'));
    expect(again.get('exact')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('speaks English in an English page, counts included', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'english', { debounce: '0', lang: 'en' });
    await widget.search('cjukfitybt');
    expect((await widget.host.locator('.corrected').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'Showing results for “соглашение” (typed in another keyboard layout) Search for “cjukfitybt”',
    );

    await widget.search('паром');
    const total = await lastTotal(page, 'english');
    expect(total).toBeGreaterThan(1);
    expect((await widget.liveRegion.textContent())?.trim()).toBe(`${total} results`);
    await page.close();
  });
});

describe('filters and sort', () => {
  it('a tag from the facets narrows the results and is sent as `tag`', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'tags', { debounce: '0' });
    await widget.search('паром');
    const before = await lastTotal(page, 'tags');
    await widget.host.locator('summary').click();
    const tagSelect = widget.host.locator('select[name="tag"]');
    const labels = await tagSelect.locator('option').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['Все рубрики', expect.stringMatching(/^туризм \(\d+\)$/), expect.stringMatching(/^транспорт \(\d+\)$/)]));

    const sent = await requestDuring(page, (p) => p.has('tag'), () => tagSelect.selectOption('туризм'));
    expect(sent.get('tag')).toBe('туризм');
    await expect.poll(() => widget.host.locator('[role="group"] .title').allTextContents()).toEqual(['Туристы выбирают паром вместо самолёта']);
    const after = await lastTotal(page, 'tags');
    expect(after).toBeLessThan(before);
    // The other tags stay choosable while one is chosen.
    expect(await tagSelect.locator('option').count()).toBe(labels.length);
    const violations = (await new AxeBuilder({ page }).include('#tags').analyze()).violations;
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await expect.poll(async () => (await widget.liveRegion.textContent())?.trim()).toBe(`${after} ${after === 1 ? 'результат' : 'результата'}`);
    await page.close();
  });

  it('sort by date sends `sort=date` and shows the articles in the order the API gives for it', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'sorted', { debounce: '0' });
    await widget.search('паром');
    await widget.host.locator('summary').click();
    const sent = await requestDuring(page, (p) => p.has('sort'), () => widget.host.locator('select[name="sort"]').selectOption('date'));
    expect(sent.get('sort')).toBe('date');
    const api = (await (await fetch(`${env.server.baseUrl}/api/search?${sent}`)).json()) as SearchResponse;
    const expected = [...new Set(api.hits.map((h) => h.article.title))];
    expect(expected.length).toBeGreaterThan(1);
    await expect.poll(() => widget.host.locator('[role="group"] .title').allTextContents()).toEqual(expected);
    // Back to relevance: `sort` is no longer sent.
    const back = await requestDuring(page, (p) => p.get('q') === 'паром', () => widget.host.locator('select[name="sort"]').selectOption(''));
    expect(back.has('sort')).toBe(false);
    await page.close();
  });

  it('date presets send `from`; custom dates send `from` and `to`; all reachable by keyboard', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'dated', { debounce: '0' });
    await widget.search('паром');

    // Keyboard only: Tab from the field to the disclosure, open it, Tab to the period select.
    await widget.input.focus();
    await page.keyboard.press('Tab');
    expect(await widget.focusedInside()).toBe('summary');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await widget.host.evaluate((el) => el.shadowRoot!.activeElement?.getAttribute('name'))).toBe('period');

    const period = widget.host.locator('select[name="period"]');
    const week = await requestDuring(page, (p) => p.has('from'), () => period.selectOption('week'));
    expect(week.get('from')).toBe(daysAgo(7));
    expect(week.has('to')).toBe(false);
    const year = await requestDuring(page, (p) => p.get('from') === daysAgo(365), () => period.selectOption('year'));
    expect(year.get('q')).toBe('паром');

    await period.selectOption('custom');
    const from = widget.host.locator('input[name="from"]');
    const custom = await requestDuring(page, (p) => p.get('from') === '2025-01-01', () => from.fill('2025-01-01'));
    expect(custom.has('to')).toBe(false);
    const bounded = await requestDuring(page, (p) => p.get('to') === '2025-12-31', () => widget.host.locator('input[name="to"]').fill('2025-12-31'));
    expect(bounded.get('from')).toBe('2025-01-01');
    await expect.poll(() => widget.host.locator('[role="group"] .title').allTextContents()).toEqual(['Туристы выбирают паром вместо самолёта']);
    await page.close();
  });
});

describe('deep links', () => {
  it('links to our own article pages carry ?highlight= with the query, before the anchor and text fragment', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('паром');
    await widget.settled('паром');
    const hrefs = await widget.options.evaluateAll((els) => els.map((el) => el.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) {
      expect(href).toMatch(new RegExp(`^${env.server.baseUrl}/articles/[^/?#]+\\?highlight=${encodeURIComponent('паром')}#[^:]+(:~:text=.+)?$`));
    }
    // The text fragment comes from the snippet's highlighted words, where it has any.
    expect(hrefs.some((href) => href.includes(':~:text='))).toBe(true);
    await Promise.all([page.waitForURL(/highlight=/), widget.options.first().click()]);
    expect(await page.locator('mark').count()).toBeGreaterThan(0);
    await page.close();
  });
});

describe('without JavaScript', () => {
  it('the form inside <news-search> submits to the server results page, with hits and highlights', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.server.baseUrl}/`);
    const field = page.locator('news-search#inline-search > form input[name="q"]');
    expect(await field.isVisible()).toBe(true);
    await field.fill('соглашение');
    await Promise.all([page.waitForURL(/\/search\?q=/), field.press('Enter')]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('соглашение');
    expect(await page.locator('ol li').count()).toBeGreaterThan(0);
    const marks = await page.locator('ol li mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => m.toLowerCase().startsWith('соглашен'))).toBe(true);
    await context.close();
  });

  it('with JavaScript the fallback form is neither shown nor focusable', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const field = page.locator('news-search#inline-search > form input[name="q"]');
    expect(await field.count()).toBe(1);
    expect(await field.isVisible()).toBe(false);
    expect(await field.evaluate((el: HTMLInputElement) => (el.focus(), document.activeElement === el))).toBe(false);
    await page.close();
  });
});
