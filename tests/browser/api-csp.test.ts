import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { useFixtureServer } from '../fixtures/api-articles.js';

const fixture = useFixtureServer('apicsp');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Collects CSP violations reported in the page (and its console) while `act` runs. */
async function violations(page: Page, act: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await act();
  return seen;
}

describe('the strict CSP in real Chromium', () => {
  it('lets the demo page run the widget (module script, constructable styles) with no violation', async () => {
    const page = await browser.newPage();
    const seen = await violations(page, async () => {
      await page.goto(`${fixture.server.baseUrl}/`);
      await page.locator('news-search [role="combobox"]').pressSequentially('соглашение', { delay: 20 });
      await page.locator('news-search [role="option"]').first().waitFor();
    });
    expect(seen).toEqual([]);
    await page.close();
  });

  it('renders an article page with its inline styles allowed by hash and no script run', async () => {
    const page = await browser.newPage();
    const seen = await violations(page, async () => {
      await page.goto(`${fixture.server.baseUrl}/articles/tricky#lead`);
    });
    expect(seen).toEqual([]);
    // The escaped <script> in the title is text, and the page's own <style> applied.
    expect(await page.title()).toContain('<script>alert(1)</script>');
    expect(await page.locator('body').evaluate((b) => getComputedStyle(b).maxWidth)).not.toBe('none');
    await page.close();
  });
});
