/**
 * `npm run bench:widget`: the bundle's weight (raw, gzip, brotli) next to a minimal Lit element built
 * the same way, and keystroke-to-render latency of <news-search> in real headless Chromium against
 * the local server.
 *
 * Latency is measured inside the page with `debounce="0"`, so the debounce is excluded:
 *   keystroke → render: the last key's `input` event → results in the DOM (after `updateComplete`);
 *   response → render: the API response resolving in `fetch` → results in the DOM (the widget's own cost);
 *   keystroke → response: the network + server + engine share;
 *   bare fetch + JSON: the same request made by a plain fetch from the page, the floor for the above.
 * Each is measured for the widget and for a minimal Lit search box, interleaved on the same queries.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../tests/support/browser.js';
import { startStage } from './widget-stage.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 6);
/**
 * BENCH_BASELINE=<dist directory of another build> (e.g. an older commit built in a scratch
 * worktree): its widget.js and chunks are measured in the same run, on their own page against the
 * same server, interleaved with this build's on the same queries: before/after side by side.
 */
const BASELINE = process.env['BENCH_BASELINE'];
const QUERIES = ['паром', 'билет', 'соглашение', 'Гродноинвест', 'элеваторы', 'расписание', 'эксперты', 'Волгу', 'грузовиков', 'делегация'];

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

