import { describe, expect, it } from 'vitest';
import { CONFIG_ENV_NAMES, loadConfig } from '../../core/config.js';

const KEY = 'k'.repeat(32);

describe('server configuration for shards and Redis', () => {
  it('defaults to one engine and no Redis', () => {
    const config = loadConfig({});
    expect(config.cluster).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisCacheTtlSeconds).toBe(300);
  });

  it('reads MEILI_SHARDS and REDIS_URL once, into the config', () => {
    const config = loadConfig({
      MEILI_MASTER_KEY: KEY,
      MEILI_SHARDS: '[{"name":"a","url":"http://a:7700"},{"name":"b","url":"http://b:7700/"}]',
      REDIS_URL: 'redis://cache:6379',
      REDIS_CACHE_TTL_SECONDS: '60',
    });
    expect(config.cluster?.shards.map((s) => [s.name, s.url])).toEqual([['a', 'http://a:7700'], ['b', 'http://b:7700']]);
    expect(config.redisUrl).toBe('redis://cache:6379');
    expect(config.redisCacheTtlSeconds).toBe(60);
  });

  it('serves a single shard as the external engine', () => {
    const config = loadConfig({ MEILI_SHARDS: `[{"name":"only","url":"http://only:7700","masterKey":"${KEY}"}]` });
    expect(config.meiliUrl).toBe('http://only:7700');
    expect(config.meiliMasterKey).toBe(KEY);
  });

  it.each([
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL/],
    [{ REDIS_CACHE_TTL_SECONDS: '0' }, /REDIS_CACHE_TTL_SECONDS/],
    [{ MEILI_SHARDS: '[{"name":"a"}]', MEILI_MASTER_KEY: KEY }, /MEILI_SHARDS\[0\]\.url/],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('lists every variable it reads', () => {
    expect(CONFIG_ENV_NAMES).toEqual(expect.arrayContaining(['MEILI_SHARDS', 'REDIS_URL', 'REDIS_CACHE_TTL_SECONDS', 'MEILI_URL', 'TRUST_PROXY']));
  });
});
