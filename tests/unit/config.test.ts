import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ meiliUrl: undefined, port: 3000, indexUid: 'news', dataDir: '/srv/app/data', articlesDir: '/srv/app/articles' });
  });
  it('names the variable and the reason', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MEILI_URL: 'http://m:7700' })).toThrow(/MEILI_MASTER_KEY/);
    expect(() => loadConfig({ INDEX_UID: 'bad name' })).toThrow(/INDEX_UID/);
  });
});
