import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_ENV_NAMES, loadConfig } from '../../core/config.js';
import { parseClusterConfig } from '../../core/engine/cluster.js';

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Record<string, any>> };
const inProfile = (name: string) => Object.entries(compose.services).filter(([, s]) => (s.profiles ?? []).includes(name));

describe('the `cluster` compose profile', () => {
  it('leaves the default stack as it was: no profile on meilisearch, indexer, server', () => {
    for (const name of ['meilisearch', 'indexer', 'server']) expect(compose.services[name]!.profiles).toBeUndefined();
  });

  it('runs 3 pinned engines, Redis, the indexer job, 2 proxies and nginx', () => {
    const services = Object.fromEntries(inProfile('cluster'));
    const engines = Object.values(services).filter((s) => String(s.image).startsWith('getmeili/meilisearch:v1.21'));
    expect(engines).toHaveLength(3);
    expect(new Set(engines.map((e) => e.volumes[0]))).toHaveProperty('size', 3);
    expect(services['redis']!.image).toMatch(/^redis:/);
    expect(services['lb']!.image).toMatch(/^nginx:/);
    expect(services['indexer-cluster']!.restart).toBe('no');
    expect(services['proxy-1']!.environment.REDIS_URL).toBe(services['proxy-2']!.environment.REDIS_URL);
  });

  it('gives every cluster service the same valid shard list, naming the three engines', () => {
    const lists = inProfile('cluster').filter(([, s]) => s.environment?.MEILI_SHARDS).map(([, s]) => s.environment.MEILI_SHARDS);
    expect(lists.length).toBe(3);
    expect(new Set(lists).size).toBe(1);
    const cluster = parseClusterConfig({ MEILI_SHARDS: lists[0], MEILI_MASTER_KEY: 'k'.repeat(32) })!;
    expect(cluster.shards.map((s) => new URL(s.url).hostname)).toEqual(['meili-1', 'meili-2', 'meili-3']);
  });

  it('balances over both proxies with the nginx config in the repo', () => {
    const conf = readFileSync('deploy/nginx.conf', 'utf8');
    expect(compose.services['lb']!.volumes[0]).toMatch(/^\.\/deploy\/nginx\.conf:/);
    expect(conf).toMatch(/server proxy-1:3000/);
    expect(conf).toMatch(/server proxy-2:3000/);
  });

  it('sets only environment variables our server and indexer read, with values they accept', () => {
    for (const name of ['server', 'indexer', 'indexer-cluster', 'proxy-1', 'proxy-2']) {
      const env = compose.services[name]!.environment as Record<string, string>;
      for (const key of Object.keys(env)) expect(CONFIG_ENV_NAMES, `${name}: ${key}`).toContain(key);
      const config = loadConfig({ ...env, MEILI_MASTER_KEY: 'k'.repeat(32) });
      if (name.startsWith('proxy')) {
        expect(config.cluster?.shards).toHaveLength(3);
        expect(config.redisUrl).toBe('redis://redis:6379');
        // nginx is one hop in front; without this every client would share nginx's rate limit.
        expect(config.trustProxy).toBe(1);
      }
    }
  });

  it('configures the three cluster engines like the single one (same variables)', () => {
    const keys = (name: string) => Object.keys(compose.services[name]!.environment).sort();
    for (const name of ['meili-1', 'meili-2', 'meili-3']) expect(keys(name)).toEqual(keys('meilisearch'));
  });
});
