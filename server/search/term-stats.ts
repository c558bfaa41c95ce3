import { LRUCache } from 'lru-cache';
import type { MultiSearchQuery, SearchResponse } from 'meilisearch';
import type { QueryTerm } from './analyze.js';
import { termKey } from './analyze.js';

/**
 * Term statistics for ranking, read from the index itself: the document frequency of a stem is the
 * exact hit count of a phrase query (no typos, no prefix) on the `stems` field — exact because the
 * index raises `pagination.maxTotalHits` (core/engine/settings.ts) — and N is the hit count of the
 * empty query. Nothing is stored beside the index, so the figures are always in step with what the
 * indexer wrote, and the search-only key suffices. Counts are cached briefly: they move only when
 * the index changes, and a slightly stale idf ranks the same.
 */
export interface TermStats {
  /** Number of chunks in the index (corpus-wide: filters do not apply to idf). */
  documents: number;
  /** termKey → chunks containing the term's typed stem(s); absent = unknown. */
  df: Map<string, number>;
}

const CACHE_TTL_MS = 60_000;
const DOCUMENTS_KEY = '\u0000documents';

export interface CountRequest {
  key: string;
  query: MultiSearchQuery;
}

export class TermStatsReader {
  private readonly cache = new LRUCache<string, number>({ max: 50_000, ttl: CACHE_TTL_MS });

  constructor(private readonly indexUid: string) {}

  /** The count queries still needed for these terms. */
  missing(terms: readonly QueryTerm[]): CountRequest[] {
    const wanted = new Map<string, string>([[DOCUMENTS_KEY, '']]);
    for (const term of terms) if (!term.prefix) wanted.set(termKey(term), `"${termKey(term)}"`);
    return [...wanted]
      .filter(([key]) => !this.cache.has(key))
      .map(([key, q]) => ({
        key,
        query: { indexUid: this.indexUid, q, attributesToSearchOn: ['stems'], limit: 0 },
      }));
  }

  /** Take the answers to `missing()`'s queries, in order. */
  absorb(requests: readonly CountRequest[], results: readonly SearchResponse[]): void {
    requests.forEach((request, i) => this.cache.set(request.key, results[i]?.estimatedTotalHits ?? 0));
  }

  /** What is known now (call after absorb). */
  stats(terms: readonly QueryTerm[]): TermStats {
    const df = new Map<string, number>();
    for (const term of terms) {
      const count = this.cache.get(termKey(term));
      if (count !== undefined) df.set(termKey(term), count);
    }
    return { documents: Math.max(1, this.cache.get(DOCUMENTS_KEY) ?? 1), df };
  }
}
