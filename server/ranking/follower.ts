import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { changeLogUid, checkChangeEntry, type ChangeEntry } from '../../core/change-log.js';
import type { Engine } from '../../core/engine/client.js';
import { engineErrorCode } from '../../core/engine/client.js';
import type { Logger } from '../../core/logger.js';
import { atLeast, oneOf } from '../../core/engine/filters.js';
import { watchIndex, type IndexWatcher } from '../search/index-watch.js';
import { clearStemMemos } from '../../core/text/stem.js';
import { createRankingIndex, loadRankingIndex, type RankingDocument, type RankingIndex } from './index.js';
import { indexNeed, overBudgetReason, rankingBudget, type RankingBudget } from './memory-budget.js';

/** Chunks per engine request for a full build (about 4 MB of JSON). */
const PAGE = 2000;
/** Changed ids fetched per request while following the log. */
const ID_PAGE = 250;
/** Log entries read per request. */
const LOG_PAGE = 100;
const SOURCE_FIELDS = ['id', 'articleId', 'stems', 'sectionTitle', 'text', 'tags', 'dateTs', 'year', 'sectionIndex', 'passage'] as const;
const MAX_BACKOFF_MS = 60_000;

export interface FollowerOptions {
  /** How often the change logs are read (the index watcher's versions also trigger a read). */
  pollMs: number;
  /** Memory the index may take (bytes); above it searches rank engine candidates. Default: rankingBudget(). */
  budgetBytes?: number;
  /** The budget with where it comes from (server/system.ts); budgetBytes, when given, wins. */
  budget?: RankingBudget;
  /** Where the index is saved (under DATA_DIR), so a restart catches up from the log instead of re-reading everything. */
  snapshotFile?: string;
  /** An index of this engine's documents to start from, at log position 0 (bench:scale; a snapshot does the same). */
  initial?: RankingIndex;
  /** Documents per request in a full read (default 2,000; small in tests, to cross pages). */
  pageSize?: number;
}

/** A snapshot's position: which index and shards it is of, and each shard's last applied entry (with its time, to tell a recreated log). */
interface SnapshotPosition {
  indexUid: string;
  shards: number;
  positions: number[];
  at: (string | null)[];
}

/** Snapshots are written at most this often while changes come in (each costs a pass over the index). */
const SNAPSHOT_EVERY_MS = 60_000;
/** After failed saves (a full disk, a directory in the way) the next try waits longer, up to this. */
const SNAPSHOT_MAX_BACKOFF_MS = 60 * 60_000;

/** Writes `parts` one after the other to `file` (created or truncated) and makes it durable. */
async function writeParts(file: string, parts: Iterable<Buffer>): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const part of parts) await handle.write(part);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Where the ranking index stands, for /readyz and metrics. */
export interface RankingState {
  state: 'serving' | 'building' | 'over_budget' | 'stale';
  chunks: number;
  needBytes: number;
  budgetBytes: number;
  /** Why it is not serving, when over budget: need, budget and the setting to change. */
  reason?: string;
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
/** Numbers temporary snapshot files, so two followers of one process never share one. */
let snapshotWrites = 0;

export class RankingFollower {
  private index: RankingIndex | undefined;
  /** Per shard: the last log entry applied (0 = none), and its time. */
  private positions: number[];
  private positionAt: (string | null)[];
  private savedVersion: string | undefined;
  private savedAt = 0;
  private saveFailures = 0;
  private saveRetryAt = 0;
  /** Bumped by each full build, so versions never repeat across builds. */
  private generation = 0;
  private needFull = true;
  private noLog = false;
  private overBudget = false;
  private lastVersion: string | undefined;
  /** The index watcher cannot reach an engine: the index may hold chunks no engine can serve now. */
  private versionUnknown = false;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Set once start() has restored the snapshot: versions seen before only mark the index stale. */
  private started = false;
  private failures = 0;
  private retryAt = 0;
  private readonly budget: RankingBudget;
  /** Chunks the index has or would have (the engine's count when it was over budget). */
  private wantedChunks = 0;
  /** Full builds done (start-up, swaps, gaps): the rest came through the log. */
  fullBuilds = 0;
  /** Change-log entries that were not of the log's format, each answered with a full re-read (a metric). */
  malformedEntries = 0;
  /** When the log was last seen to move, and when that change was applied (bench:scale). */
  lastAppliedAt = 0;

