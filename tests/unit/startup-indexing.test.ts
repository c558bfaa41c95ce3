import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { indexerCommand, indexerEnv } from '../../server/startup-indexing.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('start-up indexing runs the indexer CLI', () => {
  it('from the bundle beside dist/server.js with plain node, from source through tsx', () => {
    const bundled = indexerCommand(pathToFileURL(path.join(ROOT, 'dist/server.js')).href);
    expect(bundled.program).toBe(process.execPath);
    expect(bundled.args).toEqual(['--enable-source-maps', path.join(ROOT, 'dist/indexer.js')]);
    const source = indexerCommand(pathToFileURL(path.join(ROOT, 'server/startup-indexing.ts')).href);
    expect(source.args[0]).toBe('--import');
    expect(source.args[1]).toMatch(/^file:.*node_modules\/tsx\//);
    expect(source.args[2]).toBe(path.join(ROOT, 'indexer/cli.ts'));
  });

  it("builds the child's environment from the validated config alone, never the parent's", () => {
    process.env['NEWS_SEARCH_PARENT_ONLY'] = 'leak';
    const config = loadConfig({ INDEX_UID: 'site_a', DATA_DIR: '/srv/data', ENGINE_TIMEOUT_MS: '3000' }, '/');
    const external = loadConfig({ INDEX_UID: 'site_a', DATA_DIR: '/srv/data', ENGINE_TIMEOUT_MS: '3000', MEILI_URL: 'http://10.0.0.9:7700', MEILI_MASTER_KEY: 'k'.repeat(24) }, '/');
    const single = indexerEnv(external);
    expect(single).toEqual({ MEILI_URL: 'http://10.0.0.9:7700', MEILI_MASTER_KEY: 'k'.repeat(24), INDEX_UID: 'site_a', DATA_DIR: '/srv/data', ENGINE_TIMEOUT_MS: '3000' });
    // The embedded engine is found through DATA_DIR, as an editor's run finds the server's engine.
    const embedded = indexerEnv(config);
    expect(embedded).toEqual({ INDEX_UID: 'site_a', DATA_DIR: '/srv/data', ENGINE_TIMEOUT_MS: '3000' });
    const shards = [
      { name: 's1', url: 'http://10.0.0.1:7700', masterKey: 'a'.repeat(16) },
      { name: 's2', url: 'http://10.0.0.2:7700', masterKey: 'b'.repeat(16) },
    ];
    const clustered = loadConfig({ INDEX_UID: 'site_a', DATA_DIR: '/srv/data', ENGINE_TIMEOUT_MS: '3000', MEILI_SHARDS: JSON.stringify(shards) }, '/');
    const sharded = indexerEnv(clustered);
    expect(JSON.parse(sharded['MEILI_SHARDS']!)).toEqual(shards);
    expect(sharded).not.toHaveProperty('MEILI_URL');
    // What the child receives parses back into the same target.
    expect(loadConfig(sharded, '/').cluster).toEqual({ shards });
    delete process.env['NEWS_SEARCH_PARENT_ONLY'];
  });
});
