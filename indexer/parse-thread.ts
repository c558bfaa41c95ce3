/** Runs reading and parsing in a worker thread that works ahead of the engine (parse-worker.ts is its other end). */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../core/worker-entry.js';
import type { PreparedItem } from './prepare.js';
import type { KnownSources } from './read.js';
import type { Interval } from './apply.js';

/**
 * The parser thread: read → parse → chunk → serialise (prepare.ts) run in a worker thread and
 * stay ahead of the engine, so that the main thread only diffs, batches, sends and waits. The
 * queue between them is bounded in bytes of chunk JSON: the worker stops once AHEAD_BYTES are
 * posted and not yet taken, whatever the input size.
 */
const AHEAD_BYTES = 48 * 1024 * 1024;
/** Items are posted in messages of about this many bytes (or MESSAGE_ITEMS items), not one by one. */
const MESSAGE_BYTES = 1024 * 1024;
const MESSAGE_ITEMS = 512;
/**
 * Parsing allocates ~1 GB of short-lived strings over the corpus, so the thread gets a roomier young
 * generation. Measured effect: small (a larger young generation cut the whole-corpus dry run's CPU
 * by ~10%, the streamed parse's not measurably on this noisy machine); the benchmarks ran with it.
 */
const YOUNG_GENERATION_MB = 64;

export interface ParserThreadData {
  paths: readonly string[];
  aheadBytes: number;
  messageBytes: number;
  messageItems: number;
}

export type ToParser = { type: 'start'; known: [string, string][] } | { type: 'credit'; bytes: number };
export type FromParser =
  | { type: 'items'; items: PreparedItem[]; bytes: number }
  | { type: 'end'; cpuMs: number }
  | { type: 'error'; message: string; stack?: string };

/** The main thread's side of the parser thread. Start it early: loading its modules overlaps reading the engine's state. */
export class ParserThread {
  /**
   * When the main thread waited for the parser (wall clock, as the engine's task timestamps): the
   * run sets them against the engine's busy time to tell which waits the engine's work hid.
   */
  readonly waits: Interval[] = [];
  /** The parser thread's own CPU time, reported when it finishes. */
  cpuMs = 0;
  private readonly worker: Worker;
  private readonly inbox: FromParser[] = [];
  private problem: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(paths: readonly string[], limits: Partial<Omit<ParserThreadData, 'paths'>> = {}) {
    const data: ParserThreadData = { paths, aheadBytes: AHEAD_BYTES, messageBytes: MESSAGE_BYTES, messageItems: MESSAGE_ITEMS, ...limits };
    const [script, mode] = workerEntry(import.meta.url, 'parse-worker');
    this.worker = new Worker(script, {
      ...mode,
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (message: FromParser) => this.deliver(message));
    this.worker.on('error', (error: Error) => this.fail(new Error(`the parser thread failed: ${error.message}`, { cause: error })));
    this.worker.on('exit', (code) => this.fail(new Error(`the parser thread stopped before it finished (exit code ${code})`)));
  }

  /**
   * The prepared items, in input order; the worker is stopped when the caller stops iterating.
   */
  async *items(known: KnownSources): AsyncGenerator<PreparedItem> {
    this.post({ type: 'start', known: [...known] });
    try {
      for (;;) {
        const message = await this.next();
        if (message.type === 'end') {
          this.cpuMs = message.cpuMs;
          return;
        }
        if (message.type === 'error') throw Object.assign(new Error(`the parser thread failed: ${message.message}`), { stack: message.stack });
        this.post({ type: 'credit', bytes: message.bytes });
        yield* message.items;
      }
    } finally {
      await this.stop();
    }
  }

  /** Bytes the parser has posted that the main thread has not taken yet (≤ aheadBytes, or one larger message). */
  get queuedBytes(): number {
    return this.inbox.reduce((sum, message) => sum + (message.type === 'items' ? message.bytes : 0), 0);
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private post(message: ToParser): void {
    this.worker.postMessage(message);
  }

  private async next(): Promise<FromParser> {
    if (this.inbox.length === 0 && !this.problem) {
      const start = Date.now();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.waits.push({ start, end: Date.now() });
    }
    const message = this.inbox.shift();
    if (message) return message;
    throw this.problem!;
  }

  private deliver(message: FromParser): void {
    this.inbox.push(message);
    this.wakeUp();
  }

  private fail(error: Error): void {
    this.problem ??= error;
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
