import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemo, startWidgetEnv, NewsSearchHarness, type WidgetEnv } from './harness.js';

let env: WidgetEnv;

beforeAll(async () => {
  env = await startWidgetEnv('widget_a11y');
});
afterAll(async () => {
  await env?.close();
});

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Where focus really is: the host's id plus the focused element inside its shadow root. */
function deepFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const host = document.activeElement;
    const inner = host?.shadowRoot?.activeElement;
    return `${host?.id || host?.tagName.toLowerCase()}${inner ? ` ${inner.tagName.toLowerCase()}${inner.className ? `.${inner.className}` : ''}` : ''}`;
  });
}

describe('<news-search> keyboard and ARIA (combobox + listbox)', () => {
  it('moves through results with ↑/↓/Home/End, keeps aria-activedescendant in step, and Escape collapses then clears', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('паром');
    await widget.settled('паром');
    const input = widget.input;
    const count = await widget.options.count();
    expect(count).toBeGreaterThan(2);
    expect(await input.getAttribute('role')).toBe('combobox');
    expect(await input.getAttribute('aria-controls')).toBe('listbox');
    expect(await widget.host.locator('#listbox').getAttribute('role')).toBe('listbox');
    expect(await input.getAttribute('aria-activedescendant')).toBeNull();

    const active = async () => {
      const id = await input.getAttribute('aria-activedescendant');
      const selected = await widget.host.locator('[role="option"][aria-selected="true"]').getAttribute('id');
      expect(selected).toBe(id);
      return id;
    };
    await input.press('ArrowDown');
    expect(await active()).toBe('option-0');
    await input.press('ArrowDown');
    expect(await active()).toBe('option-1');
    await input.press('End');
    expect(await active()).toBe(`option-${count - 1}`);
    await input.press('ArrowDown');
    expect(await active()).toBe('option-0');
    await input.press('ArrowUp');
    expect(await active()).toBe(`option-${count - 1}`);
    await input.press('Home');
    expect(await active()).toBe('option-0');
    expect(await deepFocus(page)).toBe('inline-search input');

    await input.press('Escape');
    expect(await input.getAttribute('aria-expanded')).toBe('false');
    expect(await input.getAttribute('aria-activedescendant')).toBeNull();
    expect(await input.inputValue()).toBe('паром');
    await input.press('ArrowDown');
    expect(await input.getAttribute('aria-expanded')).toBe('true');
    expect(await active()).toBe('option-0');
    await input.press('Escape');
    await input.press('Escape');
    expect(await input.inputValue()).toBe('');
    await page.close();
  });

  it('shows a visible focus ring on the field when reached by keyboard', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.input.focus();
    const outline = await widget.input.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await page.close();
  });
});

