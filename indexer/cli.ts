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
import { formatSummary, wroteTo } from './report.js';
import { removeArticles } from './remove.js';
import { collectChunks, runIndexer, someFailed, type IndexOptions, type IndexSummary, type WrittenTo } from './run.js';
import { readSynonyms } from './synonyms.js';
import { watchInputs } from './watch.js';
import { WebClient } from './web/client.js';
import type { WebSource } from './web/read.js';
import { parseClusterConfig } from '../core/engine/cluster.js'; // cluster
import { adminEngineFor } from '../core/engine/cluster.js'; // cluster
import { formatShardedSummary, runClusterIndexer } from './shards.js'; // cluster

const USAGE = `Usage: npm run index -- [options] <file|folder|-|feed URL> …

Indexes articles (seed .txt, Markdown, HTML, JSON, JSON Lines, each also .gz; \`-\` reads stdin;
an http(s) URL is a feed: RSS, Atom, RDF or JSON Feed, each item's page fetched unless the feed
carries its full text) into Meilisearch (MEILI_URL, or the embedded engine under DATA_DIR), index INDEX_UID.
  --sitemap <url>  also index every page a sitemap lists (sitemap index, news sitemap, .gz); repeatable
  --page <url>     also index one article page; repeatable
  --delete <id>    remove the article with this id (no inputs then); repeatable
  --dry-run   print the chunks as JSON lines; needs no engine
  --prune     remove articles whose source is not among the inputs
  --rebuild   build a fresh index and swap it in atomically
  --watch     keep running and re-index when input files change; feeds and sitemaps are polled
              (every WEB_POLL_SECONDS, longer when the feed's ttl or Cache-Control max-age asks)
  --reshard   with MEILI_SHARDS: move articles to the shard their id maps to now
  --json      print the summary as JSON
  --no-wait   exit 4 at once if another indexer is writing to the index, instead of waiting for it
  --batch-size <n>  chunks per request to the engine (default 10000; smaller uses less engine memory)
  -h, --help  show this help
Uses the engine of a server running on the same DATA_DIR; starts one for the run only when none runs.
A synonyms.txt at the top of an input folder (or named) is applied as the synonym groups (docs/editors.md).
Exit codes: 0 all indexed, 1 some input or synonyms line failed (the rest was applied), 2 usage or config, 3 engine failure,
4 another indexer is writing to the index (--no-wait).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const sitemaps = values.sitemap ?? [];
  const pages = values.page ?? [];
  const deletions = values.delete ?? [];
  if (deletions.length > 0 && (positionals.length > 0 || sitemaps.length > 0 || pages.length > 0 || values.watch || values.rebuild || values.prune)) {
    throw new UsageError('--delete takes no inputs and no --watch, --rebuild or --prune');
  }
  if (positionals.length === 0 && sitemaps.length === 0 && pages.length === 0 && deletions.length === 0) throw new UsageError('no input paths given');
  if (values.rebuild && values.watch) throw new UsageError('--rebuild and --watch cannot be combined');
  if (values['dry-run'] && (values.rebuild || values.watch || values.prune)) {
    throw new UsageError('--dry-run cannot be combined with --rebuild, --watch or --prune');
  }
  const config = loadConfig(process.env);
  const sources = webSources(positionals, sitemaps, pages);
  const paths = positionals.filter((p) => !isWebUrl(p));
  const options: IndexOptions = {
    paths,
    prune: values.prune ?? false,
    batchDocs: batchSize(values['batch-size']),
    ...(sources.length > 0 ? { web: { sources, client: new WebClient(config.web) } } : {}),
  };
  if (sources.length > 0 && (values['dry-run'] || values.rebuild || values.reshard || parseClusterConfig(process.env))) {
    throw new UsageError('feeds and sitemaps cannot be combined with --dry-run, --rebuild, --reshard or MEILI_SHARDS yet');
  }

  if (values['dry-run']) {
    const { chunks, failures } = await collectChunks(options);
    const synonyms = await readSynonyms(options.paths);
    for (const chunk of chunks) process.stdout.write(`${JSON.stringify(chunk)}\n`);
    for (const f of [...failures, ...(synonyms?.errors ?? [])]) process.stderr.write(`error: ${f.source}: ${f.reason}\n`);
    return failures.length > 0 || (synonyms?.errors.length ?? 0) > 0 ? 1 : 0;
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
    return someFailed(summary) ? 1 : 0;
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
    if (deletions.length > 0) {
      const lease = await acquireLease(engine, config.indexUid, leaseOptions);
      const removed = await removeArticles(engine, config.indexUid, deletions).finally(() => lease.release());
      process.stdout.write(values.json ? `${JSON.stringify(removed)}\n` : `${[wroteTo(where), ...removed.removed.map((r) => `removed ${r.articleId} (${r.chunks} chunks)`), ...removed.missing.map((id) => `error: ${id}: no such article in index ${config.indexUid}`)].join('\n')}\n`);
      return removed.missing.length > 0 ? 1 : 0;
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
    if (!values.watch) return someFailed(summary) ? 1 : 0;
    if (sources.length > 0) return await pollForever(sources, config.web.pollSeconds, summary, once);
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

/**
 * `--watch` with feeds or sitemaps: run again after WEB_POLL_SECONDS, or after the longer pause the
 * listings asked for (RSS ttl, Cache-Control max-age), until SIGINT/SIGTERM. Each run takes the
 * lease like any other; unchanged pages are not fetched again (web/state.ts).
 */
async function pollForever(sources: readonly WebSource[], pollSeconds: number, first: IndexSummary, once: () => Promise<IndexSummary>): Promise<number> {
  let stop: () => void = () => {};
  const stopped = new Promise<'stop'>((resolve) => (stop = () => resolve('stop')));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let last = first;
  for (;;) {
    const waitSeconds = Math.max(pollSeconds, last.web?.pollHintSeconds ?? 0);
    process.stderr.write(`watching ${sources.map((s) => s.url).join(', ')}: next poll in ${waitSeconds} s (Ctrl-C to stop)\n`);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([stopped, new Promise<'poll'>((resolve) => (timer = setTimeout(() => resolve('poll'), waitSeconds * 1000)))]);
    clearTimeout(timer);
    if (next === 'stop') return 0;
    last = await once();
  }
}

function isWebUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

function webSources(positionals: readonly string[], sitemaps: readonly string[], pages: readonly string[]): WebSource[] {
  for (const [option, urls] of [['--sitemap', sitemaps], ['--page', pages]] as const) {
    for (const url of urls) if (!isWebUrl(url)) throw new UsageError(`${option}: expected an http(s) URL, got "${url}"`);
  }
  for (const url of [...positionals.filter(isWebUrl), ...sitemaps, ...pages]) {
    if (!URL.canParse(url)) throw new UsageError(`not a valid URL: "${url}"`);
  }
  return [
    ...positionals.filter(isWebUrl).map((url) => ({ kind: 'feed' as const, url })),
    ...sitemaps.map((url) => ({ kind: 'sitemap' as const, url })),
    ...pages.map((url) => ({ kind: 'page' as const, url })),
  ];
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
        sitemap: { type: 'string', multiple: true },
        page: { type: 'string', multiple: true },
        delete: { type: 'string', multiple: true },
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
