import { AsyncLocalStorage } from 'node:async_hooks';
import type { FederatedMultiSearchParams, MatchingStrategies, MultiSearchQueryWithFederation, SearchResponse } from 'meilisearch';
import type { Engine } from '../../core/engine/client.js';
import { createEngine, toEngineError } from '../../core/engine/client.js';
import { prepareCluster, type ClusterConfig, type SearchShard } from '../../core/engine/cluster.js';
import { EngineUnavailableError } from '../../core/errors.js';
import { RETRIEVED_FIELDS, engineHighlight, type EngineHit, type EngineResult } from './execute.js';
import type { EngineQuery } from './query.js';

/** An EngineResult that says honestly which shards did not answer. */
export interface ClusterResult extends EngineResult {
  partial: boolean;
  failedShards: string[];
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

/**
 * `frequency` drops the query words that are most frequent *in the shard*, so each shard may drop
 * different words and score the same document differently: measured, 6 of 7 multi-word test
 * queries ranked differently over 3 shards than on one engine. `last` and `all` depend on the
 * document alone and ranked identically (tests/integration/cluster-search.test.ts).
 */
export const CLUSTER_MATCHING_STRATEGY: MatchingStrategies = 'last';

/**
 * Network and keys prepared, then the engine-ranking search with the same input as
 * executeSearch(). The server itself runs executeSearch() over clusterEngine() (system.ts).
 */
export async function connectClusterSearch(
  cluster: ClusterConfig,
  indexUid: string,
  timeoutMs: number,
): Promise<(query: EngineQuery) => Promise<ClusterResult>> {
  const coordinators = coordinatorsFor(await prepareCluster(cluster, indexUid), timeoutMs);
  return (query) => clusterSearch(coordinators, indexUid, query);
}

/**
 * The per-shard query, with the same parameters execute.ts sends to a single engine (markers,
 * crop), so shape.ts renders cluster hits unchanged. Pagination and facets move to `federation`,
 * which is where the engine accepts them in a federated search.
 */
export function shardQuery(
  query: EngineQuery,
  indexUid: string,
  matchingStrategy: MatchingStrategies = CLUSTER_MATCHING_STRATEGY,
): MultiSearchQueryWithFederation {
  return {
    indexUid,
    q: query.q,
    filter: query.filter.length > 0 ? query.filter : undefined,
    sort: query.sort,
    attributesToRetrieve: [...RETRIEVED_FIELDS],
    ...engineHighlight(),
    matchingStrategy,
  };
}

/**
 * Every base query once per shard (`federationOptions.remote`), weights kept. A future
 * multi-query execute.ts (stems, weights) passes its own base queries here.
 */
export function federatedRequest(
  baseQueries: readonly MultiSearchQueryWithFederation[],
  query: Pick<EngineQuery, 'limit' | 'offset' | 'facets'>,
  indexUid: string,
  shardNames: readonly string[],
): FederatedMultiSearchParams {
  const queries = baseQueries.flatMap((base) =>
    shardNames.map((remote) => ({ ...base, federationOptions: { weight: base.federationOptions?.weight ?? 1, remote } })),
  );
  return {
    federation: {
      limit: query.limit,
      offset: query.offset,
      ...(query.facets.length > 0 ? { facetsByIndex: { [indexUid]: query.facets }, mergeFacets: {} } : {}),
    },
    queries,
  };
}

export type FederatedAnswer = SearchResponse<EngineHit> & {
  estimatedTotalHits?: number;
  remoteErrors?: Record<string, { code?: string; message?: string }>;
};

/** The merged answer of one federated request and the shards that did not contribute to it. */
export interface FederatedOutcome {
  answer: FederatedAnswer;
  failedShards: string[];
}

/**
 * Sends one federated request through the first reachable coordinator; the engine reports
 * unreachable remotes in `remoteErrors`, and a coordinator we could not reach at all counts as
 * failed too. Only when no shard answers does it fail. Failed shards are also added to the
 * collector of the current request (collectFailedShards), however deep the call.
 */
export async function federatedSearch(coordinators: readonly Coordinator[], request: FederatedMultiSearchParams): Promise<FederatedOutcome> {
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
    const failedShards = [...new Set([...unreachable, ...Object.keys(answer.remoteErrors ?? {})])].sort();
    const collector = failedShardCollector.getStore();
    for (const name of failedShards) collector?.add(name);
    return { answer, failedShards };
  }
  for (const name of unreachable) failedShardCollector.getStore()?.add(name);
  throw lastError ?? new EngineUnavailableError('cluster search: no shards configured');
}

/** One remote federated multi-search over all shards, with the engine's own ranking. */
export async function clusterSearch(
  coordinators: readonly Coordinator[],
  indexUid: string,
  query: EngineQuery,
  baseQueries: readonly MultiSearchQueryWithFederation[] = [shardQuery(query, indexUid)],
): Promise<ClusterResult> {
  const request = federatedRequest(baseQueries, query, indexUid, coordinators.map((c) => c.name));
  const { answer, failedShards } = await federatedSearch(coordinators, request);
  return {
    hits: answer.hits.map(withoutFederation),
    total: answer.estimatedTotalHits ?? answer.hits.length,
    processingTimeMs: answer.processingTimeMs,
    facetDistribution: answer.facetDistribution ?? {},
    partial: failedShards.length > 0,
    failedShards,
  };
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
export function withoutFederation(hit: EngineHit & { _federation?: unknown }): EngineHit {
  const { _federation: _ignored, ...rest } = hit;
  return rest;
}
