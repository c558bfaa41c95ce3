import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.js';
import { clipQuery, MAX_QUERY_CHARS } from '../../core/query-length.js';
import { mountWidget, openDemo, recordedEvents, startWidgetEnv, NewsSearchHarness, type WidgetEnv } from './harness.js';

let env: WidgetEnv;

beforeAll(async () => {
  env = await startWidgetEnv('widget_search');
});
afterAll(async () => {
  await env?.close();
});

function ruCount(n: number): string {
  const form = new Intl.PluralRules('ru').select(n);
  return `${n} ${form === 'one' ? 'результат' : form === 'few' ? 'результата' : 'результатов'}`;
}

describe('<news-search> searching as you type, in real Chromium', () => {
  it('groups section hits by article, with title, date, count, and <mark> around the matches', async () => {
    const { page, errors } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('паром');
    await widget.settled('паром');

    const titles = await widget.host.locator('[role="group"] .title').allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['Новый паром свяжет Калининград и Усть-Лугу', 'Речной паром вернулся на Волгу']));
    expect(titles).toHaveLength(2);
    expect(await widget.host.locator('[role="group"] time').first().getAttribute('datetime')).toMatch(/^2026-0[34]-\d\d$/);
    expect(await widget.host.locator('[role="group"] time').allTextContents()).toEqual(expect.arrayContaining(['2 марта 2026 г.']));

    const events = await recordedEvents(page);
    const results = events.filter((e) => e.type === 'news-search:results').at(-1)!;
    const { total, hits } = results.detail as { total: number; hits: unknown[] };
    expect(total).toBeGreaterThanOrEqual(5);
    expect(await widget.options.count()).toBe(hits.length);
    expect((await widget.liveRegion.textContent())?.trim()).toBe(ruCount(total));
    expect((await widget.status.textContent())?.trim()).toBe(ruCount(total));
    expect(await widget.input.getAttribute('aria-expanded')).toBe('true');

    const marks = await widget.host.locator('[role="option"] mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => m.toLowerCase().startsWith('паром'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a pasted passage longer than the API takes is cut at a word and searched, not refused', async () => {
    const { page, errors } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    const passage = `Новый паром пойдёт по расписанию. ${'Пассажиры обсуждали погоду и расписание рейсов. '.repeat(80)}`;
    expect(passage.length).toBeGreaterThan(2 * MAX_QUERY_CHARS);
    await widget.input.fill(passage);
    const sent = clipQuery(passage.trim());
    await widget.settled(sent);
    expect(await widget.host.locator('.retry').count()).toBe(0);
    const titles = await widget.host.locator('[role="group"] .title').allTextContents();
    expect(titles).toContain('Новый паром свяжет Калининград и Усть-Лугу');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('links to the article, the section anchor and a text fragment, and Enter goes there', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('паром');
    await widget.settled('паром');
    const hrefs = await widget.options.evaluateAll((els) => els.map((el) => el.getAttribute('href')));
    for (const href of hrefs) expect(href).toMatch(new RegExp(`^${env.server.baseUrl}/articles/(harbor|river)\\?highlight=[^#]+#[^:]+:~:text=.+`));
    expect(hrefs.some((h) => decodeURIComponent(h!.split(':~:text=')[1]!).toLowerCase().startsWith('паром'))).toBe(true);

    await widget.input.press('ArrowDown');
    await Promise.all([page.waitForURL(/\/articles\//), widget.input.press('Enter')]);
    const url = new URL(page.url());
    const anchor = decodeURIComponent(url.hash.slice(1).split(':~:')[0]!);
    expect(url.pathname).toMatch(/^\/articles\/(harbor|river)$/);
    expect(await page.locator(`[id="${anchor}"]`).count(), page.url()).toBe(1);
    await page.close();
  });

  it('"show more" asks for the next page until every hit is shown', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'paged', { 'page-size': '2', debounce: '0' });
    await widget.search('паром');
    expect(await widget.options.count()).toBe(2);
    const more = widget.host.locator('button.more');
    const total = ((await recordedEvents(page)).at(-1)!.detail as { total: number }).total;
    for (let shown = 2; shown < total; shown = Math.min(total, shown + 2)) {
      await more.click();
      await page.waitForFunction(
        ({ n }) => document.querySelector('#paged')!.shadowRoot!.querySelectorAll('[role="option"]').length === n,
        { n: Math.min(total, shown + 2) },
      );
    }
    expect(await widget.options.count()).toBe(total);
    const hrefs = await widget.options.evaluateAll((els) => els.map((el) => el.getAttribute('href')));
    expect(new Set(hrefs).size).toBe(total);
    await expect.poll(() => more.count()).toBe(0);
    await page.close();
  });

  it('never lets a slow earlier response overwrite a later query', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'racy', { debounce: '0' });
    let releaseSlow: () => void = () => undefined;
    const slowReleased = new Promise<void>((resolve) => (releaseSlow = resolve));
    await page.route('**/api/search?*', async (route) => {
      const q = new URL(route.request().url()).searchParams.get('q');
      if (q === 'паром') await slowReleased;
      await route.continue().catch(() => undefined); // the aborted request can no longer continue
    });
    await widget.host.evaluate((el) => void (el as HTMLElementTagNameMap['news-search']).search('паром'));
    await widget.search('билет');
    const later = await widget.optionTexts();
    releaseSlow();
    // Give the held response every chance to arrive and (wrongly) render.
    await page.waitForTimeout(500);
    expect(await widget.optionTexts()).toEqual(later);
    expect(later.join(' ').toLowerCase()).toContain('билет');
    const answered = (await recordedEvents(page)).filter((e) => e.target === 'racy').map((e) => (e.detail as { query: string }).query);
    expect(answered).toEqual(['билет']);
    await page.close();
  });

  it('shows a loading state only while a request is slow, keeping the previous results meanwhile', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'slow', { debounce: '0' });
    await widget.search('паром');
    const before = await widget.options.count();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/search?*', async (route) => {
      await held;
      await route.continue();
    });
    await widget.host.evaluate((el) => void (el as HTMLElementTagNameMap['news-search']).search('билет'));
    await widget.host.locator('.loading').waitFor();
    expect(await widget.host.locator('.loading').textContent()).toBe('Ищем…');
    expect(await widget.host.locator('#listbox').getAttribute('aria-busy')).toBe('true');
    expect(await widget.options.count()).toBe(before);
    release();
    await widget.settled('билет');
    expect(await widget.host.locator('.loading').count()).toBe(0);
    expect(await widget.host.locator('#listbox').getAttribute('aria-busy')).toBe('false');
    expect((await widget.optionTexts()).join(' ').toLowerCase()).toContain('билет');
    await page.close();
  });

  it('shows an error with a retry button when the API is unreachable, and recovers without a reload', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = await mountWidget(page, 'flaky', { debounce: '0' });
    await page.route('**/api/search?*', (route) => route.abort('connectionrefused'));
    await widget.search('паром');
    expect((await widget.status.textContent())?.trim()).toBe('Поиск временно недоступен.');
    expect((await widget.liveRegion.textContent())?.trim()).toBe('Поиск временно недоступен.');
    await page.unroute('**/api/search?*');
    await widget.host.locator('button.retry').click();
    // settled() also accepts the retry button, which stays until the retried answer arrives.
    await expect.poll(() => widget.options.count()).toBeGreaterThan(0);
    await widget.settled('паром');
    expect(await widget.host.locator('button.retry').count()).toBe(0);
    await page.close();
  });

  it('shows the error state for the server\'s real 503 when its engine is unreachable', async () => {
    const broken = await startTestServer('widget_search_unreachable', { engineUrl: 'http://127.0.0.1:9', engineTimeoutMs: 500 });
    try {
      const { page, errors } = await openDemo(env.browser, broken.baseUrl);
      const widget = new NewsSearchHarness(page, '#inline-search');
      await widget.type('паром');
      await widget.settled('паром');
      expect((await widget.status.textContent())?.trim()).toBe('Поиск временно недоступен.');
      expect(await widget.host.locator('button.retry').isVisible()).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await broken.close();
    }
  });

  it('says so when nothing matches, with a hint, and sends nothing for too-short queries', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const requests: string[] = [];
    page.on('request', (r) => r.url().includes('/api/search') && requests.push(r.url()));
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('п');
    await page.waitForTimeout(300);
    expect(requests).toEqual([]);
    await widget.input.fill('');
    await widget.type('абракадабра');
    await widget.settled('абракадабра');
    expect((await widget.status.textContent())?.trim()).toBe('Ничего не найдено по запросу «абракадабра»');
    expect(await widget.host.locator('.hint').textContent()).toContain('Проверьте написание');
    expect(await widget.input.getAttribute('aria-expanded')).toBe('false');
    await page.close();
  });

  it('fires news-search:select with the hit, which the page can cancel', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await page.evaluate(() => document.addEventListener('news-search:select', (e) => e.preventDefault()));
    await widget.search('билет');
    await widget.options.first().click();
    const select = (await recordedEvents(page)).find((e) => e.type === 'news-search:select')!;
    expect(select.detail).toMatchObject({ article: { id: 'river' }, section: { anchor: expect.any(String) } });
    expect(new URL(page.url()).pathname).toBe('/');
    await page.close();
  });

  it('clear() empties the field and the results; search(q) fills the field', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.search('паром');
    expect(await widget.input.inputValue()).toBe('паром');
    await widget.host.evaluate((el) => (el as HTMLElementTagNameMap['news-search']).clear());
    expect(await widget.input.inputValue()).toBe('');
    expect(await widget.options.count()).toBe(0);
    expect(await widget.host.locator('.panel').isHidden()).toBe(true);
    await page.close();
  });

  it('keeps the query across a reload only when the page asks for it (persist)', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const kept = await mountWidget(page, 'kept', { persist: '', debounce: '0' });
    await kept.type('паром');
    await kept.settled('паром');
    const forgot = await mountWidget(page, 'forgot', { debounce: '0' });
    await forgot.type('билет');
    await forgot.settled('билет');
    await page.reload();
    const keptAgain = await mountWidget(page, 'kept', { persist: '', debounce: '0' });
    const forgotAgain = await mountWidget(page, 'forgot', { debounce: '0' });
    await keptAgain.settled('паром');
    expect(await keptAgain.options.count()).toBeGreaterThan(0);
    expect(await forgotAgain.input.inputValue()).toBe('');
    await page.close();
  });

  it('speaks English with lang="en" and takes string overrides as JSON', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const english = await mountWidget(page, 'english', { lang: 'en', debounce: '0' });
    expect(await english.input.getAttribute('placeholder')).toBe('Search the news');
    await english.search('паром');
    const total = ((await recordedEvents(page)).at(-1)!.detail as { total: number }).total;
    expect((await english.status.textContent())?.trim()).toBe(`${total} results`);
    await english.search('абракадабра');
    expect((await english.status.textContent())?.trim()).toBe('Nothing found for “абракадабра”');

    await english.host.evaluate((el) => el.setAttribute('lang', 'ru'));
    expect(await english.input.getAttribute('placeholder')).toBe('Поиск по новостям');

    const custom = await mountWidget(page, 'custom', {
      debounce: '0',
      strings: JSON.stringify({ placeholder: 'Найти в архиве', results: { one: '{count} раздел', few: '{count} раздела', many: '{count} разделов', other: '{count} раздела' } }),
    });
    expect(await custom.input.getAttribute('placeholder')).toBe('Найти в архиве');
    await custom.search('билет');
    expect((await custom.status.textContent())?.trim()).toMatch(/^\d+ раздел(а|ов)?$/);
    await page.close();
  });
});
