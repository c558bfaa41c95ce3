/**
 * `npm run build`: everything `npm start` and the Docker image run, compiled once into dist/ so
 * production runs plain `node` (no TypeScript loader):
 *   dist/widget.js        the widget, Lit included, one ES module for the browser;
 *   dist/server.js        `npm start` (server/main.ts);
 *   dist/indexer.js       `npm run index` (indexer/cli.ts);
 *   dist/parse-worker.js  the indexer's parser thread.
 * The Node bundles keep packages external (node_modules is there at run time, and createRequire
 * lookups such as the engine's binary package keep working). They sit side by side in dist/ on
 * purpose: parse-thread.ts starts `./parse-worker.js` next to the bundle it was bundled into, and
 * server/system.ts finds the widget at `../dist/widget.js` from its own directory.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

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

await build({
  entryPoints: ['widget/index.ts'],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2021',
  outfile: 'dist/widget.js',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [squeezeLitCss],
});
const widget = await readFile('dist/widget.js');
console.log(`dist/widget.js: ${(widget.length / 1024).toFixed(1)} KB, ${(gzipSync(widget, { level: 9 }).length / 1024).toFixed(2)} KB gzipped`);

await build({
  entryPoints: [
    { in: 'server/main.ts', out: 'server' },
    { in: 'indexer/cli.ts', out: 'indexer' },
    { in: 'indexer/parse-worker.ts', out: 'parse-worker' },
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
