import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { openDemo, startWidgetEnv, NewsSearchHarness, type WidgetEnv } from './harness.js';

/**
 * tests/fixtures/widget/payloads.txt is an article full of hostile text (script tags, onerror
 * attributes, javascript: urls, broken markup, RTL overrides), indexed by the real indexer and
 * served by the real server. The widget must show it as text: nothing runs, nothing navigates.
 */
let env: WidgetEnv;

beforeAll(async () => {
  env = await startWidgetEnv('widget_safety');
});
afterAll(async () => {
  await env?.close();
});

async function watchForAttacks(page: Page): Promise<{ dialogs: string[]; navigations: string[] }> {
  const dialogs: string[] = [];
  const navigations: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('framenavigated', (f) => navigations.push(f.url()));
  return { dialogs, navigations };
}

describe('<news-search> on hostile content', () => {
  it('renders the payload article as text and <mark> only: nothing executes, the layout holds', async () => {
    const { page, errors } = await openDemo(env.browser, env.server.baseUrl);
    const attacks = await watchForAttacks(page);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('ксилофон');
    await widget.settled('ксилофон');
    // Hover and walk every result too: handlers on injected elements would fire now.
    const count = await widget.options.count();
    expect(count).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < count; i++) {
      await widget.input.press('ArrowDown');
      await widget.options.nth(i).hover();
    }
    await page.waitForTimeout(300);

    expect(attacks.dialogs).toEqual([]);
    expect(attacks.navigations).toEqual([]);
    expect(await page.title()).toBe('Поиск по новостям — демо');
    expect(errors).toEqual([]);

    const injected = await widget.host.evaluate((el) => el.shadowRoot!.querySelectorAll('#listbox :is(script, img, svg, iframe, b, i, object, embed, form)').length);
    expect(injected).toBe(0);
    const elements = await widget.host.evaluate((el) => [...new Set([...el.shadowRoot!.querySelectorAll('#listbox *')].map((n) => n.tagName.toLowerCase()))].sort());
    expect(elements).toEqual(['a', 'div', 'mark', 'span', 'time']);
    const text = (await widget.host.locator('#listbox').textContent()) ?? '';
    expect(text).toContain('<script>');
    expect(text).toContain('onerror=alert');
    expect(text).toContain('javascript:alert');
    const marks = await widget.host.locator('mark').allTextContents();
    expect(marks.every((m) => m.toLowerCase().startsWith('ксилофон'))).toBe(true);

    // Every link goes to the article page on the API's origin.
    const hrefs = await widget.options.evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''));
    for (const href of hrefs) expect(href.startsWith(`${env.server.baseUrl}/articles/payloads?highlight=`)).toBe(true);

    // Layout: nothing spills out of the widget, and right-to-left overrides stay inside their element.
    const overflow = await widget.host.evaluate((el) => {
      const host = el.getBoundingClientRect();
      return [...el.shadowRoot!.querySelectorAll('[role="option"], .article')].filter((n) => {
        const r = n.getBoundingClientRect();
        return r.left < host.left - 1 || r.right > host.right + 1 || n.scrollWidth > n.clientWidth + 1;
      }).length;
    });
    expect(overflow).toBe(0);
    const bidi = await widget.options.first().locator('.snippet').evaluate((el) => getComputedStyle(el).unicodeBidi);
    expect(bidi).toBe('isolate');
    await page.close();
  });

  it('drops javascript:, data: and other non-http links that a response might carry', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const attacks = await watchForAttacks(page);
    // Fault injection on top of a real answer: the urls are replaced by hostile ones.
    const hostile = ['javascript:alert(1)', ' JaVaScRiPt:alert(2)', 'data:text/html,<script>alert(3)</script>', 'vbscript:msgbox(4)'];
    await page.route('**/api/search?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as SearchResponse;
      body.hits.forEach((hit, i) => (hit.url = hostile[i % hostile.length]!));
      await route.fulfill({ response, json: body });
    });
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('ксилофон');
    await widget.settled('ксилофон');
    const hrefs = await widget.options.evaluateAll((els) => els.map((el) => el.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((h) => h === null)).toBe(true);
    await widget.input.press('ArrowDown');
    await widget.input.press('Enter');
    await widget.options.first().click();
    await page.waitForTimeout(300);
    expect(attacks.dialogs).toEqual([]);
    expect(attacks.navigations).toEqual([]);
    // Stop intercepting before closing, or a pending route.fetch() rejects after the page is gone.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
  });
});
