import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedisServer, redisServerOrSkip } from '../support/redis.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'redis-skip-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the redis-server check behind the Redis suites', () => {
  it('finds an executable redis-server on PATH, and none on a PATH without it', async () => {
    const fake = path.join(dir, 'redis-server');
    await writeFile(fake, '#!/bin/sh\n', { mode: 0o755 });
    expect(findRedisServer({ PATH: `/nonexistent${path.delimiter}${dir}` })).toBe(fake);
    expect(findRedisServer({ PATH: '/nonexistent' })).toBeUndefined();
  });

  it('skips without CI, and fails under CI=true', () => {
    const said: string[] = [];
    expect(redisServerOrSkip('unit-check', { PATH: '/nonexistent' }, (line) => said.push(line))).toBe(false);
    expect(said).toEqual(['SKIPPED unit-check: redis-server is not on PATH (install Debian\'s redis-server to run it; npm cannot provide it).\n']);
    expect(() => redisServerOrSkip('unit-check', { PATH: '/nonexistent', CI: 'true' })).toThrow(/CI=true.*skipped suite is a failure/);
    expect(redisServerOrSkip('unit-check', { REDIS_SERVER: path.join(dir, 'redis-server'), CI: 'true' })).toBe(true);
  });
});
