import { readFileSync } from 'node:fs';
import { spawnTsx, type Spawned } from '../../support/process.js';

export interface ServerProcess {
  url: string;
  pid: number;
  proc: Spawned;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The real `npm start` entry point as a child process, pointed at an existing engine. */
export async function startServerProcess(env: {
  engineUrl: string;
  masterKey: string;
  indexUid: string;
  articlesDir: string;
  extra?: Record<string, string>;
}): Promise<ServerProcess> {
  const proc = spawnTsx('server/main.ts', [], {
    MEILI_URL: env.engineUrl,
    MEILI_MASTER_KEY: env.masterKey,
    INDEX_UID: env.indexUid,
    ARTICLES_DIR: env.articlesDir,
    PORT: '0',
    LOG_LEVEL: 'info',
    ...env.extra,
  });
  const [, url] = await proc.waitFor(/running: (http:\/\/\S+)/, 120_000);
  return {
    url: url!,
    pid: proc.child.pid!,
    proc,
    async stop(signal = 'SIGTERM') {
      if (proc.child.exitCode === null) proc.child.kill(signal);
      return proc.exited;
    },
  };
}

/** Resident set size of a process in bytes, from /proc. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
