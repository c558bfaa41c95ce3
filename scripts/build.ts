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
import { build } from 'esbuild';

await build({
  entryPoints: ['widget/index.ts'],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2021',
  outfile: 'dist/widget.js',
  legalComments: 'none',
  logLevel: 'warning',
});

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
