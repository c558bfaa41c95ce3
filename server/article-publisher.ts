/**
 * The publish hook's writer: each article (as the indexer's JSON, or a page URL to fetch) and each
 * deletion runs the indexer's command line as a child process, exactly as server/startup-indexing.ts
 * does at start-up: the same validation, sections, change log and lease as an editor's run, and
 * server/ never imports indexer/.
 *
 * Why a child process rather than moving the pipeline into core/ (measured with `npm run
 * bench:feeds`, docs/benchmarks.md "Feeds"): the 2 s bound runs from the 2xx, and the hook answers
 * only after the write is done and the ranking index has read the change log, so the article is
 * searchable and ranked at the answer whichever way it is written. What the child costs is answer
 * time: median 9.5 s through the child vs 3.7 s for the same write in process, on a machine at load
 * 20 (both mostly the engine's task queue: fingerprints, write, change log, source records). Moving
 * parse/sections/chunks/apply/lease/change-log into core/ would save the node start-up but put the
 * whole indexer into the server's process and move most of indexer/; the CMS's call waits either way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { finished } from 'node:stream/promises';
import PQueue from 'p-queue';
import split2 from 'split2';
import type { Config } from '../core/config.js';
import { AppError, EngineUnavailableError, InputError, NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { indexerCommand, indexerEnv } from './startup-indexing.js';

export interface Published {
  id: string;
  change: 'added' | 'updated' | 'unchanged';
  chunks: number;
}

/** A publish waits this long for its turn and its write (another editor's run may hold the lease). */
const PUBLISH_TIMEOUT_MS = 120_000;

/** The last lines of a run's stderr kept for the failure's log line (the `error:` line is among them). */
const STDERR_LINES_KEPT = 10;

interface IndexerRun {
  code: number;
  stdout: string;
  stderr: string[];
}

interface RunSummary {
  added: number;
  updated: number;
  chunks: number;
  articleIds?: string[];
  failures: { source: string; reason: string }[];
}

export class ArticlePublisher {
  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    /** Called after each write, before the answer: brings the ranking index up to date. */
    private readonly caughtUp: () => Promise<void> = async () => {},
  ) {}

  /** An article as the indexer's JSON format (title, content, url, id, date, tags, …). */
  async publish(article: Record<string, unknown>): Promise<Published> {
    return this.published(await this.run(['--json', '-'], JSON.stringify(article)), 'the article');
  }

  /** A page to fetch and read as the indexer does for a feed item. */
  async publishUrl(url: string): Promise<Published> {
    return this.published(await this.run(['--json', `--page=${url}`]), url);
  }

  async remove(id: string): Promise<void> {
    const run = await this.run(['--json', `--delete=${id}`]);
    if (run.code === 1) throw new NotFoundError(`No article ${id} in the index.`);
    this.failOnExit(run.code, run);
    await this.caughtUp();
  }

  private async published(result: IndexerRun, what: string): Promise<Published> {
    // Stopped at shutdown: the page or article was not refused, the run was cut short.
    if (this.stopping && result.code !== 0) this.failOnExit(result.code === 1 ? -1 : result.code, result);
    if (result.code !== 0 && result.code !== 1) this.failOnExit(result.code, result);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as RunSummary;
    const failure = summary.failures?.[0];
    if (result.code === 1 || failure) throw new InputError(what === 'the article' ? 'article' : what, failure?.reason ?? 'could not be indexed');
    const id = summary.articleIds?.[0];
    if (id === undefined) throw new AppError('internal', 'the indexer reported no article');
    await this.caughtUp();
    return { id, change: summary.added > 0 ? 'added' : summary.updated > 0 ? 'updated' : 'unchanged', chunks: summary.chunks };
  }

  private failOnExit(code: number, run: { stdout: string; stderr: readonly string[] }): void {
    if (code === 0) return;
    // The indexer says why on stderr (`error: …`); its stdout is the JSON summary.
    this.log.warn({ exitCode: code, stderr: run.stderr.join('\n'), output: run.stdout.slice(0, 500) }, 'publish hook: the indexer failed');
    if (this.stopping) throw new EngineUnavailableError('The server is shutting down; publish again shortly.');
    throw code === 3 || code === -1 ? new EngineUnavailableError('The engine could not take the article; try again shortly.') : new AppError('internal', 'The indexer could not run.');
  }

  /**
   * One indexer at a time: they would only queue on the lease, each a Node process, and a CMS
   * re-publishing a hundred articles would start a hundred. The timeout counts from a run's start.
   */
  private readonly queue = new PQueue({ concurrency: 1 });

  private stopping = false;
  private running: ChildProcess | undefined;

  /**
   * Shutdown, first step (before HTTP drains): publishes not yet started answer 503; the one
   * running may finish within the drain's grace.
   */
  refuseNew(): void {
    this.stopping = true;
  }

  /**
   * Shutdown, last step (after HTTP drains, before the engine stops): a run still going is stopped
   * (the indexer leaves consistent state on SIGTERM and a re-publish converges) and waited for, so
   * no child of ours outlives the server or writes to an engine being stopped.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.running;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await closed;
  }

  private async run(args: string[], stdin?: string): Promise<IndexerRun> {
    if (this.stopping) throw new EngineUnavailableError('The server is shutting down; publish again shortly.');
    return this.queue.add(() => {
      if (this.stopping) throw new EngineUnavailableError('The server is shutting down; publish again shortly.');
      return this.runNow(args, stdin);
    });
  }

  private runNow(args: string[], stdin?: string): Promise<IndexerRun> {
    const { program, args: base } = indexerCommand();
    const child = spawn(program, [...base, ...args], { env: indexerEnv(this.config), stdio: ['pipe', 'pipe', 'pipe'] });
    this.running = child;
    let stdout = '';
    const stderr: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    const lines = child.stderr.pipe(split2());
    lines.on('data', (line: string) => {
      if (line.trim() === '') return;
      this.log.debug({ line }, 'publish hook: indexer');
      stderr.push(line.slice(0, 500));
      if (stderr.length > STDERR_LINES_KEPT) stderr.shift();
    });
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGTERM'), PUBLISH_TIMEOUT_MS);
    const closed = new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code ?? -1));
    });
    // The last stderr line (the indexer's `error: …`, without a newline) arrives when split2 flushes, after 'close'.
    return Promise.all([closed, finished(lines).catch(() => undefined)]).then(([code]) => ({ code, stdout, stderr })).finally(() => {
      clearTimeout(timer);
      if (this.running === child) this.running = undefined;
    });
  }
}