  constructor(
    private readonly shards: readonly Engine[],
    private readonly indexUid: string,
    private readonly options: FollowerOptions,
    private readonly log: Logger,
  ) {
    this.positions = shards.map(() => 0);
    this.positionAt = shards.map(() => null);
    this.budget = options.budgetBytes !== undefined ? { bytes: options.budgetBytes, source: 'budgetBytes option' } : (options.budget ?? rankingBudget(undefined));
  }

  /** Starts following: the first full build now, then a read of the logs every pollMs. */
  start(): this {
    this.running = this.restore().finally(() => {
      this.running = undefined;
      this.started = true;
      void this.poll();
    });
    return this;
  }

  /** The saved snapshot, when it is ours and intact; the log then brings it up to date. */
  private async restore(): Promise<void> {
    if (this.options.initial) {
      this.index = this.options.initial;
      this.generation++;
      this.needFull = false;
      return;
    }
    const file = this.options.snapshotFile;
    if (!file) return;
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      return; // none yet
    }
    try {
      const { index, position } = loadRankingIndex(bytes);
      const p = position as SnapshotPosition;
      if (p.indexUid !== this.indexUid || p.shards !== this.shards.length) throw new Error(`snapshot of ${p.indexUid} (${p.shards} shards)`);
      // The entry we stopped at must still be the same one (a log deleted and written anew reuses numbers).
      for (let s = 0; s < this.shards.length; s++) {
        if (p.positions[s]! === 0) continue;
        const at = await this.entryAt(this.shards[s]!, p.positions[s]!);
        if (at !== null && at !== p.at[s]) throw new Error('the change log was recreated since');
      }
      if (!this.fits(index.stats().chunks)) return;
      this.index = index;
      this.positions = [...p.positions];
      this.positionAt = [...p.at];
      this.generation++;
      this.needFull = false;
      this.savedVersion = this.currentVersion();
      // The catch-up that follows is saved with the next changes, not at once: a save right after
      // a restore wrote the file just read again (and held its size in memory twice more).
      this.savedAt = Date.now();
      this.log.info({ indexUid: this.indexUid, chunks: index.stats().chunks, file }, 'ranking index loaded from its snapshot; catching up from the change log');
    } catch (error) {
      this.log.warn({ indexUid: this.indexUid, file, err: error instanceof Error ? error.message : String(error) }, 'ranking index snapshot ignored');
    }
  }

