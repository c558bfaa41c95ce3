#!/usr/bin/env node
/**
 * `npm run index -- <paths…>`: the process edge. Reads argv and the environment, runs the
 * pipeline, and decides the exit code: 0 all indexed, 1 some input failed, 2 usage/config error,
 * 3 the engine failed, 4 another indexer is writing to the index (with --no-wait).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { createEngine, type Engine } from '../core/engine/client.js';
import { connectEngine } from '../core/engine/connect.js';
import { AppError, UsageError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { explainEngineFailure } from './engine-failure.js';
import { acquireLease, LeaseBusyError } from './lease.js';
import { createProgressReporter } from './progress.js';
import { rebuildIndex } from './rebuild.js';
import { formatSummary } from './report.js';
import { collectChunks, runIndexer, type IndexOptions, type IndexSummary, type WrittenTo } from './run.js';
import { watchInputs } from './watch.js';
import { parseClusterConfig } from '../core/engine/cluster.js'; // cluster
import { adminEngineFor } from '../core/engine/cluster.js'; // cluster
import { formatShardedSummary, runClusterIndexer } from './shards.js'; // cluster

const USAGE = `Usage: npm run index -- [options] <file|folder|-> …

Indexes articles (seed .txt, Markdown, HTML, JSON, JSON Lines, each also .gz; \`-\` reads stdin)
into Meilisearch (MEILI_URL, or the embedded engine under DATA_DIR), index INDEX_UID.
  --dry-run   print the chunks as JSON lines; needs no engine
  --prune     remove articles whose source is not among the inputs
  --rebuild   build a fresh index and swap it in atomically
  --watch     keep running and re-index when input files change
  --reshard   with MEILI_SHARDS: move articles to the shard their id maps to now
  --json      print the summary as JSON
  --no-wait   exit 4 at once if another indexer is writing to the index, instead of waiting for it
  --batch-size <n>  chunks per request to the engine (default 10000; smaller uses less engine memory)
  -h, --help  show this help
Uses the engine of a server running on the same DATA_DIR; starts one for the run only when none runs.
Exit codes: 0 all indexed, 1 some input failed (the rest was indexed), 2 usage or config, 3 engine failure,
4 another indexer is writing to the index (--no-wait).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no input paths given');
  if (values.rebuild && values.watch) throw new UsageError('--rebuild and --watch cannot be combined');
  if (values['dry-run'] && (values.rebuild || values.watch || values.prune)) {
    throw new UsageError('--dry-run cannot be combined with --rebuild, --watch or --prune');
  }
  const config = loadConfig(process.env);
  const options: IndexOptions = { paths: positionals, prune: values.prune ?? false, batchDocs: batchSize(values['batch-size']) };

  if (values['dry-run']) {
    const { chunks, failures } = await collectChunks(options);
    for (const chunk of chunks) process.stdout.write(`${JSON.stringify(chunk)}\n`);
    for (const f of failures) process.stderr.write(`error: ${f.source}: ${f.reason}\n`);
    return failures.length > 0 ? 1 : 0;
  }

  // cluster: MEILI_SHARDS spreads articles over several engines (indexer/shards.ts)
  const cluster = parseClusterConfig(process.env);
  const leaseOptions = { noWait: values['no-wait'] ?? false, onWait: (holder: string) => process.stderr.write(waitingLine(config.indexUid, holder)) };
  if (cluster || values.reshard) {
    // One lease for the whole cluster, kept in the first shard: every indexer sees the same list.
    const leaseEngine = cluster ? adminEngineFor(cluster.shards[0]!, 60_000) : undefined;
    const lease = leaseEngine ? await acquireLease(leaseEngine, config.indexUid, leaseOptions) : undefined;
    const shardsSummary = await runClusterIndexer(cluster, config.indexUid, { ...options, reshard: values.reshard ?? false }).finally(() => lease?.release());
    const where: WrittenTo = { url: cluster!.shards.map((s) => `${s.name}=${s.url}`).join(', '), index: config.indexUid, engineOrigin: 'shards' };
    const summary = { engine: where, ...shardsSummary };
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatShardedSummary(summary)}\n`);
    return summary.failed > 0 ? 1 : 0;
  }

  // What the engine layer has to say (waiting for another process's engine, …) is a note to the editor, on stderr.
  const log = createLogger(values.json ? 'silent' : 'warn', { write: (line: string) => process.stderr.write(`note: ${(JSON.parse(line) as { msg: string }).msg}\n`) });
  const connection = await connectEngine(config, log, { role: 'indexer' });
  try {
    const engine = createEngine({ url: connection.url, apiKey: connection.masterKey, timeoutMs: 60_000 });
    const where: WrittenTo = {
      url: connection.url,
      index: config.indexUid,
      engineOrigin: connection.origin === 'shared' && connection.owner?.startsWith('server') ? 'server' : connection.origin,
      ...(connection.origin === 'shared' ? { owner: connection.owner } : {}),
    };
    if (where.engineOrigin === 'started' && !values.json) {
      process.stderr.write(`note: no server is running on DATA_DIR ${config.dataDir}; started an engine for this run (a server started later serves this data; one using MEILI_URL does not)\n`);
    }
    const once = async () => {
      const lease = await acquireLease(engine, config.indexUid, leaseOptions);
      try {
        return await runOnce(engine, config.indexUid, options, { rebuild: values.rebuild ?? false, json: values.json ?? false, where });
      } finally {
        await lease.release();
      }
    };
    const summary = await once();
    if (!values.watch) return summary.failed > 0 ? 1 : 0;
    return await watchForever(positionals, once);
  } catch (error) {
    throw await explainEngineFailure(error, connection, config.dataDir);
  } finally {
    await connection.stop();
  }
}

function waitingLine(indexUid: string, holder: string): string {
  return `waiting: another indexer is writing to index ${indexUid} (${holder}); this run starts when it is done (--no-wait exits 4 instead)\n`;
}

async function runOnce(engine: Engine, indexUid: string, options: IndexOptions, mode: { rebuild: boolean; json: boolean; where: WrittenTo }): Promise<IndexSummary> {
  // Progress goes to stderr so that stdout holds only the summary (and is parseable with --json).
  const progress = mode.json ? undefined : createProgressReporter(process.stderr);
  const withProgress: IndexOptions = { ...options, onProgress: progress ? (p) => progress.update(p) : undefined };
  try {
    const summary: IndexSummary = { engine: mode.where, ...(mode.rebuild ? await rebuildIndex(engine, indexUid, withProgress) : await runIndexer(engine, indexUid, withProgress)) };
    progress?.stop();
    process.stdout.write(mode.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    return summary;
  } catch (error) {
    progress?.stop();
    throw error;
  }
}

/** Re-run on every change until SIGINT/SIGTERM; an engine failure ends the watch (exit 3). */
async function watchForever(paths: string[], once: () => Promise<IndexSummary>): Promise<number> {
  let failure: unknown;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const watcher = watchInputs(paths, async (changed) => {
    process.stderr.write(`changed: ${changed.join(', ')}\n`);
    await once().catch((error: unknown) => {
      failure = error;
      stop();
    });
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await watcher.ready;
  process.stderr.write(`watching ${paths.join(', ')} for changes (Ctrl-C to stop)\n`);
  await stopped;
  await watcher.close();
  if (failure) throw failure;
  return 0;
}

function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        prune: { type: 'boolean' },
        rebuild: { type: 'boolean' },
        watch: { type: 'boolean' },
        reshard: { type: 'boolean' }, // cluster
        json: { type: 'boolean' },
        'no-wait': { type: 'boolean' },
        'batch-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function batchSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError(`--batch-size: expected a whole number from 1 to 100000, got "${value}"`);
  return n;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof LeaseBusyError) return 4;
  if (error instanceof AppError && (error.code === 'usage' || error.code === 'invalid_config' || error.code === 'engine_missing')) return 2;
  return 3;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof AppError ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
