import type { Engine } from '../../core/engine/client.js';
import type { Logger } from '../../core/logger.js';
import { IndexRanker } from './index-rank.js';
import { watchIndex, type IndexWatcher } from './index-watch.js';
import { RankIndexBuilder, type RankIndex, type RankSource } from './rank-index.js';

/** Chunks per engine request while loading (about 4 MB of JSON). */
const PAGE = 2000;
const SOURCE_FIELDS = ['id', 'articleId', 'stems', 'sectionTitle', 'text', 'tags', 'dateTs', 'year', 'sectionIndex', 'passage'] as const;

export interface RankingOptions {
  /** Above this many chunks the proxy keeps no ranking index (memory) and ranks engine candidates. */
  maxChunks: number;
}

/**
 * Keeps the ranking index (rank-index.ts) in step with the engine's index. It is built in the
 * background from the engine's documents with the search-only key, and used only while it matches
 * the index version the index watcher last saw: when the index changes, searches go back to the
 * engine-candidate path until the rebuild is done, so readers never get results from an old index
 * for longer than one watch interval.
 */
export class RankingIndex {
  private ranker: IndexRanker | undefined;
  private builtVersion: string | undefined;
  private wantedVersion: string | undefined;
  private building: Promise<void> | undefined;
  private tooLarge = false;

  /**
   * `shards`: search-only clients of every engine holding part of the index (one without a
   * cluster); each is read on its own, so the ranking index holds the union, and ranks a cluster
   * exactly as one engine.
   */
  constructor(
    private readonly shards: readonly Engine[],
    private readonly indexUid: string,
    private readonly options: RankingOptions,
    private readonly log: Logger,
  ) {}

  /** The ranker, when it reflects the current index version. */
  current(): IndexRanker | undefined {
    return this.wantedVersion !== undefined && this.builtVersion === this.wantedVersion ? this.ranker : undefined;
  }

  /** The index version the current ranker was built from (undefined when there is none). */
  currentVersion(): string | undefined {
    return this.current() ? this.builtVersion : undefined;
  }

  /**
   * True while the index has changed and the rebuild is not done: searches take the engine path,
   * whose answers should not be cached (they would outlive the rebuild under the new version).
   */
  pending(): boolean {
    return !this.tooLarge && this.wantedVersion !== undefined && this.wantedVersion !== this.builtVersion;
  }

  /** From the index watcher: a new version starts a rebuild; undefined (unknown) disables the ranker. */
  setVersion(version: string | undefined): void {
    this.wantedVersion = version;
    if (version !== undefined && version !== this.builtVersion) void this.rebuild();
  }

  /** Resolves when no rebuild is running (tests and start-up wait for the first one). */
  async settled(): Promise<void> {
    while (this.building) await this.building;
  }

  private rebuild(): Promise<void> {
    this.building ??= this.buildLoop().finally(() => (this.building = undefined));
    return this.building;
  }

  private async buildLoop(): Promise<void> {
    // Versions may move while a build runs: build again until the last one built is the wanted one.
    while (this.wantedVersion !== undefined && this.wantedVersion !== this.builtVersion && !this.tooLarge) {
      const version = this.wantedVersion;
      const started = performance.now();
      try {
        const built = await this.load();
        if (!built) return;
        this.ranker = new IndexRanker(built);
        this.builtVersion = version;
        this.log.info(
          { indexUid: this.indexUid, chunks: built.chunkCount, stems: built.terms.length, megabytes: Math.round(built.byteSize / 1e6), ms: Math.round(performance.now() - started) },
          'ranking index built',
        );
      } catch (error) {
        this.log.warn({ indexUid: this.indexUid, err: error instanceof Error ? error.message : String(error) }, 'ranking index build failed; ranking engine candidates');
        return;
      }
    }
  }

  private async load(): Promise<RankIndex | undefined> {
    const builder = new RankIndexBuilder();
    for (const shard of this.shards) {
      const index = shard.index(this.indexUid);
      for (let offset = 0; ; offset += PAGE) {
        const page = await index.search<RankSource>('', { offset, limit: PAGE, attributesToRetrieve: [...SOURCE_FIELDS] });
        const total = page.estimatedTotalHits ?? 0;
        if (builder.size + total - offset > this.options.maxChunks) {
          this.tooLarge = true;
          this.ranker = undefined;
          this.log.warn({ indexUid: this.indexUid, maxChunks: this.options.maxChunks }, 'index larger than RANKING_MAX_CHUNKS; ranking engine candidates');
          return undefined;
        }
        for (const hit of page.hits) builder.add(hit);
        if (page.hits.length < PAGE || offset + PAGE >= total) break;
      }
    }
    return builder.build();
  }
}

/**
 * One engine's ranking index with its own index watcher (`monitor`: the read-only monitor key),
 * resolved once the first build is done; `alsoOnVersion` gets every version too (a response
 * cache). server/system.ts, which may watch several shards, wires its own; tests and benchmarks
 * use this.
 */
export async function watchedRankingIndex(
  engine: Engine,
  monitor: Engine,
  indexUid: string,
  options: RankingOptions & { pollMs: number; alsoOnVersion?: (version: string | undefined) => void },
  log: Logger,
): Promise<{ ranking: RankingIndex; watcher: IndexWatcher }> {
  const ranking = new RankingIndex([engine], indexUid, options, log);
  const watcher = watchIndex(monitor, indexUid, options.pollMs, (version) => {
    options.alsoOnVersion?.(version);
    ranking.setVersion(version);
  }, log);
  await watcher.ready;
  await ranking.settled();
  return { ranking, watcher };
}
