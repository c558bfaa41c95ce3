/** Bundles the widget (Lit included) into one ES module, dist/widget.js. */
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
