/** The synonym groups this proxy's query analysis uses: the latest the indexer announced in the change log. */
import { changeLogUid, SYNONYMS_ENTRY_FILTER, type ChangeEntry } from '../../core/change-log.js';
import type { Engine } from '../../core/engine/client.js';
import { engineErrorCode } from '../../core/engine/client.js';
import type { Logger } from '../../core/logger.js';
import { NO_SYNONYMS, synonymTable, type SynonymTable } from '../../core/text/synonyms.js';

/** The synonym groups a proxy analyses queries with, whoever keeps them current. */
export interface Synonyms {
  current(): SynonymTable;
}

/**
 * Follows the `synonyms` entries of the change log (core/change-log.ts) with the search-only key:
 * every pollMs one small read of the newest entry's position, the groups fetched only when it
 * moved. Every proxy does the same, so an editor's `npm run index` reaches all of them within a
 * poll, without a restart. No entry (an index no indexer with a synonyms file wrote, or a log from
 * before synonyms were data) means no synonyms; an engine that cannot be asked keeps the last ones.
 */
export class PublishedSynonyms implements Synonyms {
  private table: SynonymTable = NO_SYNONYMS;
  private position: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;

  constructor(
    /** The engine (the first shard's, in a cluster: every shard's log carries the same groups). */
    private readonly engine: Engine,
    private readonly indexUid: string,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  /** Reads the published groups once, then follows them. */
  async start(): Promise<this> {
    await this.refresh();
    this.schedule();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  current(): SynonymTable {
    return this.table;
  }

  /** One read of the newest `synonyms` entry; its groups are taken when it is not the one applied. */
  async refresh(): Promise<void> {
    const log = this.engine.index(changeLogUid(this.indexUid));
    try {
      const newest = await log.search<ChangeEntry>('', { filter: SYNONYMS_ENTRY_FILTER, sort: ['seq:desc'], limit: 1, attributesToRetrieve: ['seq', 'at'] });
      const entry = newest.hits[0];
      const position = entry && `${entry.seq}@${entry.at}`;
      if (this.failing) this.log.info({ indexUid: this.indexUid }, 'synonyms readable again');
      this.failing = false;
      if (position === this.position) return;
      const full = entry && (await log.search<ChangeEntry>('', { filter: `seq = ${entry.seq}`, limit: 1, attributesToRetrieve: ['synonyms'] })).hits[0];
      this.take(full?.synonyms ?? [], position);
    } catch (error) {
      const code = engineErrorCode(error);
      // No log yet, or one from before `kind` was filterable: nothing was ever published there.
      if (code === 'index_not_found' || code === 'invalid_search_filter') return this.take([], undefined);
      if (!this.failing) this.log.warn({ indexUid: this.indexUid, err: error instanceof Error ? error.message : String(error) }, 'synonyms not readable; keeping the last ones');
      this.failing = true;
    }
  }

  private take(groups: string[][], position: string | undefined): void {
    const table = synonymTable(groups);
    this.position = position;
    if (table.version === this.table.version) return;
    this.table = table;
    this.log.info({ indexUid: this.indexUid, groups: groups.length, version: table.version }, 'synonyms updated');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), this.pollMs);
    this.timer.unref();
  }
}
