/**
 * Start-up indexing: `npm start` indexes ARTICLES_DIR by running the indexer's command line (`npm
 * run index`) as a child process, as an editor would, so the server shares nothing with indexer/
 * but core/. The indexer takes the same lease as every other run (indexer/lease.ts): a second
 * server on the same DATA_DIR, or an editor's run, waits its turn.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import split2 from 'split2';
import type { Config } from '../core/config.js';
import { isDistributed } from '../core/engine/cluster.js';
import { AppError, ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/**
 * The indexer run by the runtime this server runs under: the compiled bundle beside it
 * (dist/server.js → dist/indexer.js, plain node), or, when the server runs from TypeScript source
 * (`npm run dev`, tests), the source entry through tsx, so both always run the same code.
 */
export function indexerCommand(moduleUrl: string = import.meta.url): { program: string; args: string[] } {
  const here = fileURLToPath(moduleUrl);
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(moduleUrl).resolve('tsx')).href;
    return { program: process.execPath, args: ['--import', tsx, path.resolve(dir, '../indexer/cli.ts')] };
  }
  return { program: process.execPath, args: ['--enable-source-maps', path.join(dir, 'indexer.js')] };
}

/**
 * The indexer's environment, built from the server's validated configuration (never the server's
 * own process.env: in-process callers pass a Config of their own). Only what the indexer reads.
 */
export function indexerEnv(config: Config): Record<string, string> {
  const where: Record<string, string> = isDistributed(config.cluster)
    ? { MEILI_SHARDS: JSON.stringify(config.cluster.shards.map(({ name, url, masterKey }) => ({ name, url, masterKey }))) }
    : config.meiliUrl !== undefined && config.meiliMasterKey !== undefined
      ? { MEILI_URL: config.meiliUrl, MEILI_MASTER_KEY: config.meiliMasterKey }
      : {}; // the embedded engine: found through DATA_DIR's engine record, as an editor's run finds it (and says "the running server's engine")
  const allowed: Record<string, string> = config.web.allowedHosts ? { WEB_ALLOW_HOSTS: config.web.allowedHosts.join(',') } : {};
  return { ...where, ...allowed, INDEX_UID: config.indexUid, DATA_DIR: config.dataDir, ENGINE_TIMEOUT_MS: String(config.engineTimeoutMs) };
}

/** Where start-up indexing stands, for /readyz and the log. */
export type StartupIndexingState =
  | { state: 'running'; since: string }
  | { state: 'done'; exitCode: 0 | 1 }
  | { state: 'failed'; reason: string };

export interface StartupIndexing {
  status(): StartupIndexingState;
  /** Resolves when the run is over, however it ended (failures are in status()). */
  finished: Promise<void>;
  /** Server shutdown: the run is stopped (SIGTERM; a stopped run leaves the index consistent) and waited for. */
  stop(): Promise<void>;
}

/**
 * `npm start` on a site that already has an index serves it at once and indexes ARTICLES_DIR in
 * the background (a restart or deploy re-checks the whole archive: 42 s for 1,000 unchanged
 * articles on a loaded machine, more while another run holds the lease); a failure is logged and
 * shown by /readyz, and the index served stays as it was. A site with nothing indexed yet
 * has nothing to serve: the caller waits for indexArticlesAtStart() instead.
 */
export function indexArticlesInBackground(config: Config, log: Logger): StartupIndexing {
  let current: StartupIndexingState = { state: 'running', since: new Date().toISOString() };
  log.info({ articlesDir: config.articlesDir }, 'serving the existing index; indexing the articles folder in the background');
  let child: ChildProcess | undefined;
  const finished = indexArticlesAtStart(config, log, (c) => (child = c)).then(
    (exitCode) => void (current = { state: 'done', exitCode }),
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      current = { state: 'failed', reason };
      log.error({ articlesDir: config.articlesDir }, `${reason}; the index served is unchanged`);
    },
  );
  return {
    status: () => current,
    finished,
    async stop() {
      if (current.state === 'running') child?.kill('SIGTERM');
      await finished;
    },
  };
}

/**
 * Runs `index ARTICLES_DIR` and waits for it. Its summary (stdout) and notes are logged line by
 * line at info, its errors at warn, its progress at debug. Exit 0 or 1 (some articles failed, the rest indexed) let
 * the server start; any other code (config, engine failure) stops the start-up with that reason.
 */
export async function indexArticlesAtStart(config: Config, log: Logger, started?: (child: ChildProcess) => void): Promise<0 | 1> {
  const { program, args } = indexerCommand();
  const child = spawn(program, [...args, config.articlesDir], { env: indexerEnv(config), stdio: ['ignore', 'pipe', 'pipe'] });
  started?.(child);
  let lastError = '';
  child.stdout.pipe(split2()).on('data', (line: string) => log.info(line));
  // stderr holds the run's progress, notes ("waiting: another indexer …") and errors.
  child.stderr.pipe(split2()).on('data', (line: string) => {
    if (line.startsWith('progress:')) log.debug(line);
    else if (line.startsWith('error:')) log.warn((lastError = line));
    else if (line.trim() !== '') log.info(line);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => resolve(exitCode ?? (signal ? -1 : null)));
  });
  if (code === 0) log.info({ articlesDir: config.articlesDir, exitCode: code }, 'indexed articles');
  else if (code === 1) log.warn({ articlesDir: config.articlesDir, exitCode: code }, 'indexed articles; some could not be indexed (see the errors above)');
  else {
    const reason = `indexing ${config.articlesDir} at start-up failed (indexer exit code ${code}): ${lastError.replace(/^error: /, '')}`;
    throw code === 2 ? new ConfigError(reason) : new AppError('engine_error', reason);
  }
  return code;
}
