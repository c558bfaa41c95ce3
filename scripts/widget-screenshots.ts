/**
 * `npm run docs:screenshots`: PNGs of the demo page with results, in inline and modal mode, for docs/
 * and the README (docs/widget-inline.png), taken in the real browser from the current build, so
 * they stay true to the widget. Uses our own fixture articles on a throw-away local system.
 */
import { launchBrowser } from '../tests/support/browser.js';
import { startStage } from './widget-stage.js';

await import('./build.js');
const stage = await startStage(['articles', 'tests/fixtures/widget/harbor.txt', 'tests/fixtures/widget/river.txt', 'tests/fixtures/widget-filters']);
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${stage.baseUrl}/`);
  const settle = (selector: string, query: string) =>
    page.waitForFunction(
      ({ selector, query }) => {
        const root = document.querySelector(selector)?.shadowRoot;
        return root?.querySelector('input')?.value === query && root.querySelectorAll('[role="option"]').length > 0 && !root.querySelector('.loading');
      },
      { selector, query },
    );

  await page.locator('#inline-search [role="combobox"]').pressSequentially('паром', { delay: 40 });
  await settle('#inline-search', 'паром');
  await page.locator('#inline-search [role="combobox"]').press('ArrowDown');
  await page.screenshot({ path: 'docs/widget-inline.png' });

  await page.reload();
  await page.keyboard.press('/');
  await page.locator('#modal-search input').pressSequentially('соглашение', { delay: 40 });
  await settle('#modal-search', 'соглашение');
  await page.locator('#modal-search input').press('ArrowDown');
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/widget-modal.png' });

  // A query typed with the Latin layout on: the corrected-query notice, and the filters opened.
  await page.reload();
  await page.locator('#inline-search [role="combobox"]').pressSequentially('cjukfitybt', { delay: 40 });
  await settle('#inline-search', 'cjukfitybt');
  await page.locator('#inline-search summary').click();
  await page.screenshot({ path: 'docs/widget-conveniences.png' });
  console.log('wrote docs/widget-inline.png, docs/widget-modal.png and docs/widget-conveniences.png');
} finally {
  await browser.close();
  await stage.stop();
}
