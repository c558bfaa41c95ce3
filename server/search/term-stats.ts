import { LRUCache } from 'lru-cache';
import type { Engine } from '../../core/engine/client.js';
import type { QueryTerm } from './analyze.js';
import { termKey } from './analyze.js';

/**
 * Term statistics for ranking, read from the index itself: the document frequency of a stem is the
 * exact hit count of a phrase query (no typos, no prefix) on the `stems` field, and N is the number
 * of documents. Nothing is stored beside the index, so the figures are always in step with what
 * the indexer wrote, and the search-only key suffices. Counts are cached briefly: they move only
 * when the index changes, and a slightly stale idf ranks the same.
 */
export interface TermStats {
  /** Number of chunks in the index (after filters are NOT applied: idf is corpus-wide). */
  documents: number;
  /** termKey → chunks containing the term (any alternative). */
  df: Map<string, number>;
}

const CACHE_TTL_MS = 60_000;
const DOCUMENTS_KEY = '\u0000documents';

export class TermStatsReader {
  private readonly cache = new LRUCache<string, number>({ max: 50_000, ttl: CACHE_TTL_MS });

  constructor(
    private readonly engine: Engine,
    private readonly indexUid: string,
  ) {}

  async read(terms: readonly QueryTerm[]): Promise<TermStats> {
    const wanted = new Map<string, string>([[DOCUMENTS_KEY, '']]);
    for (const term of terms) wanted.set(termKey(term), phraseQuery(term));
    const missing = [...wanted].filter(([key]) => !this.cache.has(key));
    if (missing.length > 0) {
      const { results } = await this.engine.multiSearch({
        queries: missing.map(([, q]) => ({
          indexUid: this.indexUid,
          q,
          attributesToSearchOn: ['stems'],
          hitsPerPage: 0,
          page: 1,
        })),
      });
      results.forEach((result, i) => this.cache.set(missing[i]![0], result.totalHits ?? result.estimatedTotalHits ?? 0));
    }
    const df = new Map<string, number>();
    for (const term of terms) df.set(termKey(term), this.cache.get(termKey(term)) ?? 0);
    return { documents: Math.max(1, this.cache.get(DOCUMENTS_KEY) ?? 1), df };
  }
}

/** Quoted stems match exactly; alternatives are OR-ed by the engine's synonyms, not here. */
function phraseQuery(term: QueryTerm): string {
  return `"${term.alternatives[0]!.join(' ')}"`;
}
