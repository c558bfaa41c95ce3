/**
 * `npm run docs:screenshots`: PNGs of the demo page with results, in inline and modal mode, for docs/
 * and the README (docs/widget-inline.png), and of the widget in a news site's flex header with its
 * results open over the page, on a desktop and on a 360 px phone (docs/widget-header*.png; the site
 * is a page of another origin, as on a real site), taken in the real browser from the current
 * build, so they stay true to the widget. Uses our own fixture articles on a throw-away local system.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchBrowser } from '../tests/support/browser.js';
import { startStage } from './widget-stage.js';

/** A news site's page: the search box in its flex header, the day's story under it. */
function headerPage(api: string): string {
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Новости</title><style>
body { margin: 0; font: 18px/1.5 Georgia, serif; color: #222; background: #f6f4ef; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding: 0.75rem 1.5rem; background: #14213d; color: #fff; }
header b { font-size: 1.4rem; } header nav a { color: #fff; margin-right: 1rem; text-decoration: none; }
header news-search { flex: 1 1 18rem; max-width: 28rem; margin-left: auto; --news-search-radius: 4px; }
main { max-width: 44rem; margin: 1.5rem auto; padding: 0 1rem; }
</style><script type="module" src="${api}/widget.js"></script></head><body>
<header><b>Вести края</b><nav><a href="#">Главное</a><a href="#">Экономика</a><a href="#">Спорт</a></nav>
<news-search id="site-search" endpoint="${api}/api/search"></news-search></header>
<main><h1>Паромная линия откроется весной</h1>
<p>Текст статьи лежит под шапкой сайта; результаты поиска открываются поверх него и не сдвигают ни шапку, ни статью.</p>
<p>Список ограничен высотой окна и прокручивается сам; щелчок мимо или Tab из поля закрывают его.</p></main></body></html>`;
}

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

  // The widget in a news site's flex header (a page of another origin), results open over the page.
  const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(headerPage(stage.baseUrl)));
  await new Promise<void>((resolve) => site.listen(0, 'localhost', resolve));
  try {
    const siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
    for (const [file, viewport] of [
      ['docs/widget-header.png', { width: 1100, height: 620 }],
      ['docs/widget-header-phone.png', { width: 360, height: 740 }],
    ] as const) {
      const sitePage = await browser.newPage({ viewport, deviceScaleFactor: 1 });
      await sitePage.goto(siteUrl);
      await sitePage.locator('#site-search [role="combobox"]').pressSequentially('паром', { delay: 40 });
      await sitePage.waitForFunction(() => {
        const root = document.querySelector('#site-search')?.shadowRoot;
        return root?.querySelector('input')?.value === 'паром' && root.querySelectorAll('[role="option"]').length > 0 && !root.querySelector('.loading');
      });
      await sitePage.locator('#site-search [role="combobox"]').press('ArrowDown');
      await sitePage.screenshot({ path: file });
      await sitePage.close();
    }
  } finally {
    await new Promise((resolve) => site.close(resolve));
  }
  console.log('wrote docs/widget-inline.png, docs/widget-modal.png, docs/widget-conveniences.png, docs/widget-header.png and docs/widget-header-phone.png');
} finally {
  await browser.close();
  await stage.stop();
}
