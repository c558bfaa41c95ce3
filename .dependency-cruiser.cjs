/** Layering rules (docs/architecture.md): core/ at the ground; indexer/, server/, widget/ on it; scripts/ and tests/ on top. */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'An import cycle makes load order matter and hides which module owns what.', from: {}, to: { circular: true } },
    {
      name: 'server-not-to-indexer',
      severity: 'error',
      comment: 'server/ and indexer/ share only what lives in core/; start-up indexing runs the indexer CLI as a child process (server/startup-indexing.ts).',
      from: { path: '^server/' },
      to: { path: '^indexer/' },
    },
    { name: 'indexer-not-to-server', severity: 'error', from: { path: '^indexer/' }, to: { path: '^server/' } },
    { name: 'core-is-the-ground', severity: 'error', from: { path: '^core/' }, to: { path: '^(server|indexer|widget|scripts|tests)/' } },
    { name: 'widget-stands-alone', severity: 'error', comment: 'The widget bundle holds only widget code and its libraries.', from: { path: '^widget/' }, to: { path: '^(server|indexer|scripts|tests)/' } },
    { name: 'product-not-to-scripts-or-tests', severity: 'error', from: { path: '^(core|server|indexer|widget)/' }, to: { path: '^(scripts|tests)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