  private async save(force: boolean): Promise<void> {
    const file = this.options.snapshotFile;
    const index = this.index;
    const version = this.currentVersion();
    if (!file || !index || version === this.savedVersion) return;
    const now = Date.now();
    if (now < this.saveRetryAt || (!force && now - this.savedAt < SNAPSHOT_EVERY_MS)) return;
    this.savedAt = now;
    const position: SnapshotPosition = { indexUid: this.indexUid, shards: this.shards.length, positions: [...this.positions], at: [...this.positionAt] };
    const temporary = `${file}.${process.pid}.${++snapshotWrites}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeParts(temporary, index.snapshotParts(position));
      await rename(temporary, file); // never a half-written snapshot under the real name
      this.savedVersion = version;
      this.saveFailures = 0;
      this.saveRetryAt = 0;
    } catch (error) {
      // A failed save leaves no temporary file behind (it is as big as the snapshot), and the next
      // try waits twice as long each time: a full disk or a directory in the way does not go away in a minute.
      await rm(temporary, { force: true }).catch(() => undefined);
      this.saveFailures++;
      const retryInMs = Math.min(SNAPSHOT_MAX_BACKOFF_MS, SNAPSHOT_EVERY_MS * 2 ** (this.saveFailures - 1));
      this.saveRetryAt = now + retryInMs;
      this.log.warn({ indexUid: this.indexUid, file, err: error instanceof Error ? error.message : String(error), failures: this.saveFailures, retryInMs }, 'ranking index snapshot not saved');
    }
  }

  /** Snapshot saves that failed in a row (0 after a good one). */
  get snapshotFailures(): number {
    return this.saveFailures;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The ranking index searches use (undefined: rank engine candidates). */
  current(): RankingIndex | undefined {
    return this.versionUnknown ? undefined : this.index;
  }

  /** Where the index stands (changes with every applied change): part of response cache keys. */
  currentVersion(): string | undefined {
    return this.current() ? `${this.generation}:${this.positions.join(',')}` : undefined;
  }

  /** True while no index exists yet but one is being built: engine-path answers are not cached. */
  pending(): boolean {
    return this.index === undefined && !this.overBudget && this.needFull;
  }

  /** True while the index is over the memory budget (a metric). */
  isOverBudget(): boolean {
    return this.overBudget;
  }

  /** Serving, building, over its budget (with the reason) or set aside (engine version unknown). */
  state(): RankingState {
    const chunks = this.index?.stats().chunks ?? this.wantedChunks;
    const figures = { chunks, needBytes: indexNeed(chunks), budgetBytes: this.budget.bytes };
    if (this.overBudget) return { state: 'over_budget', ...figures, reason: overBudgetReason(chunks, this.budget) };
    if (!this.index) return { state: 'building', ...figures };
    return { state: this.versionUnknown ? 'stale' : 'serving', ...figures };
  }

  /**
   * From the index watcher: a change is read at once (without a log, it means a full build).
   * Undefined (an engine unreachable) sets the index aside until a version is known again: with a
   * shard down, the engine path answers with what is reachable, marked partial.
   */
  setVersion(version: string | undefined): void {
    this.versionUnknown = version === undefined;
    if (version !== undefined && version !== this.lastVersion) {
      if (this.noLog && this.lastVersion !== undefined) this.needFull = true;
      this.lastVersion = version;
      // Before start() the first pass is still to come: polling now would race its snapshot restore.
      if (this.started) void this.poll();
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
      const full = this.needFull || this.overBudget;
      if (full) await this.fullBuild();
      else await this.catchUp();
      await this.save(full);
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
    if (this.index && !this.fits(Math.max(total, this.index.stats().chunks))) return;
    // Log heads first: whatever is written during the build is replayed after it (replays are harmless).
    const heads = await Promise.all(this.shards.map((s) => this.logHead(s)));
    const headAt = await Promise.all(this.shards.map((s, i) => this.entryAt(s, heads[i] ?? 0)));
    this.noLog = heads.every((h) => h === undefined);
    // With an index already (an index swap, a gap in the log), it is changed in place: the old one
    // keeps serving and memory stays about the same (peak ≤ 1.3× settled, docs/scale.md).
    const index = this.index ?? createRankingIndex();
    await index.replaceAll(this.allDocuments());
    this.index = index;
    this.positions = heads.map((h) => h ?? 0);
    this.positionAt = headAt;
    this.generation++;
    this.fullBuilds++;
    this.needFull = false;
    this.overBudget = false;
    this.lastAppliedAt = Date.now();
    // The memos now hold every word form of the archive; only the next full read would use them.
    clearStemMemos();
    const stats = index.stats();
    this.log.info({ indexUid: this.indexUid, chunks: stats.chunks, stems: stats.terms, megabytes: Math.round(stats.bytes / 1e6), ms: Math.round(performance.now() - started) }, 'ranking index built');
  }

  /**
   * Every document, in pages ordered by id and started after the last id read (keyset paging):
   * writes during the read cannot shift a page past chunks nobody touched, as offsets could (a
   * deletion before the offset skipped as many chunks, and the sweep then dropped them). What the
   * writes themselves changed is in the log after the heads, and is replayed.
   */
  private async *allDocuments(): AsyncGenerator<RankingDocument[]> {
    for (const shard of this.shards) {
      const engineIndex = shard.index(this.indexUid);
      // The engine compares ids as folded strings: ids equal but for case sort together, so a page
      // starts at its predecessor's last id (>=) and leaves out the ids that page already gave.
      let last: string | undefined;
      let given = new Set<string>();
      for (;;) {
        const filter = last === undefined ? undefined : atLeast('id', last);
        let page;
        try {
          page = await engineIndex.search<RankingDocument>('', { filter, sort: ['id:asc'], limit: this.pageSize, attributesToRetrieve: [...SOURCE_FIELDS] });
        } catch (error) {
          if (engineErrorCode(error) !== 'invalid_search_sort') throw error;
          // An index made before `id` was sortable, until the indexer's next run updates its settings.
          yield* this.documentsByOffset(engineIndex);
          break;
        }
        const fresh = page.hits.filter((hit) => !given.has(hit.id));
        if (fresh.length > 0) yield fresh;
        if (page.hits.length < this.pageSize || fresh.length === 0) break;
        last = page.hits.at(-1)!.id;
        given = new Set(page.hits.map((hit) => hit.id));
      }
    }
  }

  private async *documentsByOffset(engineIndex: ReturnType<Engine['index']>): AsyncGenerator<RankingDocument[]> {
    this.log.warn({ indexUid: this.indexUid }, 'index is not sortable by id (made by an older indexer); reading it by offset until the next indexer run');
    const size = this.pageSize;
    for (let offset = 0; ; offset += size) {
      const page = await engineIndex.search<RankingDocument>('', { offset, limit: size, attributesToRetrieve: [...SOURCE_FIELDS] });
      yield page.hits;
      if (page.hits.length < size || offset + size >= (page.estimatedTotalHits ?? 0)) break;
    }
  }

  private get pageSize(): number {
    return this.options.pageSize ?? PAGE;
  }

  private fits(chunks: number): boolean {
    this.wantedChunks = chunks;
    if (indexNeed(chunks) <= this.budget.bytes) {
      if (this.overBudget) this.log.info({ indexUid: this.indexUid, chunks }, 'index fits the ranking memory budget again');
      return true;
    }
    if (!this.overBudget) {
      // Said plainly, once, at the moment it happens (at start-up for an index that is too big).
      this.log.warn({ indexUid: this.indexUid, chunks, needMb: Math.round(indexNeed(chunks) / 1e6), budgetMb: Math.round(this.budget.bytes / 1e6), setting: this.budget.source }, overBudgetReason(chunks, this.budget));
    }
    this.overBudget = true;
    this.index = undefined;
    return false;
  }

  private async entryAt(shard: Engine, seq: number): Promise<string | null> {
    if (seq === 0) return null;
    const found = await shard.index(changeLogUid(this.indexUid)).search<ChangeEntry>('', { filter: `seq = ${seq}`, limit: 1, attributesToRetrieve: ['at'] });
    return found.hits[0]?.at ?? null;
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
      if (engineErrorCode(error) === 'index_not_found') return undefined;
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
          if (engineErrorCode(error) !== 'index_not_found') throw error;
          // No log (an engine indexed by an older indexer, or it was deleted): follow versions instead.
          if (!this.noLog && this.positions[s]! > 0) this.needFull = true;
          this.noLog = true;
          return;
        }
        if (this.noLog) {
          this.noLog = false;
          if (entries[0] && entries[0].seq !== 1) this.needFull = true;
        }
        for (const raw of entries) {
          const checked = checkChangeEntry(raw);
          if ('problem' in checked) {
            // Its ids are unknown, so nothing can be applied from it: a malformed `open` entry is
            // waited on like any open one (the next indexer run closes it); a closed one is passed
            // by a full re-read, whose position (the log head) lies past it. Never retried as is.
            if (raw.state === 'open' && raw.seq === this.positions[s]! + 1) break;
            this.malformedEntries++;
            this.log.warn({ indexUid: this.indexUid, seq: raw.seq, problem: checked.problem }, `change log entry ${raw.seq} is malformed (${checked.problem}); re-reading the whole index instead`);
            this.needFull = true;
            this.again = true;
            return;
          }
          const entry = checked.entry;
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
          this.positionAt[s] = entry.at;
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

  /**
   * The current state of every listed chunk: present → upsert, absent → remove. With shards,
   * "absent" means absent from every shard: a --reshard copies an article to its new shard, then
   * deletes it from the old one, and the old shard's entry must not remove the new copy.
   */
  private async applyEntry(shard: Engine, entry: ChangeEntry): Promise<void> {
    const index = this.index;
    if (!index) return;
    for (let i = 0; i < entry.ids.length; i += ID_PAGE) {
      const ids = entry.ids.slice(i, i + ID_PAGE);
      const found = await this.documentsById(shard, ids);
      const present = new Set(found.map((d) => d.id));
      let absent = ids.filter((id) => !present.has(id));
      for (const other of this.shards) {
        if (other === shard || absent.length === 0) continue;
        const elsewhere = await this.documentsById(other, absent);
        found.push(...elsewhere);
        for (const d of elsewhere) present.add(d.id);
        absent = absent.filter((id) => !present.has(id));
      }
      index.apply({ upsert: found, remove: absent });
    }
    const chunks = index.stats().chunks;
    if (!this.fits(chunks)) this.needFull = true;
  }

  private async documentsById(shard: Engine, ids: readonly string[]): Promise<RankingDocument[]> {
    const found = await shard.index(this.indexUid).search<RankingDocument>('', { filter: oneOf('id', ids), limit: ids.length, attributesToRetrieve: [...SOURCE_FIELDS] });
    return found.hits;
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
