import type { ChunkDocument, ChunkFingerprint } from '../core/document.js';

export type ArticleChange = 'added' | 'updated' | 'unchanged';

export interface Plan {
  /** Chunks to add or replace; sent before any deletion so an article never vanishes in between. */
  upsert: ChunkDocument[];
  /** Chunk ids no longer produced by their article (or by pruned articles). */
  delete: string[];
  changes: Map<string, ArticleChange>;
  pruned: string[];
}

/**
 * Compare the chunks the inputs produce now with what the engine holds. Articles not among the
 * inputs are left alone unless `prune` is set.
 */
export function planChanges(
  existing: readonly ChunkFingerprint[],
  wanted: readonly ChunkDocument[],
  options: { prune: boolean } = { prune: false },
): Plan {
  const existingByArticle = groupBy(existing, (f) => f.articleId);
  const wantedByArticle = groupBy(wanted, (d) => d.articleId);
  const plan: Plan = { upsert: [], delete: [], changes: new Map(), pruned: [] };

  for (const [articleId, docs] of wantedByArticle) {
    const have = new Map((existingByArticle.get(articleId) ?? []).map((f) => [f.id, f.hash]));
    const changed = docs.filter((doc) => have.get(doc.id) !== doc.hash);
    const wantedIds = new Set(docs.map((d) => d.id));
    const stale = [...have.keys()].filter((id) => !wantedIds.has(id));
    plan.upsert.push(...changed);
    plan.delete.push(...stale);
    plan.changes.set(articleId, have.size === 0 ? 'added' : changed.length + stale.length > 0 ? 'updated' : 'unchanged');
  }
  if (options.prune) {
    for (const [articleId, fingerprints] of existingByArticle) {
      if (wantedByArticle.has(articleId)) continue;
      plan.pruned.push(articleId);
      plan.delete.push(...fingerprints.map((f) => f.id));
    }
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
