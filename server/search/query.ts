import { normalizeQuery } from '../../core/text/normalize.js';
import type { SearchRequest } from './request.js';

/**
 * What the API asks of the engine, independent of how it is executed (execute.ts decides the
 * engine calls: highlight markers, morphology, federation). Filters are built from validated
 * values with filters.ts, never from raw input.
 */
export interface EngineQuery {
  q: string;
  filter: string[];
  /** Meilisearch sort expressions, e.g. `dateTs:desc`; undefined = relevance. */
  sort: string[] | undefined;
  limit: number;
  offset: number;
  facets: string[];
}

export function buildEngineQuery(request: SearchRequest): EngineQuery {
  return {
    q: normalizeQuery(request.q),
    filter: [],
    sort: undefined,
    limit: request.limit,
    offset: 0,
    facets: [],
  };
}
