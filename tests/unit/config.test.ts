import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_URL_BYTES } from '../../core/query-length.js';

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

describe('API configuration', () => {
  it('parses CORS origins, rate limits, trust proxy and cache size', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', RATE_LIMIT: '0', TRUST_PROXY: '2', CACHE_ENTRIES: '0' });
    expect(config).toMatchObject({ corsOrigins: ['https://a.example', 'https://b.example'], rateLimit: 0, trustProxy: 2, cacheEntries: 0 });
    expect(loadConfig({})).toMatchObject({ corsOrigins: ['*'], rateLimit: 300, trustProxy: false, cacheEntries: 2000, maxBodyBytes: DEFAULT_MAX_BODY_BYTES, maxUrlBytes: DEFAULT_MAX_URL_BYTES });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });
  it('refuses bad values naming the variable', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'not an origin' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ RATE_LIMIT: '-1' })).toThrow(/RATE_LIMIT/);
    expect(() => loadConfig({ MAX_BODY_BYTES: '10' })).toThrow(/MAX_BODY_BYTES/);
  });
});