function sizes(code: Buffer): Sizes {
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * The baseline, built exactly like the widget: a minimal Lit search box (input → fetch → list with
 * <mark>, latest answer wins) with none of the widget's features. It fires the same results event,
 * so both are measured by the same code, interleaved, in one run.
 */
const MINIMAL_SEARCH = `import { LitElement, html } from 'lit';
class MinimalSearch extends LitElement {
  static properties = { hits: { state: true } };
  constructor() { super(); this.hits = []; this.run = 0; }
  render() {
    return html\`<input type="search" aria-label="search" @input=\${this.onInput}><ul>\${this.hits.map((h) =>
      html\`<li><a href=\${h.url}>\${h.snippet.map((s) => (s.highlight ? html\`<mark>\${s.text}</mark>\` : s.text))}</a></li>\`)}</ul>\`;
  }
  async onInput(e) {
    const q = e.target.value;
    const run = ++this.run;
    const answer = await (await fetch('/api/search?q=' + encodeURIComponent(q) + '&limit=10')).json();
    if (run !== this.run) return;
    this.hits = answer.hits;
    this.dispatchEvent(new CustomEvent('news-search:results', { detail: { query: q } }));
  }
}
customElements.define('minimal-search', MinimalSearch);`;

async function minimalLitBundle(): Promise<Buffer> {
  const result = await build({
    stdin: { contents: MINIMAL_SEARCH, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2021',
    write: false,
    legalComments: 'none',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

/** Resolves (in Node) with the page's clock when results for `query` are in the DOM. */
function resultsRendered(page: Page, id: string, query: string): Promise<number> {
  return page.evaluate(({ id, q }) => {
    const el = document.getElementById(id) as HTMLElementTagNameMap['news-search'];
    return new Promise<number>((resolve) => {
      const onResults = async (e: Event) => {
        if ((e as CustomEvent<{ query: string }>).detail.query !== q) return;
        el.removeEventListener('news-search:results', onResults);
        await el.updateComplete;
        resolve(performance.now());
      };
      el.addEventListener('news-search:results', onResults);
    });
  }, { id, q: query });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** A page of the stage with the timing hooks; `widgetDir` serves widget.js and its chunks from another build (BENCH_BASELINE). */
async function benchPage(browser: Browser, baseUrl: string, widgetDir?: string): Promise<Page> {
  // bypassCSP: the baseline element is injected as an inline module script.
  const page = await (await browser.newContext({ bypassCSP: true })).newPage();
  if (widgetDir) {
    await page.route(
      (url) => url.pathname === '/widget.js' || url.pathname.startsWith('/widget-chunks/'),
      async (route) => route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: await readFile(path.join(widgetDir, new URL(route.request().url()).pathname)) }),
    );
  }
  // tsx compiles with keepNames, which wraps named functions in callbacks with a `__name` helper.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript(() => {
    const w = window as unknown as { __responseAt: Map<string, number>; __keyAt: number };
    w.__responseAt = new Map();
    const original = window.fetch.bind(window);
    window.fetch = async (input, init) => {
      const response = await original(input, init);
      const q = new URL(String(input instanceof Request ? input.url : input), location.href).searchParams.get('q');
      if (q) w.__responseAt.set(q, performance.now());
      return response;
    };
    // Cyrillic keys reach the page as text input without keydown, so the keystroke is its `input` event.
    document.addEventListener('input', (e) => (w.__keyAt = e.timeStamp), true);
  });
  await page.goto(`${baseUrl}/`);
  await page.evaluate(() => {
    const widget = document.createElement('news-search');
    widget.id = 'bench';
    widget.setAttribute('debounce', '0');
    document.querySelector('main')!.prepend(widget);
  });
  await page.waitForFunction(() => customElements.get('news-search') !== undefined);
  return page;
}

type Samples = Record<'keyToRender' | 'responseToRender' | 'keyToResponse', number[]>;

/** One keystroke of `query` in the element `id` on `page`, timed. */
async function measureKeystroke(page: Page, id: string, query: string): Promise<{ keyToRender: number; responseToRender: number; keyToResponse: number }> {
  const input = page.locator(`#${id} input`);
  // Let the prefix's own search finish first, so the measured request never queues behind it.
  const prefixDone = resultsRendered(page, id, query.slice(0, -1));
  await input.fill(query.slice(0, -1));
  await prefixDone;
  const rendered = resultsRendered(page, id, query);
  rendered.catch(() => undefined); // reported through the await below
  await input.pressSequentially(query.slice(-1));
  const renderedAt = await rendered;
  const { keyAt, responseAt } = await page.evaluate((q) => {
    const w = window as unknown as { __responseAt: Map<string, number>; __keyAt: number };
    return { keyAt: w.__keyAt, responseAt: w.__responseAt.get(q)! };
  }, query);
  return { keyToRender: renderedAt - keyAt, responseToRender: renderedAt - responseAt, keyToResponse: responseAt - keyAt };
}

async function measureLatency(
  baseUrl: string,
  minimalJs: string,
  baselineDir?: string,
): Promise<{ widget: Samples; analyticsOff: Samples; minimal: Samples; baseline?: Samples; bareFetch: number[]; reports: number; reporting: boolean }> {
  const browser = await launchBrowser();
  try {
    // With a baseline, both pages get their widget through Playwright's routing: a routed page's every
    // request passes through it (the API calls too), so both must pay that cost for a fair comparison.
    const page = await benchPage(browser, baseUrl, baselineDir ? 'dist' : undefined);
    await page.addScriptTag({ content: minimalJs, type: 'module' });
    await page.evaluate(() => {
      // The same widget with analytics="off" beside the reporting one (issue 26: unchanged within noise).
      const off = document.createElement('news-search');
      off.id = 'off';
      off.setAttribute('debounce', '0');
      off.setAttribute('analytics', 'off');
      const minimal = document.createElement('minimal-search');
      minimal.id = 'minimal';
      document.querySelector('main')!.prepend(off, minimal);
    });
    await page.waitForFunction(() => customElements.get('minimal-search') !== undefined);
    // The baseline build's widget on its own page (one element name per page), same server, same queries.
    const baselinePage = baselineDir ? await benchPage(browser, baseUrl, baselineDir) : undefined;
    const empty = (): Samples => ({ keyToRender: [], responseToRender: [], keyToResponse: [] });
    const result = { widget: empty(), analyticsOff: empty(), minimal: empty(), baseline: baselinePage ? empty() : undefined, bareFetch: [] as number[], reports: 0, reporting: false };
    page.on('request', (r) => void (r.url().includes('/api/analytics/events') && result.reports++));
    // The on/off comparison means something only if the reporting widget did load its analytics chunk.
    page.on('request', (r) => void (r.url().includes('/widget-chunks/analytics-') && (result.reporting = true)));
    const contestants: [Page, string, Samples][] = [
      [page, 'bench', result.widget],
      [page, 'off', result.analyticsOff],
      [page, 'minimal', result.minimal],
    ];
    if (baselinePage && result.baseline) contestants.push([baselinePage, 'bench', result.baseline]);
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const query of QUERIES) {
        // Alternate who goes first, so neither always gets the engine's warmer second request.
        for (const [onPage, id, samples] of round % 2 ? [...contestants].reverse() : contestants) {
          const sample = await measureKeystroke(onPage, id, query);
          if (round === 0) continue; // warm-up: JIT, connection pool, engine caches
          samples.keyToRender.push(sample.keyToRender);
          samples.responseToRender.push(sample.responseToRender);
          samples.keyToResponse.push(sample.keyToResponse);
        }
        // The floor: the same request by a bare fetch + JSON parse from the same page.
        const bare = await page.evaluate(async (q) => {
          const t = performance.now();
          await (await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=10`)).json();
          return performance.now() - t;
        }, query);
        if (round > 0) result.bareFetch.push(bare);
      }
    }
    return result;
  } finally {
    await browser.close();
  }
}

await import('./build.js');
const widget = sizes(await readFile('dist/widget.js'));
const minimalJs = await minimalLitBundle();
const lit = sizes(minimalJs);
console.log('Bundle sizes (esbuild, minified, ES2021; zlib gzip -9 and brotli q11)');
console.log(`  dist/widget.js            raw ${kb(widget.raw).padStart(8)}  gzip ${kb(widget.gzip).padStart(8)}  brotli ${kb(widget.brotli).padStart(8)}`);
console.log(`  minimal Lit search box    raw ${kb(lit.raw).padStart(8)}  gzip ${kb(lit.gzip).padStart(8)}  brotli ${kb(lit.brotli).padStart(8)}`);
console.log(`  widget / minimal          gzip ×${(widget.gzip / lit.gzip).toFixed(2)} (+${kb(widget.gzip - lit.gzip)}); target: dist/widget.js (what a page loads to show the box) ≤ 12 KB gzip; lazy chunks in dist/widget-chunks/ (docs/widget.md)`);

const stage = await startStage(['articles', 'tests/fixtures/widget/harbor.txt', 'tests/fixtures/widget/river.txt', 'tests/fixtures/article-v1.txt']);
try {
  const { widget: w, analyticsOff: o, minimal: m, baseline: b, bareFetch, reports, reporting } = await measureLatency(stage.baseUrl, minimalJs.toString('utf8'), BASELINE);
  const row = (label: string, values: number[]) =>
    console.log(`  ${label.padEnd(36)} p50 ${ms(percentile(values, 50)).padStart(8)}  p95 ${ms(percentile(values, 95)).padStart(8)}  max ${ms(Math.max(...values)).padStart(8)}`);
  console.log(`\nLatency in headless Chromium, debounce="0", ${w.keyToRender.length} keystrokes each, interleaved, over ${QUERIES.length} queries`);
  row('widget   keystroke → render', w.keyToRender);
  row('minimal  keystroke → render', m.keyToRender);
  row('widget   response → render', w.responseToRender);
  row('minimal  response → render', m.responseToRender);
  row('widget   keystroke → response', w.keyToResponse);
  row('minimal  keystroke → response', m.keyToResponse);
  if (b) {
    row('baseline keystroke → render', b.keyToRender);
    row('baseline response → render', b.responseToRender);
  }
  row('bare fetch + JSON (same request)', bareFetch);
  const ratio = (a: number[], b: number[], p: number) => (percentile(a, p) / percentile(b, p)).toFixed(2);
  console.log(`  widget / minimal, keystroke → render: p50 ×${ratio(w.keyToRender, m.keyToRender, 50)}, p95 ×${ratio(w.keyToRender, m.keyToRender, 95)}   (target: p95 ≤ 30 ms)`);
  console.log(
    `  analytics on / off, keystroke → render: p50 ×${ratio(w.keyToRender, o.keyToRender, 50)}, p95 ×${ratio(w.keyToRender, o.keyToRender, 95)}; ` +
      `response → render p95 ×${ratio(w.responseToRender, o.responseToRender, 95)}   (analytics chunk ${reporting ? 'loaded' : 'NOT loaded'}, ${reports} reports)`,
  );
  if (b) console.log(`  widget / baseline (${BASELINE}), keystroke → render: p50 ×${ratio(w.keyToRender, b.keyToRender, 50)}, p95 ×${ratio(w.keyToRender, b.keyToRender, 95)}; response → render p95 ×${ratio(w.responseToRender, b.responseToRender, 95)}`);
} finally {
  await stage.stop();
}
