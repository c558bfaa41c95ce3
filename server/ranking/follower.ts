import { getHeapStatistics } from 'node:v8';
import { changeLogUid, type ChangeEntry } from '../../core/change-log.js';
import type { Engine } from '../../core/engine/client.js';
import type { Logger } from '../../core/logger.js';
import { oneOf } from '../search/filters.js';
import { watchIndex, type IndexWatcher } from '../search/index-watch.js';
import { createRankingIndex, type RankingDocument, type RankingIndex } from './index.js';

/** Chunks per engine request for a full build (about 4 MB of JSON). */
const PAGE = 2000;
/** Changed ids fetched per request while following the log. */
const ID_PAGE = 250;
/** Log entries read per request. */
const LOG_PAGE = 100;
const SOURCE_FIELDS = ['id', 'articleId', 'stems', 'sectionTitle', 'text', 'tags', 'dateTs', 'year', 'sectionIndex', 'passage'] as const;
/**
 * Process memory one chunk of the index costs, settled, for the budget's estimate before a build
 * (typed arrays ~1.6 KB plus ids, maps and term strings; measured by `npm run bench:scale`, docs/scale.md).
 */
export const BYTES_PER_CHUNK = 2500;
const MAX_BACKOFF_MS = 60_000;

export interface FollowerOptions {
  /** How often the change logs are read (the index watcher's versions also trigger a read). */
  pollMs: number;
  /** Memory the index may take (bytes); above it searches rank engine candidates. */
  budgetBytes?: number;
}

/** The budget when none is configured: a third of the V8 heap limit (the index's strings and maps live there). */
export function defaultBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 3);
}

/**
 * Keeps a proxy's ranking index (index.ts) equal to the engine's index by following the change
 * log the indexer writes beside it on every shard (core/change-log.ts): each entry's chunk ids
 * are re-read by id with the search-only key and applied in place, so searches keep full ranking
 * during an update. A full build (paged reads of every document) happens only at start-up, after
 * a `reset` entry (an index swap), when the log cannot be followed (a gap: trimmed, or the log
 * was recreated) or when there is no log at all and the index watcher reports a change; the old
 * index serves until the new one is complete. Over the memory budget there is no index: searches
 * rank engine candidates, a warning is logged, and each poll checks whether it fits again.
 */
export class RankingFollower {
  private index: RankingIndex | undefined;
  /** Per shard: the last log entry applied (0 = none). */
  private positions: number[];
  /** Bumped by each full build, so versions never repeat across builds. */
  private generation = 0;
  private needFull = true;
  private noLog = false;
  private overBudget = false;
  private lastVersion: string | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private retryAt = 0;
  private readonly budget: number;
  /** When the log was last seen to move, and when that change was applied (bench:scale). */
  lastAppliedAt = 0;

  constructor(
    private readonly shards: readonly Engine[],
    private readonly indexUid: string,
    private readonly options: FollowerOptions,
    private readonly log: Logger,
  ) {
    this.positions = shards.map(() => 0);
    this.budget = options.budgetBytes ?? defaultBudgetBytes();
  }

