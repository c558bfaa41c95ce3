import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../core/engine/embedded.js';
import { findSystemService, systemServiceOrSkip, waitUntilListening, type SystemService } from './system-service.js';

/** A real Debian redis-server on a free loopback port and a temp dir, without persistence. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

const REDIS_SERVER: SystemService = { name: 'redis-server', envVar: 'REDIS_SERVER', install: "install Debian's redis-server" };

/** redis-server found on PATH (REDIS_SERVER names another binary, or a missing one to try the "absent" path), else undefined. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findSystemService(REDIS_SERVER, env);
}

/** True when redis-server is there; else skips the file with a reason, or fails it under CI=true (tests/support/system-service.ts). */
export function redisServerOrSkip(suite: string, env: NodeJS.ProcessEnv = process.env, say?: (line: string) => void): boolean {
  return systemServiceOrSkip(REDIS_SERVER, suite, env, say);
}

export async function startRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server not found (set REDIS_SERVER or put it on PATH)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'news-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitUntilListening(port, child, 'redis-server');
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
