/** Writes the change log (core/change-log.ts format) that proxies follow to update their ranking indexes in place. */
import { CHANGE_LOG_KEEP, CHANGE_LOG_SETTINGS, changeLogUid, SYNONYMS_ENTRY_FILTER, type ChangeEntry } from '../core/change-log.js';
import type { Engine } from '../core/engine/client.js';
import { engineErrorCode, toEngineError } from '../core/engine/client.js';
import { ensureIndex } from '../core/engine/settings.js';
import { EngineError } from '../core/errors.js';
import { checkTask, waitTask } from './tasks.js';

/**
 * The indexer's side of core/change-log.ts: one writer per (engine, index), found again by every
 * write of a run (ChunkWriter batches, deletions, swaps), numbering entries from the log's head.
 */
export class ChangeLogWriter {
  private nextSeq: Promise<number> | undefined;
  private readonly uid: string;

  constructor(
    private readonly engine: Engine,
    indexUid: string,
  ) {
    this.uid = changeLogUid(indexUid);
  }

  /** Enqueues the `open` entry (not waited for: the engine runs it before the write that follows). */
  async open(ids: readonly string[], kind: ChangeEntry['kind'] = 'chunks'): Promise<ChangeEntry> {
    const seq = await this.take();
    const entry: ChangeEntry = { seq, state: 'open', kind, ids: [...ids], at: new Date().toISOString() };
    await this.write([entry], false);
    return entry;
  }

  /** After the write succeeded: the entry becomes `done` (waited for, so proxies can see it on return). */
  async close(entry: ChangeEntry): Promise<void> {
    await this.write([{ ...entry, state: 'done', at: new Date().toISOString() }], true);
    if (entry.seq % 100 === 0) await this.trim(entry.seq);
  }

  /**
   * Entries left `open` by a run that was killed: the writes they announce are finished or will
   * never happen (the engine's pending tasks are waited for by the caller first), so they are
   * closed, and proxies re-read the current state of their ids.
   */
  async closeLeftovers(): Promise<void> {
    this.nextSeq = undefined; // another process may have written since: numbered from the head again
    const open = await this.read((index) => index.search<ChangeEntry>('', { filter: 'state = open', sort: ['seq:asc'], limit: 1000 }));
    if (!open || open.hits.length === 0) return;
    await this.write(open.hits.map((e) => ({ ...e, state: 'done' as const })), true);
  }

  /** The synonym groups last published here (undefined: never). */
  async latestSynonyms(): Promise<ChangeEntry | undefined> {
    await this.ensure();
    const found = await this.read((index) => index.search<ChangeEntry>('', { filter: SYNONYMS_ENTRY_FILTER, sort: ['seq:desc'], limit: 1 }));
    return found?.hits[0];
  }

  /** A `synonyms` entry, done at once (there is no write to wait for: the settings are applied before). */
  async publishSynonyms(groups: string[][]): Promise<void> {
    const seq = await this.take();
    await this.write([{ seq, state: 'done', kind: 'synonyms', ids: [], at: new Date().toISOString(), synonyms: groups }], true);
  }

  private take(): Promise<number> {
    const next = (this.nextSeq ??= this.head().then((head) => head + 1));
    this.nextSeq = next.then((n) => n + 1);
    return next;
  }

  private async head(): Promise<number> {
    await this.ensure();
    const last = await this.read((index) => index.search<ChangeEntry>('', { sort: ['seq:desc'], limit: 1, attributesToRetrieve: ['seq'] }));
    return last?.hits[0]?.seq ?? 0;
  }

  private async ensure(): Promise<void> {
    await ensureIndex(this.engine, this.uid, { primaryKey: 'seq', settings: CHANGE_LOG_SETTINGS });
  }

  private async read<T>(query: (index: ReturnType<Engine['index']>) => Promise<T>): Promise<T | undefined> {
    try {
      return await query(this.engine.index(this.uid));
    } catch (error) {
      if (engineErrorCode(error) === 'index_not_found') return undefined;
      throw toEngineError(error, `reading the change log ${this.uid}`);
    }
  }

  private async write(entries: ChangeEntry[], wait: boolean): Promise<void> {
    const what = `adding change log entry ${entries[0]?.seq} to ${this.uid}`;
    try {
      const enqueued = await this.engine.index(this.uid).addDocuments(entries, { primaryKey: 'seq' });
      if (wait) checkTask(await waitTask(this.engine, enqueued.taskUid, what), what);
    } catch (error) {
      throw error instanceof EngineError ? error : toEngineError(error, what);
    }
  }

  private async trim(seq: number): Promise<void> {
    if (seq <= CHANGE_LOG_KEEP) return;
    try {
      // The latest synonyms entry stays, however old: a proxy started later reads its groups there.
      const synonyms = await this.latestSynonyms();
      const keep = synonyms ? ` AND NOT seq = ${synonyms.seq}` : '';
      await this.engine.index(this.uid).deleteDocuments({ filter: `seq < ${seq - CHANGE_LOG_KEEP}${keep}` });
    } catch (error) {
      throw toEngineError(error, `trimming the change log ${this.uid}`);
    }
  }
}

const writers = new WeakMap<Engine, Map<string, ChangeLogWriter>>();
/** Indexes written without a log: the rebuild's fresh copy, whose change is the swap itself. */
const unlogged = new Set<string>();

/** The writer for this index, or undefined when the index is not logged. */
export function changeLogFor(engine: Engine, indexUid: string): ChangeLogWriter | undefined {
  if (unlogged.has(indexUid)) return undefined;
  let byUid = writers.get(engine);
  if (!byUid) writers.set(engine, (byUid = new Map()));
  let writer = byUid.get(indexUid);
  if (!writer) byUid.set(indexUid, (writer = new ChangeLogWriter(engine, indexUid)));
  return writer;
}

export async function withoutChangeLog<T>(indexUid: string, work: () => Promise<T>): Promise<T> {
  unlogged.add(indexUid);
  try {
    return await work();
  } finally {
    unlogged.delete(indexUid);
  }
}
