import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../core/engine/embedded.js';

/** A real Debian redis-server on a free loopback port and a temp dir, without persistence. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * redis-server is a system service npm cannot provide: found on PATH (REDIS_SERVER names another
 * binary, or a missing one to try the "absent" path), else undefined.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['REDIS_SERVER'];
  const candidates = configured ? [configured] : (env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'redis-server'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * For a test file that needs redis-server: true when it is there. When it is not, the file is
 * skipped with one line saying why, except under CI=true, where a skipped suite would hide a
 * broken set-up (.ci/run installs redis-server): there it throws, and the file fails.
 */
export function redisServerOrSkip(suite: string, env: NodeJS.ProcessEnv = process.env, say: (line: string) => void = (line) => process.stderr.write(line)): boolean {
  if (findRedisServer(env)) return true;
  const why = env['REDIS_SERVER'] ? `REDIS_SERVER=${env['REDIS_SERVER']} is not an executable` : 'redis-server is not on PATH';
  if (env['CI'] === 'true') throw new Error(`${suite}: ${why}, and under CI=true a skipped suite is a failure (.ci/run installs redis-server).`);
  say(`SKIPPED ${suite}: ${why} (install Debian's redis-server to run it; npm cannot provide it).\n`);
  return false;
}

export async function startRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server not found (set REDIS_SERVER or put it on PATH)');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'news-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitUntilListening(port, child);
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

async function waitUntilListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start listening');
}
