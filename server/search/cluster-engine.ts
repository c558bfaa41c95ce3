/**
 * A cluster of Meilisearch shards as one engine: clusterEngine() answers the calls the query
 * pipeline makes with remote federated multi-searches, so the cluster is a detail of the engine
 * and not a second pipeline. Shards that fail in any call of one request make its answer partial.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FederatedMultiSearchParams, MultiSearchQuery, SearchParams, SearchResponse } from 'meilisearch';
import type { Engine } from '../../core/engine/client.js';
import { createEngine, toEngineError } from '../../core/engine/client.js';
import type { SearchShard } from '../../core/engine/cluster.js';
import { EngineUnavailableError } from '../../core/errors.js';
import type { EngineHit } from './source.js';

/**
 * The part of the engine client that executeSearch(), loadArticle() and the readiness check call,
 * answered by the whole cluster: every search becomes one remote federated multi-search over all
 * shards. So the single-node pipeline (term statistics, candidate lists, BM25 re-ranking, our own
 * highlighting, grouping, corrections) runs unchanged over shards, and its corpus statistics are
 * cluster-wide because federated hit counts add up across the (disjoint) shards.
 */
interface ClusterEngineSurface {
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
    const answer = await federatedSearch(coordinators, request);
    return { ...answer, hits: answer.hits.map(withoutFederation), query: q ?? '', limit, offset };
  };

  const surface: ClusterEngineSurface = {
    index: (indexUid) => ({ search: (q, params) => search(indexUid, q, params) }),
    async multiSearch({ queries, federation }) {
      // Only the per-query form: the pipeline never federates itself.
      if (federation !== undefined) throw new TypeError('clusterEngine.multiSearch: takes per-query searches only; it federates each of them itself');
      return { results: await Promise.all(queries.map(({ indexUid, q, ...params }) => search(indexUid, q, params as SearchParams))) };
    },
  };
  // executeSearch() is typed against the full client; it only ever calls the two methods above.
  return surface as unknown as Engine;
}

/** A shard the proxy can send the federated search to, with its search-only key. */
export interface Coordinator {
  name: string;
  engine: Engine;
}

/** One search-key client per shard; each can coordinate, in list order (the first is the default). */
export function coordinatorsFor(shards: readonly SearchShard[], timeoutMs: number): Coordinator[] {
  return shards.map((s) => ({ name: s.name, engine: createEngine({ url: s.url, apiKey: s.searchKey, timeoutMs }) }));
}

type FederatedAnswer = SearchResponse<EngineHit> & {
  estimatedTotalHits?: number;
  remoteErrors?: Record<string, { code?: string; message?: string }>;
};

/**
 * Sends one federated request through the first reachable coordinator; the engine reports
 * unreachable remotes in `remoteErrors`, and a coordinator we could not reach at all counts as
 * failed too. Only when no shard answers does it fail. Failed shards go to the collector of the
 * current request (collectFailedShards), however deep the call.
 */
async function federatedSearch(coordinators: readonly Coordinator[], request: FederatedMultiSearchParams): Promise<FederatedAnswer> {
  const unreachable: string[] = [];
  let lastError: unknown;
  for (const coordinator of coordinators) {
    let answer: FederatedAnswer;
    try {
      answer = (await coordinator.engine.multiSearch<FederatedMultiSearchParams, EngineHit>(request)) as FederatedAnswer;
    } catch (error) {
      const typed = toEngineError(error, `cluster search via ${coordinator.name}`);
      if (!(typed instanceof EngineUnavailableError)) throw typed;
      unreachable.push(coordinator.name);
      lastError = typed;
      continue;
    }
    const collector = failedShardCollector.getStore();
    for (const name of [...unreachable, ...Object.keys(answer.remoteErrors ?? {})]) collector?.add(name);
    return answer;
  }
  for (const name of unreachable) failedShardCollector.getStore()?.add(name);
  throw lastError ?? new EngineUnavailableError('cluster search: no shards configured');
}

const failedShardCollector = new AsyncLocalStorage<Set<string>>();

/**
 * Runs `work` (one HTTP request's searches, however many engine calls they make) and returns the
 * shards that failed in any of its federated calls: a response built from them is partial.
 */
export async function collectFailedShards<T>(work: () => Promise<T>): Promise<{ value: T; failedShards: string[] }> {
  const failed = new Set<string>();
  const value = await failedShardCollector.run(failed, work);
  return { value, failedShards: [...failed].sort() };
}

/** `_federation` is engine bookkeeping; shape.ts never reads it and responses must not leak it. */
function withoutFederation(hit: EngineHit & { _federation?: unknown }): EngineHit {
  const { _federation: _ignored, ...rest } = hit;
  return rest;
}