describe('<news-search mode="modal">', () => {
  it('opens from its button, traps Tab inside the dialog, and gives focus back on Escape', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const modal = new NewsSearchHarness(page, '#modal-search');
    await modal.host.locator('button.open').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => deepFocus(page)).toBe('modal-search input');
    expect(await modal.host.locator('dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);

    await modal.type('паром');
    await modal.settled('паром');
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      seen.add(await deepFocus(page));
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      seen.add(await deepFocus(page));
    }
    // The scrollable result panel is a focus stop of its own (Chromium makes scrollers focusable).
    for (const place of seen) expect(place).toMatch(/^modal-search (input|button|summary|select|div\.panel)/);
    expect(seen).toContain('modal-search button.close');

    await modal.input.focus();
    await page.keyboard.press('Escape');
    expect(await modal.host.locator('dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(await deepFocus(page)).toBe('modal-search button.open');
    await page.close();
  });

  it('opens with "/" and Ctrl+K, but "/" typed into a field stays in the field', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const modal = new NewsSearchHarness(page, '#modal-search');
    const isOpen = () => modal.host.locator('dialog').evaluate((d) => (d as HTMLDialogElement).open);
    await page.locator('h1').click();
    await page.keyboard.press('/');
    await expect.poll(isOpen).toBe(true);
    expect(await modal.input.inputValue()).toBe('');
    await page.keyboard.press('Escape');
    expect(await isOpen()).toBe(false);

    await page.locator('h1').click();
    await page.keyboard.press('Control+k');
    await expect.poll(isOpen).toBe(true);
    await page.keyboard.press('Escape');

    const inline = new NewsSearchHarness(page, '#inline-search');
    await inline.input.click();
    await page.keyboard.type('a/b');
    expect(await inline.input.inputValue()).toBe('a/b');
    expect(await isOpen()).toBe(false);
    await page.close();
  });

  it('fills the whole screen on a narrow viewport', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl, { viewport: { width: 375, height: 667 } });
    await page.locator('#modal-search button.open').click();
    const dialog = page.locator('#modal-search dialog');
    await dialog.evaluate((d) => Promise.all(d.getAnimations().map((a) => a.finished)));
    const box = (await dialog.boundingBox())!;
    expect([box.x, box.y, box.width, box.height].map(Math.round)).toEqual([0, 0, 375, 667]);
    await page.close();
  });

  it('does not animate when the reader prefers reduced motion', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.locator('#modal-search button.open').click();
    expect(await page.locator('#modal-search dialog').evaluate((d) => getComputedStyle(d).animationName)).toBe('none');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await page.locator('#modal-search dialog').evaluate((d) => getComputedStyle(d).animationName)).toBe('appear');
    await page.close();
  });
});

describe('axe-core finds no violations', () => {
  it('in inline mode, with results and an active option', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('паром');
    await widget.settled('паром');
    await widget.input.press('ArrowDown');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('in modal mode, closed and open with results, in light and dark', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    expect(await axeViolations(page)).toEqual([]);
    const modal = new NewsSearchHarness(page, '#modal-search');
    await page.locator('#modal-search button.open').click();
    await modal.type('паром');
    await modal.settled('паром');
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});

describe('theming', () => {
  const background = (page: Page, selector: string) => page.locator(`${selector} [role="combobox"]`).evaluate((el) => getComputedStyle(el).backgroundColor);

  it('follows --news-search-* custom properties and ::part() rules set by the page', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    // The demo page's CSP forbids inline <style>; a constructed stylesheet is how a CSP-strict page themes.
    await page.evaluate((css) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    }, `#inline-search { --news-search-bg: rgb(10, 20, 30); --news-search-mark-bg: rgb(0, 128, 0); }
                #inline-search::part(input) { border-color: rgb(200, 0, 0); }
                #inline-search::part(item) { padding-left: 33px; }`);
    expect(await background(page, '#inline-search')).toBe('rgb(10, 20, 30)');
    expect(await page.locator('#inline-search [role="combobox"]').evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(200, 0, 0)');
    const widget = new NewsSearchHarness(page, '#inline-search');
    await widget.type('паром');
    await widget.settled('паром');
    expect(await widget.host.locator('mark').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(0, 128, 0)');
    expect(await widget.options.first().evaluate((el) => getComputedStyle(el).paddingLeft)).toBe('33px');
    await page.close();
  });

  it('is light or dark by prefers-color-scheme, and theme="light|dark" forces one', async () => {
    const { page } = await openDemo(env.browser, env.server.baseUrl);
    const light = 'rgb(255, 255, 255)';
    const dark = 'rgb(30, 31, 34)';
    expect(await background(page, '#inline-search')).toBe(light);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background(page, '#inline-search')).toBe(dark);
    await page.locator('#inline-search').evaluate((el) => el.setAttribute('theme', 'light'));
    expect(await background(page, '#inline-search')).toBe(light);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('#inline-search').evaluate((el) => el.setAttribute('theme', 'dark'));
    expect(await background(page, '#inline-search')).toBe(dark);
    await page.close();
  });
});
