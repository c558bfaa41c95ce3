#!/usr/bin/env node
/**
 * `npm run index -- <paths…>`: the process edge. Reads argv and the environment, runs the
 * pipeline, and decides the exit code: 0 all indexed, 1 some input failed, 2 usage/config error,
 * 3 the engine failed.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config.js';
import { createEngine } from '../core/engine/client.js';
import { connectEngine } from '../core/engine/connect.js';
import { AppError, UsageError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { formatSummary } from './report.js';
import { collectChunks, runIndexer } from './run.js';
import { parseClusterConfig } from '../core/engine/cluster.js'; // cluster
import { formatShardedSummary, runClusterIndexer } from './shards.js'; // cluster

const USAGE = `Usage: npm run index -- [options] <file|folder|-> …

Indexes articles into Meilisearch (MEILI_URL, or the embedded engine under DATA_DIR).
  --dry-run   print the chunks as JSON lines; needs no engine
  --prune     remove articles whose source is not among the inputs
  --reshard   with MEILI_SHARDS: move articles to the shard their id maps to now
  --json      print the summary as JSON
  -h, --help  show this help`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('no input paths given');
  const config = loadConfig(process.env);
  const options = { paths: positionals, prune: values.prune ?? false };

  if (values['dry-run']) {
    const { chunks, failures } = await collectChunks(options);
    for (const chunk of chunks) process.stdout.write(`${JSON.stringify(chunk)}\n`);
    for (const f of failures) process.stderr.write(`error: ${f.source}: ${f.reason}\n`);
    return failures.length > 0 ? 1 : 0;
  }

  // cluster: MEILI_SHARDS spreads articles over several engines (indexer/shards.ts)
  const cluster = parseClusterConfig(process.env);
  if (cluster || values.reshard) {
    const summary = await runClusterIndexer(cluster, config.indexUid, { ...options, reshard: values.reshard ?? false });
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatShardedSummary(summary)}\n`);
    return summary.failed > 0 ? 1 : 0;
  }

  const log = createLogger(values.json ? 'silent' : 'warn');
  const connection = await connectEngine(config, log);
  try {
    const engine = createEngine({ url: connection.url, apiKey: connection.masterKey, timeoutMs: 60_000 });
    const summary = await runIndexer(engine, config.indexUid, options);
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await connection.stop();
  }
}

function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        prune: { type: 'boolean' },
        reshard: { type: 'boolean' }, // cluster
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function exitCodeFor(error: unknown): number {
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
