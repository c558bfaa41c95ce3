/** Indexing over MEILI_SHARDS: each article to its shard, resharding, a summary per shard. */
import { oneOf } from '../core/engine/filters.js';
import type { ChunkDocument, ChunkFingerprint } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { ensureIndex } from '../core/engine/settings.js';
import { UsageError } from '../core/errors.js';
import { adminEngineFor, isDistributed, prepareCluster, shardFor, type ClusterConfig } from '../core/engine/cluster.js';
import { applyPlan, readFingerprints } from './apply.js';
import { groupBy, planChanges, type Plan } from './plan.js';
import { formatSummary } from './report.js';
import { collectChunks, type IndexOptions, type IndexSummary } from './run.js';
import { applySynonyms, readSynonyms } from './synonyms.js';

/** One shard as the indexer writes to it (master-key client). */
export interface ShardTarget {
  name: string;
  engine: Engine;
}

export interface ShardedIndexOptions extends IndexOptions {
  /** Move articles that sit on a shard other than the one their id hashes to. */
  reshard: boolean;
}

export interface ShardedSummary extends IndexSummary {
  /** Articles moved to their right shard by --reshard. */
  moved: number;
  /** Chunks per shard after the run, as planned. */
  shards: Record<string, { chunksSent: number; chunksDeleted: number }>;
}

/** Test seam: called after an article batch was copied to its right shard, before the wrong copy is deleted. */
export interface ReshardHooks {
  afterCopy?: (from: string, to: string, articleIds: string[]) => void | Promise<void>;
}

const ARTICLES_PER_MOVE = 200;

/**
 * The indexer over several shards: every article's chunks go to shardFor(articleId). Each shard
 * gets its own planChanges()/applyPlan(), so a re-run sends only what changed there. Misplaced
 * articles (the shard list changed) are moved first with `reshard`, or refused without it, since
 * writing them to their new shard would leave a second copy behind.
 */
