import type { FederatedMultiSearchParams, MultiSearchQuery, SearchParams } from 'meilisearch';
import type { Engine } from '../../core/engine/client.js';
import { federatedSearch, withoutFederation, type Coordinator } from './cluster-search.js';

/**
 * The part of the engine client that executeSearch(), loadArticle() and the readiness check call,
 * answered by the whole cluster: every search becomes one remote federated multi-search over all
 * shards. So the single-node pipeline (term statistics, candidate lists, BM25 re-ranking, our own
 * highlighting, grouping, corrections) runs unchanged over shards, and its corpus statistics are
 * cluster-wide because federated hit counts add up across the (disjoint) shards.
 */
export interface ClusterEngineSurface {
  index(indexUid: string): { search(q?: string | null, params?: SearchParams): Promise<unknown> };
  multiSearch(request: { queries: MultiSearchQuery[]; federation?: unknown }): Promise<{ results: unknown[] }>;
}

/** Options a federated query refuses per query (the engine wants them in `federation`). */
const FEDERATION_LEVEL = ['limit', 'offset', 'page', 'hitsPerPage', 'facets', 'indexUid', 'q'] as const;

export function clusterEngine(coordinators: readonly Coordinator[]): Engine {
  const remotes = coordinators.map((c) => c.name);

  const search = async (indexUid: string, q: string | null | undefined, params: SearchParams = {}) => {
    const limit = params.limit ?? 20;
    const offset = params.offset ?? 0;
    const perQuery = Object.fromEntries(Object.entries(params).filter(([k]) => !(FEDERATION_LEVEL as readonly string[]).includes(k)));
    const facets = params.facets ?? [];
    const request: FederatedMultiSearchParams = {
      federation: { limit, offset, ...(facets.length > 0 ? { facetsByIndex: { [indexUid]: facets }, mergeFacets: {} } : {}) },
      queries: remotes.map((remote) => ({ indexUid, q: q ?? '', ...perQuery, federationOptions: { weight: 1, remote } })),
    };
    const { answer } = await federatedSearch(coordinators, request);
    return { ...answer, hits: answer.hits.map(withoutFederation), query: q ?? '', limit, offset };
  };

  const surface: ClusterEngineSurface = {
    index: (indexUid) => ({ search: (q, params) => search(indexUid, q, params) }),
    async multiSearch({ queries, federation }) {
      // Callers that federate themselves use cluster-search.ts; this is the per-query form.
      if (federation !== undefined) throw new TypeError('clusterEngine.multiSearch: federated requests go through federatedSearch()');
      return { results: await Promise.all(queries.map(({ indexUid, q, ...params }) => search(indexUid, q, params as SearchParams))) };
    },
  };
  // executeSearch() is typed against the full client; it only ever calls the two methods above.
  return surface as unknown as Engine;
}

