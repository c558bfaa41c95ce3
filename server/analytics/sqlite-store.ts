/**
 * The embedded analytics store (SQLite in DATA_DIR, sqlite-database.ts) seen from the main thread:
 * every call goes to the store's worker thread (sqlite-worker.ts). libsql is synchronous, and a
 * dashboard read or a flush in the main thread stopped every search for its length (measured by
 * `npm run bench:analytics`, 30 days × 20,000 queries a day, load ~13 on 2 CPUs: a 2,000-query
 * flush 0.9–1.3 s, the dashboard up to 6 s of event-loop stall); in the worker the main thread only
 * passes messages. Calls run one at a time in order, each flush still one transaction; a `kill -9`
 * ends the thread with the process, and SQLite's WAL keeps the last committed flush.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../core/worker-entry.js';
import type { AnalyticsStore } from './store.js';

export const ANALYTICS_DB_FILE = 'analytics.sqlite';

type Method = Exclude<keyof AnalyticsStore, never>;
export interface StoreCall {
  id: number;
  method: Method;
  args: unknown[];
}
export type StoreReply = { id: number; result: unknown } | { id: number; error: { message: string; code?: string } };

export class SqliteAnalyticsStore implements AnalyticsStore {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(file: string) {
    const [script, mode] = workerEntry(import.meta.url, 'sqlite-worker');
    this.worker = new Worker(script, { ...mode, workerData: { file } });
    // The thread keeps the process alive only while a call waits for it (a flush at shutdown does).
    this.worker.unref();
    this.worker.on('message', (reply: StoreReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.settled(reply.id);
      if ('error' in reply) waiting.reject(Object.assign(new Error(`analytics store: ${reply.error.message}`), { code: reply.error.code }));
      else waiting.resolve(reply.result);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('analytics store: its thread has ended')));
  }

  /** The store, once its database opened (a bad DATA_DIR fails here, at start-up). */
  static async open(file: string): Promise<SqliteAnalyticsStore> {
    const store = new SqliteAnalyticsStore(file);
    await store.visible([]);
    return store;
  }

  add: AnalyticsStore['add'] = (...args) => this.call('add', args);
  answeredSince: AnalyticsStore['answeredSince'] = (...args) => this.call('answeredSince', args);
  queries: AnalyticsStore['queries'] = (...args) => this.call('queries', args);
  daily: AnalyticsStore['daily'] = (...args) => this.call('daily', args);
  facts: AnalyticsStore['facts'] = (...args) => this.call('facts', args);
  spellings: AnalyticsStore['spellings'] = (...args) => this.call('spellings', args);
  visible: AnalyticsStore['visible'] = (...args) => this.call('visible', args);
  prune: AnalyticsStore['prune'] = (...args) => this.call('prune', args);

  async close(): Promise<void> {
    if (this.failure) return;
    await this.call('close', []);
    await this.worker.terminate();
  }

  private call<T>(method: Method, args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies StoreCall);
    });
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const [id, waiting] of this.pending) {
      this.settled(id);
      waiting.reject(this.failure);
    }
  }
}