export async function runShardedIndexer(
  shards: readonly ShardTarget[],
  indexUid: string,
  options: ShardedIndexOptions,
  hooks: ReshardHooks = {},
): Promise<ShardedSummary> {
  const started = performance.now();
  const names = shards.map((s) => s.name);
  const { articles, chunks, failures } = await collectChunks(options);
  await Promise.all(shards.map((s) => ensureIndex(s.engine, indexUid)));
  // Every shard searches with the synonyms and every shard's log announces them (proxies read the first).
  const synonymsSource = options.synonyms === undefined ? await readSynonyms(options.paths) : options.synonyms;
  const synonyms = synonymsSource ? await Promise.all(shards.map((s) => applySynonyms(s.engine, indexUid, synonymsSource))) : undefined;

  let existing = await readAllFingerprints(shards, indexUid);
  const misplaced = findMisplaced(existing, names);
  let moved = 0;
  if (misplaced.length > 0) {
    if (!options.reshard) {
      throw new UsageError(
        `${misplaced.length} article(s) are on a shard their id no longer maps to (the shard list changed?), e.g. ` +
          `${misplaced[0]!.articleId} on ${misplaced[0]!.from}; run again with --reshard to move them`,
      );
    }
    moved = await moveMisplaced(shards, indexUid, existing, misplaced, hooks);
    existing = await readAllFingerprints(shards, indexUid);
  }

  const wantedByShard = groupBy(chunks, (c) => shardFor(c.articleId, names));
  const plans = new Map<string, Plan>();
  for (const shard of shards) {
    plans.set(shard.name, planChanges(existing.get(shard.name) ?? [], wantedByShard.get(shard.name) ?? [], { prune: options.prune }));
  }
  const diffed = performance.now();
  await Promise.all(shards.map((shard) => applyPlan(shard.engine, indexUid, plans.get(shard.name)!)));
  const engineMs = performance.now() - diffed;

  const all = [...plans.values()];
  const count = (change: string) => all.reduce((n, p) => n + [...p.changes.values()].filter((c) => c === change).length, 0);
  return {
    articles: articles.length,
    added: count('added'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    pruned: all.reduce((n, p) => n + p.pruned.length, 0),
    failed: failures.length,
    chunks: chunks.length,
    chunksSent: all.reduce((n, p) => n + p.upsert.length, 0),
    chunksDeleted: all.reduce((n, p) => n + p.delete.length, 0),
    failures,
    ...(synonyms && { synonyms: { ...synonyms[0]!, changed: synonyms.some((s) => s.changed) } }),
    notes: articles.flatMap((article) => article.notes ?? []),
    elapsedMs: Math.round(performance.now() - started),
    // Only the final writes are timed as engine work here; reads and moves count as own work.
    ownMs: Math.round(performance.now() - started - engineMs),
    engineMs: Math.round(engineMs),
    moved,
    shards: Object.fromEntries([...plans].map(([name, p]) => [name, { chunksSent: p.upsert.length, chunksDeleted: p.delete.length }])),
  };
}

interface Misplaced {
  articleId: string;
  from: string;
  to: string;
}

async function readAllFingerprints(shards: readonly ShardTarget[], indexUid: string): Promise<Map<string, ChunkFingerprint[]>> {
  const lists = await Promise.all(shards.map((s) => readFingerprints(s.engine, indexUid)));
  return new Map(shards.map((s, i) => [s.name, lists[i]!]));
}

export function findMisplaced(existing: ReadonlyMap<string, readonly ChunkFingerprint[]>, names: readonly string[]): Misplaced[] {
  const out: Misplaced[] = [];
  for (const [from, fingerprints] of existing) {
    for (const articleId of new Set(fingerprints.map((f) => f.articleId))) {
      const to = shardFor(articleId, names);
      if (to !== from) out.push({ articleId, from, to });
    }
  }
  return out;
}

/**
 * Copy, then delete: each article is written to its right shard (exactly the chunks the wrong
 * shard holds, stale extra chunks on the right shard removed) before its copy is deleted from the
 * wrong one. A run killed in between leaves two copies, never none; the next run finds the wrong
 * copy again, the right shard already equal (nothing sent), and finishes the delete.
 */
async function moveMisplaced(
  shards: readonly ShardTarget[],
  indexUid: string,
  existing: ReadonlyMap<string, readonly ChunkFingerprint[]>,
  misplaced: readonly Misplaced[],
  hooks: ReshardHooks,
): Promise<number> {
  const byName = new Map(shards.map((s) => [s.name, s]));
  const routes = groupBy(misplaced, (m) => `${m.from}\u0000${m.to}`);
  for (const route of routes.values()) {
    const { from, to } = route[0]!;
    for (let i = 0; i < route.length; i += ARTICLES_PER_MOVE) {
      const articleIds = route.slice(i, i + ARTICLES_PER_MOVE).map((m) => m.articleId);
      const ids = new Set(articleIds);
      const docs = await readArticleDocuments(byName.get(from)!.engine, indexUid, articleIds);
      const target = (existing.get(to) ?? []).filter((f) => ids.has(f.articleId));
      await applyPlan(byName.get(to)!.engine, indexUid, planChanges(target, docs));
      await hooks.afterCopy?.(from, to, articleIds);
      const wrongCopies = (existing.get(from) ?? []).filter((f) => ids.has(f.articleId)).map((f) => f.id);
      await applyPlan(byName.get(from)!.engine, indexUid, { upsert: [], delete: wrongCopies, changes: new Map(), pruned: [] });
    }
  }
  return misplaced.length;
}

/** Full documents of some articles, by the filterable articleId. */
async function readArticleDocuments(engine: Engine, indexUid: string, articleIds: readonly string[]): Promise<ChunkDocument[]> {
  const filter = oneOf('articleId', articleIds);
  const out: ChunkDocument[] = [];
  try {
    for (let offset = 0; ; offset += 1000) {
      const page = await engine.index<ChunkDocument>(indexUid).getDocuments({ filter, limit: 1000, offset });
      out.push(...page.results);
      if (page.results.length < 1000) return out;
    }
  } catch (error) {
    throw toEngineError(error, `reading articles to move from index ${indexUid}`);
  }
}

/**
 * The CLI's cluster path: MEILI_SHARDS given (or --reshard asked for). Prepares the network like
 * the server does (idempotent), so an indexer job that runs first leaves a searchable cluster.
 */
export async function runClusterIndexer(
  cluster: ClusterConfig | undefined,
  indexUid: string,
  options: ShardedIndexOptions,
): Promise<ShardedSummary> {
  if (!cluster) throw new UsageError('--reshard needs MEILI_SHARDS (the list of engine shards)');
  if (isDistributed(cluster)) await prepareCluster(cluster, indexUid);
  const targets = cluster.shards.map((s) => ({ name: s.name, engine: adminEngineFor(s, 60_000) }));
  return runShardedIndexer(targets, indexUid, options);
}

export function formatShardedSummary(summary: ShardedSummary): string {
  const perShard = Object.entries(summary.shards).map(([name, s]) => `${name}: +${s.chunksSent}/-${s.chunksDeleted}`);
  return `${formatSummary(summary)}\nshards: ${perShard.join(', ')}; articles moved to their shard: ${summary.moved}`;
}
