/**
 * `npm run build`: everything `npm start` and the Docker image run, compiled once into dist/ so
 * production runs plain `node` (no TypeScript loader):
 *   dist/widget.js        the widget, Lit included, one ES module for the browser;
 *   dist/widget-chunks/   its lazy parts (filters, modal dialog, English strings), hashed names;
 *   dist/server.js        `npm start` (server/main.ts);
 *   dist/indexer.js       `npm run index` (indexer/cli.ts);
 *   dist/parse-worker.js  the indexer's parser thread;
 *   dist/sqlite-worker.js the embedded analytics store's thread (server/analytics/sqlite-store.ts).
 * The Node bundles keep packages external (node_modules is there at run time, and createRequire
 * lookups such as the engine's binary package keep working). They sit side by side in dist/ on
 * purpose: parse-thread.ts starts `./parse-worker.js` next to the bundle it was bundled into, and
 * server/system.ts finds the widget at `../dist/widget.js` from its own directory.
 */
import { readFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const WIDGET_CHUNKS_DIR = 'dist/widget-chunks';

/**
 * esbuild leaves the text of Lit's css`` templates as written (it cannot know they are CSS):
 * comments, indentation and spaces around punctuation. Squeezing them saves 0.33 KB gzipped of the
 * widget's 12 KB budget (measured on widget/news-search.styles.ts). Only whitespace next to
 * `{ } ; , >` and after `:` is dropped, never between words, so selectors such as `a :hover` keep
 * their meaning; `${…}` interpolations are left alone.
 */
const squeezeLitCss: Plugin = {
  name: 'squeeze-lit-css',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.styles\.ts$/ }, async ({ path }) => ({
      loader: 'ts',
      contents: (await readFile(path, 'utf8')).replace(/css`([^`]*)`/g, (_, body: string) => `css\`${squeezeCssText(body)}\``),
    }));
  },
};

function squeezeCssText(template: string): string {
  return template
    .split(/(\$\{[^}]*\})/)
    .map((part) =>
      part.startsWith('${')
        ? part
        : part
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};,>])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/;}/g, '}'),
    )
    .join('')
    .trim();
}

/**
 * The widget: widget.js (the entry, the only file a page loads to show the search box, Lit
 * included) and its lazy chunks in widget-chunks/ with content-hashed names (widget/chunks.ts).
 * The 12 KB budget counts widget.js alone, so the build refuses an entry that statically imports a
 * chunk: that would happen if a chunk imported Lit or an entry module at run time, and esbuild
 * then moved the shared code into a chunk every page must fetch after widget.js.
 */
await rm(WIDGET_CHUNKS_DIR, { recursive: true, force: true });
const widgetBuild = await build({
  entryPoints: { widget: 'widget/index.ts' },
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  target: 'es2021',
  outdir: 'dist',
  chunkNames: 'widget-chunks/[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [squeezeLitCss],
});
const widgetFiles = Object.entries(widgetBuild.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const entryImports = widgetBuild.metafile.outputs['dist/widget.js']?.imports ?? [];
const staticImports = entryImports.filter((i) => i.kind === 'import-statement');
if (staticImports.length) throw new Error(`dist/widget.js must load alone, but imports ${staticImports.map((i) => i.path).join(', ')} statically`);
const gzipKb = async (file: string) => gzipSync(await readFile(file), { level: 9 }).length / 1024;
const entryGz = await gzipKb('dist/widget.js');
let totalGz = 0;
for (const [file] of widgetFiles) totalGz += await gzipKb(file);
console.log(
  `dist/widget.js: ${(widgetBuild.metafile.outputs['dist/widget.js']!.bytes / 1024).toFixed(1)} KB, ${entryGz.toFixed(2)} KB gzipped ` +
    `(what a page loads to show the search box; budget 12 KB); with its ${widgetFiles.length - 1} lazy chunks ${totalGz.toFixed(2)} KB gzipped`,
);
for (const [file, output] of widgetFiles.filter(([file]) => file !== 'dist/widget.js')) {
  console.log(`  ${file}: ${(await gzipKb(file)).toFixed(2)} KB gzipped (${Object.keys(output.inputs).join(', ')})`);
}

await build({
  entryPoints: [
    { in: 'server/main.ts', out: 'server' },
    { in: 'indexer/cli.ts', out: 'indexer' },
    { in: 'indexer/parse-worker.ts', out: 'parse-worker' },
    { in: 'server/analytics/sqlite-worker.ts', out: 'sqlite-worker' },
  ],
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
