/** What changed: articles compared by fingerprint with what the engine holds (added, updated, unchanged). */
import type { ChunkDocument, ChunkFingerprint } from '../core/document.js';

export type ArticleChange = 'added' | 'updated' | 'unchanged';

/** What the engine holds, per article: chunk id → content hash. */
export type Fingerprints = Map<string, Map<string, string>>;

export interface EngineState {
  byArticle: Fingerprints;
  /**
   * Source fingerprints whose article is stored completely (every chunk carries that sourceHash
   * and there are as many as the article has) → the article id. Such an input can be skipped.
   */
  completeSources: Map<string, string>;
}

export function engineState(existing: Iterable<ChunkFingerprint>): EngineState {
  const byArticle: Fingerprints = new Map();
  const sources = new Map<string, { sourceHash: string | undefined; count: number; expected: number }>();
  for (const f of existing) {
    let chunks = byArticle.get(f.articleId);
    if (!chunks) byArticle.set(f.articleId, (chunks = new Map()));
    chunks.set(f.id, f.hash);
    const s = sources.get(f.articleId);
    if (!s) sources.set(f.articleId, { sourceHash: f.sourceHash, count: 1, expected: f.articleChunks });
    else {
      s.count++;
      // Chunks from two versions of the input (an interrupted update): not complete.
      if (s.sourceHash !== f.sourceHash || s.expected !== f.articleChunks) s.sourceHash = undefined;
    }
  }
  const completeSources = new Map<string, string>();
  for (const [articleId, s] of sources) {
    if (s.sourceHash && s.count === s.expected) completeSources.set(s.sourceHash, articleId);
  }
  return { byArticle, completeSources };
}

export interface ArticleDiff<C extends DiffedChunk = ChunkDocument> {
  change: ArticleChange;
  /** Chunks to add or replace; sent before any deletion so the article never vanishes in between. */
  upsert: C[];
  /** Chunk ids the article no longer produces (a section removed, a passage fewer). */
  stale: string[];
}

/** What the diff reads of a chunk: a ChunkDocument, or the prepared form the parser thread sends (prepare.ts). */
export type DiffedChunk = Pick<ChunkDocument, 'id' | 'hash'>;

/** Compare the chunks an article produces now with what the engine holds for it. */
export function diffArticle<C extends DiffedChunk>(have: ReadonlyMap<string, string> | undefined, chunks: readonly C[]): ArticleDiff<C> {
  if (!have || have.size === 0) return { change: 'added', upsert: [...chunks], stale: [] };
  const upsert = chunks.filter((chunk) => have.get(chunk.id) !== chunk.hash);
  const wanted = new Set(chunks.map((c) => c.id));
  const stale = [...have.keys()].filter((id) => !wanted.has(id));
  return { change: upsert.length + stale.length > 0 ? 'updated' : 'unchanged', upsert, stale };
}

/** Articles the engine holds that no input produced, with their chunk ids (for `--prune`). */
export function unseenArticles(existing: Fingerprints, seen: ReadonlySet<string>): { articleIds: string[]; chunkIds: string[] } {
  const articleIds: string[] = [];
  const chunkIds: string[] = [];
  for (const [articleId, chunks] of existing) {
    if (seen.has(articleId)) continue;
    articleIds.push(articleId);
    chunkIds.push(...chunks.keys());
  }
  return { articleIds, chunkIds };
}

/** A whole run's changes for one engine, for callers that diff everything at once (shards). */
export interface Plan {
  upsert: ChunkDocument[];
  delete: string[];
  changes: Map<string, ArticleChange>;
  pruned: string[];
}

/** diffArticle over every article of a run; with `prune`, articles no input produced are deleted. */
export function planChanges(
  existing: Iterable<ChunkFingerprint>,
  wanted: readonly ChunkDocument[],
  options: { prune: boolean } = { prune: false },
): Plan {
  const { byArticle } = engineState(existing);
  const plan: Plan = { upsert: [], delete: [], changes: new Map(), pruned: [] };
  for (const [articleId, chunks] of groupBy(wanted, (d) => d.articleId)) {
    const diff = diffArticle(byArticle.get(articleId), chunks);
    plan.upsert.push(...diff.upsert);
    plan.delete.push(...diff.stale);
    plan.changes.set(articleId, diff.change);
  }
  if (options.prune) {
    const unseen = unseenArticles(byArticle, new Set(plan.changes.keys()));
    plan.pruned.push(...unseen.articleIds);
    plan.delete.push(...unseen.chunkIds);
  }
  return plan;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
