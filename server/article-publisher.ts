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
import { spawn } from 'node:child_process';
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
    const { code, stdout } = await this.run(['--json', `--delete=${id}`]);
    if (code === 1) throw new NotFoundError(`No article ${id} in the index.`);
    this.failOnExit(code, stdout);
    await this.caughtUp();
  }

  private async published(result: { code: number; stdout: string }, what: string): Promise<Published> {
    if (result.code !== 0 && result.code !== 1) this.failOnExit(result.code, result.stdout);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as RunSummary;
    const failure = summary.failures?.[0];
    if (result.code === 1 || failure) throw new InputError(what === 'the article' ? 'article' : what, failure?.reason ?? 'could not be indexed');
    const id = summary.articleIds?.[0];
    if (id === undefined) throw new AppError('internal', 'the indexer reported no article');
    await this.caughtUp();
    return { id, change: summary.added > 0 ? 'added' : summary.updated > 0 ? 'updated' : 'unchanged', chunks: summary.chunks };
  }

  private failOnExit(code: number, stdout: string): void {
    if (code === 0) return;
    this.log.warn({ exitCode: code, output: stdout.slice(0, 500) }, 'publish hook: the indexer failed');
    throw code === 3 || code === -1 ? new EngineUnavailableError('The engine could not take the article; try again shortly.') : new AppError('internal', 'The indexer could not run.');
  }

  /**
   * One indexer at a time: they would only queue on the lease, each a Node process, and a CMS
   * re-publishing a hundred articles would start a hundred. The timeout counts from a run's start.
   */
  private readonly queue = new PQueue({ concurrency: 1 });

  private run(args: string[], stdin?: string): Promise<{ code: number; stdout: string }> {
    return this.queue.add(() => this.runNow(args, stdin));
  }

  private runNow(args: string[], stdin?: string): Promise<{ code: number; stdout: string }> {
    const { program, args: base } = indexerCommand();
    const child = spawn(program, [...base, ...args], { env: indexerEnv(this.config), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.pipe(split2()).on('data', (line: string) => line.trim() !== '' && this.log.debug({ line }, 'publish hook: indexer'));
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGTERM'), PUBLISH_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout });
      });
    });
  }
}