  /** Starts following: the first full build now, then a read of the logs every pollMs. */
  start(): this {
    void this.poll();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The ranking index searches use (undefined: rank engine candidates). */
  current(): RankingIndex | undefined {
    return this.index;
  }

  /** Where the index stands (changes with every applied change): part of response cache keys. */
  currentVersion(): string | undefined {
    return this.index ? `${this.generation}:${this.positions.join(',')}` : undefined;
  }

  /** True while no index exists yet but one is being built: engine-path answers are not cached. */
  pending(): boolean {
    return this.index === undefined && !this.overBudget && this.needFull;
  }

  /** True while the index is over the memory budget (a metric). */
  isOverBudget(): boolean {
    return this.overBudget;
  }

  /** From the index watcher: a change is read at once (without a log, it means a full build). */
  setVersion(version: string | undefined): void {
    if (version !== undefined && version !== this.lastVersion) {
      if (this.noLog && this.lastVersion !== undefined) this.needFull = true;
      this.lastVersion = version;
      void this.poll();
    }
  }

  /** Resolves when no build or catch-up is running. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass: a full build when needed, else the logs' new entries. Serialized; a call during a pass runs another. */
  poll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    if (Date.now() < this.retryAt) return;
    try {
      if (this.needFull || this.overBudget) await this.fullBuild();
      else await this.catchUp();
      this.failures = 0;
    } catch (error) {
      // Retried with backoff (a failed build, an engine away); the old index keeps serving.
      this.failures++;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 7));
      this.retryAt = Date.now() + delay;
      this.log.warn({ indexUid: this.indexUid, err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'ranking index update failed; retrying');
    }
  }

  private async fullBuild(): Promise<void> {
    const started = performance.now();
    const total = (await Promise.all(this.shards.map((s) => s.index(this.indexUid).search('', { limit: 1, attributesToRetrieve: ['id'] })))).reduce((n, r) => n + (r.estimatedTotalHits ?? 0), 0);
    if (this.index === undefined && !this.fits(total)) return;
    if (this.index && !this.fits(total + this.index.stats().chunks)) {
      // Beside the old one it would not fit: drop the old first (searches rank engine candidates meanwhile).
      this.index = undefined;
      if (!this.fits(total)) return;
    }
    // Log heads first: whatever is written during the build is replayed after it (replays are harmless).
    const heads = await Promise.all(this.shards.map((s) => this.logHead(s)));
    this.noLog = heads.every((h) => h === undefined);
    const index = createRankingIndex();
    for (const shard of this.shards) {
      const engineIndex = shard.index(this.indexUid);
      for (let offset = 0; ; offset += PAGE) {
        const page = await engineIndex.search<RankingDocument>('', { offset, limit: PAGE, attributesToRetrieve: [...SOURCE_FIELDS] });
        index.apply({ upsert: page.hits });
        if (page.hits.length < PAGE || offset + PAGE >= (page.estimatedTotalHits ?? 0)) break;
      }
    }
    index.compact();
    this.index = index;
    this.positions = heads.map((h) => h ?? 0);
    this.generation++;
    this.needFull = false;
    this.overBudget = false;
    this.lastAppliedAt = Date.now();
    const stats = index.stats();
    this.log.info({ indexUid: this.indexUid, chunks: stats.chunks, stems: stats.terms, megabytes: Math.round(stats.bytes / 1e6), ms: Math.round(performance.now() - started) }, 'ranking index built');
  }

  private fits(chunks: number): boolean {
    if (chunks * BYTES_PER_CHUNK <= this.budget) {
      if (this.overBudget) this.log.info({ indexUid: this.indexUid, chunks }, 'index fits the ranking memory budget again');
      return true;
    }
    if (!this.overBudget) {
      this.log.warn({ indexUid: this.indexUid, chunks, budgetMb: Math.round(this.budget / 1e6) }, 'index over the ranking memory budget (RANKING_MEMORY_MB); ranking engine candidates');
    }
    this.overBudget = true;
    this.index = undefined;
    return false;
  }

  /** The last entry that is safe to start after: before the first `open` one, else the last. */
  private async logHead(shard: Engine): Promise<number | undefined> {
    const log = shard.index(changeLogUid(this.indexUid));
    try {
      const open = await log.search<ChangeEntry>('', { filter: 'state = open', sort: ['seq:asc'], limit: 1, attributesToRetrieve: ['seq'] });
      if (open.hits[0]) return open.hits[0].seq - 1;
      const last = await log.search<ChangeEntry>('', { sort: ['seq:desc'], limit: 1, attributesToRetrieve: ['seq'] });
      return last.hits[0]?.seq ?? 0;
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === 'index_not_found') return undefined;
      throw error;
    }
  }

  private async catchUp(): Promise<void> {
    for (let s = 0; s < this.shards.length; s++) {
      const shard = this.shards[s]!;
      const log = shard.index(changeLogUid(this.indexUid));
      for (;;) {
        let entries: ChangeEntry[];
        try {
          entries = (await log.search<ChangeEntry>('', { filter: `seq > ${this.positions[s]!}`, sort: ['seq:asc'], limit: LOG_PAGE })).hits;
        } catch (error) {
          if ((error as { cause?: { code?: string } }).cause?.code !== 'index_not_found') throw error;
          // No log (an engine indexed by an older indexer, or it was deleted): follow versions instead.
          if (!this.noLog && this.positions[s]! > 0) this.needFull = true;
          this.noLog = true;
          return;
        }
        if (this.noLog) {
          this.noLog = false;
          if (entries[0] && entries[0].seq !== 1) this.needFull = true;
        }
        for (const entry of entries) {
          if (entry.seq !== this.positions[s]! + 1 || entry.kind === 'reset') {
            // Trimmed past us, a recreated log, or an index swap: the log cannot be followed.
            if (entry.state === 'open') return;
            this.needFull = true;
            this.again = true;
            return;
          }
          if (entry.state === 'open') break; // its writes are under way
          await this.applyEntry(shard, entry);
          this.positions[s] = entry.seq;
          this.lastAppliedAt = Date.now();
        }
        if (entries.length === 0 && ((await this.logHead(shard)) ?? 0) < this.positions[s]!) {
          // The log is behind us: it was deleted and written anew. Nothing in it can be trusted.
          this.needFull = true;
          this.again = true;
          return;
        }
        if (entries.length < LOG_PAGE || entries.some((e) => e.state === 'open')) break;
      }
    }
  }

  /** The current state of every listed chunk: present → upsert, absent → remove. */
  private async applyEntry(shard: Engine, entry: ChangeEntry): Promise<void> {
    const index = this.index;
    if (!index) return;
    for (let i = 0; i < entry.ids.length; i += ID_PAGE) {
      const ids = entry.ids.slice(i, i + ID_PAGE);
      const found = await shard.index(this.indexUid).search<RankingDocument>('', { filter: oneOf('id', ids), limit: ids.length, attributesToRetrieve: [...SOURCE_FIELDS] });
      const present = new Set(found.hits.map((h) => h.id));
      index.apply({ upsert: found.hits, remove: ids.filter((id) => !present.has(id)) });
    }
    const chunks = index.stats().chunks;
    if (!this.fits(chunks)) this.needFull = true;
  }
}

/**
 * One engine's follower with an index watcher (`monitor`: the read-only monitor key) feeding it
 * and `alsoOnVersion` (a response cache), resolved once the first build is done. server/system.ts,
 * which may watch several shards, wires its own; tests and benchmarks use this.
 */
export async function watchedRanking(
  engine: Engine,
  monitor: Engine,
  indexUid: string,
  options: FollowerOptions & { alsoOnVersion?: (version: string | undefined) => void },
  log: Logger,
): Promise<{ ranking: RankingFollower; watcher: IndexWatcher }> {
  const ranking = new RankingFollower([engine], indexUid, options, log);
  const watcher = watchIndex(monitor, indexUid, options.pollMs, (version) => {
    options.alsoOnVersion?.(version);
    ranking.setVersion(version);
  }, log);
  const stop = watcher.stop.bind(watcher);
  watcher.stop = () => {
    stop();
    ranking.stop();
  };
  ranking.start();
  await watcher.ready;
  await ranking.settled();
  return { ranking, watcher };
}
