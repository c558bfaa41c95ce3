import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * A system service npm cannot provide (Debian's redis-server, nginx), as the tests find it: the
 * executable named by `envVar` when set (a missing one tries the "absent" path), else `name` on
 * PATH or in `extraDirs` (Debian puts daemons in /usr/sbin, which a non-root PATH may lack).
 */
export interface SystemService {
  name: string;
  envVar: string;
  extraDirs?: readonly string[];
  /** How to get it, for the skip message (e.g. "install Debian's nginx-light"). */
  install: string;
}

export function findSystemService(service: SystemService, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env[service.envVar];
  const dirs = [...(env['PATH'] ?? '').split(path.delimiter).filter(Boolean), ...(service.extraDirs ?? [])];
  const candidates = configured ? [configured] : dirs.map((dir) => path.join(dir, service.name));
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
 * For a test file that needs the service: true when it is there. When it is not, the file is
 * skipped with one line saying why, except under CI=true, where a skipped suite would hide a
 * broken set-up (.ci/run installs the service): there it throws, and the file fails.
 */
export function systemServiceOrSkip(service: SystemService, suite: string, env: NodeJS.ProcessEnv = process.env, say: (line: string) => void = (line) => process.stderr.write(line)): boolean {
  if (findSystemService(service, env)) return true;
  const why = env[service.envVar] ? `${service.envVar}=${env[service.envVar]} is not an executable` : `${service.name} is not on PATH`;
  if (env['CI'] === 'true') throw new Error(`${suite}: ${why}, and under CI=true a skipped suite is a failure (.ci/run installs ${service.name}).`);
  say(`SKIPPED ${suite}: ${why} (${service.install} to run it; npm cannot provide it).\n`);
  return false;
}

/** Resolves once `port` on 127.0.0.1 accepts a connection; fails when `child` exits first or after ~5 s. */
export async function waitUntilListening(port: number, child: ChildProcess, what: string, output: () => string = () => ''): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${output()}`);
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
  throw new Error(`${what} did not start listening on 127.0.0.1:${port}: ${output()}`);
}
