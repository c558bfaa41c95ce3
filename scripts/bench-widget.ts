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
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { launchBrowser } from '../tests/support/browser.js';
import { startStage } from './widget-stage.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 6);
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

/** The floor: a Lit element with one input, bundled and minified exactly like the widget. */
async function minimalLitBundle(): Promise<Buffer> {
  const result = await build({
    stdin: {
      contents: `import { LitElement, html } from 'lit';
        class MinimalSearch extends LitElement { render() { return html\`<input type="search" aria-label="search">\`; } }
        customElements.define('minimal-search', MinimalSearch);`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2021',
    write: false,
    legalComments: 'none',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function measureLatency(baseUrl: string): Promise<Record<'keyToRender' | 'responseToRender' | 'keyToResponse' | 'bareFetch', number[]>> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
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
      const el = document.createElement('news-search');
      el.id = 'bench';
      el.setAttribute('debounce', '0');
      document.querySelector('main')!.prepend(el);
    });
    const input = page.locator('#bench input');
    const samples = { keyToRender: [] as number[], responseToRender: [] as number[], keyToResponse: [] as number[], bareFetch: [] as number[] };
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const query of QUERIES) {
        await input.fill(query.slice(0, -1));
        await page.waitForTimeout(30);
        const rendered = page.evaluate((q) => {
          const el = document.querySelector('#bench') as HTMLElementTagNameMap['news-search'];
          return new Promise<number>((resolve) => {
            const onResults = async (e: Event) => {
              if ((e as CustomEvent<{ query: string }>).detail.query !== q) return;
              el.removeEventListener('news-search:results', onResults);
              await el.updateComplete;
              resolve(performance.now());
            };
            el.addEventListener('news-search:results', onResults);
          });
        }, query);
        rendered.catch(() => undefined); // reported through the await below
        await input.pressSequentially(query.slice(-1));
        const renderedAt = await rendered;
        const { keyAt, responseAt } = await page.evaluate((q) => {
          const w = window as unknown as { __responseAt: Map<string, number>; __keyAt: number };
          return { keyAt: w.__keyAt, responseAt: w.__responseAt.get(q)! };
        }, query);
        // The floor, side by side: the same request by a bare fetch + JSON parse from the same page.
        const bare = await page.evaluate(async (q) => {
          const t = performance.now();
          await (await fetch(`/api/search?q=${encodeURIComponent(q)}&limit=10`)).json();
          return performance.now() - t;
        }, query);
        if (round === 0) continue; // warm-up: JIT, connection pool, engine caches
        samples.bareFetch.push(bare);
        samples.keyToRender.push(renderedAt - keyAt);
        samples.responseToRender.push(renderedAt - responseAt);
        samples.keyToResponse.push(responseAt - keyAt);
      }
    }
    return samples;
  } finally {
    await browser.close();
  }
}

await import('./build.js');
const widget = sizes(await readFile('dist/widget.js'));
const lit = sizes(await minimalLitBundle());
console.log('Bundle sizes (esbuild, minified, ES2021; zlib gzip -9 and brotli q11)');
console.log(`  dist/widget.js          raw ${kb(widget.raw).padStart(8)}  gzip ${kb(widget.gzip).padStart(8)}  brotli ${kb(widget.brotli).padStart(8)}`);
console.log(`  minimal Lit element     raw ${kb(lit.raw).padStart(8)}  gzip ${kb(lit.gzip).padStart(8)}  brotli ${kb(lit.brotli).padStart(8)}`);
console.log(`  widget / minimal Lit    gzip ×${(widget.gzip / lit.gzip).toFixed(2)}; the widget's own code adds ${kb(widget.gzip - lit.gzip)} gzip (target: whole bundle ≤ 15 KB gzip)`);

const stage = await startStage(['articles', 'tests/fixtures/widget/harbor.txt', 'tests/fixtures/widget/river.txt', 'tests/fixtures/article-v1.txt']);
try {
  const s = await measureLatency(stage.baseUrl);
  console.log(`\nLatency in headless Chromium, debounce="0", ${s.keyToRender.length} keystrokes over ${QUERIES.length} queries`);
  for (const [label, values] of [
    ['keystroke → render', s.keyToRender],
    ['response → render', s.responseToRender],
    ['keystroke → response', s.keyToResponse],
    ['bare fetch + JSON', s.bareFetch],
  ] as const) {
    console.log(`  ${label.padEnd(22)} p50 ${ms(percentile(values, 50)).padStart(8)}  p95 ${ms(percentile(values, 95)).padStart(8)}  max ${ms(Math.max(...values)).padStart(8)}`);
  }
  const ratio = percentile(s.keyToRender, 50) / percentile(s.bareFetch, 50);
  console.log(`  keystroke → render / bare fetch (p50): ×${ratio.toFixed(2)}   (target: keystroke → render p95 ≤ 30 ms)`);
} finally {
  await stage.stop();
}
