/**
 * Shared set-up for the widget's browser tests: a real index built by the real indexer from our
 * fixtures, the real server, real Chromium, and a harness that drives `<news-search>` like a reader.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { runIndexer } from '../../indexer/run.js';
import { launchBrowser } from '../support/browser.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

type ServerOptions = Parameters<typeof startTestServer>[1];

export const FIXTURES = 'tests/fixtures/widget';

export interface WidgetEnv {
  server: TestServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWidgetEnv(prefix: string, paths: string[] = [FIXTURES], serverOptions?: ServerOptions): Promise<WidgetEnv> {
  const uid = uniqueIndexUid(prefix);
  const summary = await runIndexer(adminEngine(), uid, { paths, prune: false });
  if (summary.failed) throw new Error(`fixtures failed to index: ${JSON.stringify(summary.failures)}`);
  const server = await startTestServer(uid, serverOptions);
  const browser = await launchBrowser();
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await deleteIndex(uid);
    },
  };
}

/** Everything the widgets on a page emitted, in order, recorded from before the widget loads. */
export interface RecordedEvent {
  type: string;
  target: string;
  detail: unknown;
}

type PageOptions = { viewport?: { width: number; height: number }; /** Runs in the page before any of its scripts. */ initScript?: () => void };

/** Opens the demo page with event recording and error capture. */
export function openDemo(browser: Browser, baseUrl: string, options: PageOptions = {}): Promise<{ page: Page; errors: string[] }> {
  return openPage(browser, `${baseUrl}/`, options);
}

/** Opens a page that loads the widget (the demo, or a host page of another origin) with event recording and error capture. */
export async function openPage(browser: Browser, url: string, options: PageOptions = {}): Promise<{ page: Page; errors: string[] }> {
  // axe-core's Playwright runner needs a page from an explicit context.
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  const page = await context.newPage();
  // The browser may already be closing (afterAll right after the last page.close()): nothing left to close then.
  page.on('close', () => void context.close().catch(() => undefined));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (options.initScript) await page.addInitScript(options.initScript);
  await page.addInitScript(() => {
    const events: RecordedEvent[] = [];
    (window as unknown as { __events: RecordedEvent[] }).__events = events;
    for (const type of ['news-search:results', 'news-search:select']) {
      document.addEventListener(type, (e) => events.push({ type, target: (e.target as Element).id, detail: (e as CustomEvent).detail }));
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('news-search') !== undefined);
  return { page, errors };
}

export function recordedEvents(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { __events: RecordedEvent[] }).__events);
}

/** Adds another `<news-search>` with the given attributes to the page; returns its harness. */
export async function mountWidget(page: Page, id: string, attributes: Record<string, string>): Promise<NewsSearchHarness> {
  await page.evaluate(
    ({ id, attributes }) => {
      const el = document.createElement('news-search');
      el.id = id;
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      document.querySelector('main')!.prepend(el);
    },
    { id, attributes },
  );
  return new NewsSearchHarness(page, `#${id}`);
}

/** Drives one widget the way a reader does (material-web's harness idea). */
export class NewsSearchHarness {
  constructor(
    readonly page: Page,
    readonly selector: string,
  ) {}

  get host(): Locator {
    return this.page.locator(this.selector);
  }
  get input(): Locator {
    return this.host.locator('[role="combobox"]');
  }
  get options(): Locator {
    return this.host.locator('[role="option"]');
  }
  get groups(): Locator {
    return this.host.locator('[role="group"]');
  }
  get status(): Locator {
    return this.host.locator('.status');
  }
  get liveRegion(): Locator {
    return this.host.locator('[role="status"]');
  }

  async type(text: string): Promise<void> {
    await this.input.click();
    await this.input.pressSequentially(text, { delay: 15 });
  }

  /** Waits until the widget has answered `query`: a results event for it (results or empty), or the error state. */
  async settled(query: string): Promise<void> {
    await this.page.waitForFunction(
      ({ selector, query }) => {
        const el = document.querySelector(selector);
        const events = (window as unknown as { __events: RecordedEvent[] }).__events;
        const answered = events.some((e) => e.type === 'news-search:results' && e.target === el?.id && (e.detail as { query: string }).query === query);
        return (answered || !!el?.shadowRoot?.querySelector('.retry')) && !el?.shadowRoot?.querySelector('.loading');
      },
      { selector: this.selector, query },
    );
    await this.host.evaluate((el) => (el as HTMLElementTagNameMap['news-search']).updateComplete);
  }

  async search(query: string): Promise<void> {
    await this.host.evaluate((el, q) => (el as HTMLElementTagNameMap['news-search']).search(q), query);
    await this.settled(query);
  }

  async optionTexts(): Promise<string[]> {
    return this.options.allTextContents();
  }

  /** The id of the element focused inside the widget's shadow root (or the host's own focus state). */
  focusedInside(): Promise<string | null> {
    return this.host.evaluate((el) => {
      const active = el.shadowRoot?.activeElement;
      return active ? active.tagName.toLowerCase() + (active.className ? `.${active.className}` : '') : null;
    });
  }
}

/** Gaps between keys, 80–250 ms (a reader's pace), fixed so a failure replays. */
export const KEY_GAPS_MS = [80, 250, 130, 210, 95, 170, 240, 115, 150, 190, 85, 225];

/** Types `text` one key at a time, as a reader does. */
export async function typeLikeReader(widget: NewsSearchHarness, text: string): Promise<void> {
  await widget.input.focus();
  for (const [i, key] of [...text].entries()) {
    await widget.input.pressSequentially(key);
    await widget.page.waitForTimeout(KEY_GAPS_MS[i % KEY_GAPS_MS.length]!);
  }
}

/** The reformulating reader of issue 26: «путин», its answer, a 3 s pause, then « визит» added, and its answer. */
export async function typeThenRefine(widget: NewsSearchHarness): Promise<void> {
  await typeLikeReader(widget, 'путин');
  await widget.settled('путин');
  await widget.page.waitForTimeout(3000);
  await typeLikeReader(widget, ' визит');
  await widget.settled('путин визит');
}

/** A news site of another origin (localhost, where the API listens on 127.0.0.1) serving the pages `page` renders. */
export interface HostSite {
  url: string;
  close(): Promise<void>;
}

export async function startHostSite(page: (url: URL) => string): Promise<HostSite> {
  const site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(new URL(req.url ?? '/', 'http://site')));
  });
  await new Promise<void>((resolve) => site.listen(0, 'localhost', resolve));
  const { port } = site.address() as AddressInfo;
  return { url: `http://localhost:${port}`, close: () => new Promise((resolve) => site.close(() => resolve())) };
}
