/** A search request → JSON bytes: validate, cache, layout correction, the pipeline, grouping, shape. */
import type { SearchResponse } from '../../core/api.js';
import type { Engine } from '../../core/engine/client.js';
import type { Metrics } from '../http/metrics.js';
import { LRUCache } from 'lru-cache';
import type { SearchAnalytics, Tally } from '../analytics/collector.js';
import { answerFacts, type AnswerFacts } from '../analytics/answer-facts.js';
import type { SharedResponseCache } from '../http/redis-stores.js';
import type { ResponseCache, UrlKeys } from './cache.js';
import { collectFailedShards } from './cluster-engine.js';
import type { RankingFollower as RankingIndex } from '../ranking/follower.js';
import { prepareSearch, type PreparedSearch } from './pipeline.js';
import { oneOf } from '../../core/engine/filters.js';
import { SECTIONS_PER_ARTICLE, buildEngineQuery, type EngineQuery } from './engine-query.js';
import { parseSearchRequest, type ParameterSource, type SearchRequest } from './validate-request.js';
import { searchWithCorrection } from './layout-correction.js';
import type { CorrectionKind } from '../../core/text/layout.js';
import type { Synonyms } from './synonyms.js';
import { normalizeQuery } from '../../core/text/normalize.js';
import type { EngineResult } from './pipeline.js';
import { groupByArticle, shapeResponse } from './shape.js';

export interface SearchOutcome {
  /** The JSON response body as UTF-8, serialized and encoded once (cache hits send it as is). */
  body: Buffer;
  cached: boolean;
  /** Its analytics tally, when analytics counted it. */
  tally?: Tally | undefined;
}

/**
 * `raw` from a query string (`url` given: a GET the fast path may answer again, remembered in
 * `urlKeys` with its cache key) or a JSON body (`source` json); `client`: the client's address,
 * asked only when analytics needs it for its threshold.
 */
export type SearchService = (raw: unknown, url?: string, source?: ParameterSource, client?: () => string | undefined) => Promise<SearchOutcome>;

/** A cache read and the way to fill that entry, bound to the index version it was read under. */
export interface CacheSlot {
  body: Buffer | undefined;
  /** The shared cache: the analytics facts stored beside the body (a hit is counted from them, nothing parsed). */
  facts?: AnswerFacts | undefined;
  store(body: Buffer, facts?: AnswerFacts): Promise<void> | void;
}

/** Where serialized responses are cached: this process's LRU, or Redis shared by all proxies. */
export interface SearchCache {
  lookup(key: string): Promise<CacheSlot> | CacheSlot;
  /** Bodies are kept as the same Buffer (this process's memory): a hit is recognised by its bytes. */
  local?: true;
}

export function inProcessCache(cache: ResponseCache): SearchCache {
  return {
    local: true,
    lookup(key) {
      const generation = cache.generation;
      return { body: cache.get(key), store: (body) => cache.set(key, body, generation) };
    },
  };
}

/**
 * The in-process cache's answer for the raw URL of a GET answered before, without parsing it
 * (the URL's key was learned then); undefined when the URL or its answer is not known. The
 * caller counts the hit if it serves it.
 */
export function cachedByUrl(cache: ResponseCache, urlKeys: UrlKeys, ranking?: RankingIndex, synonyms?: Synonyms): (url: string) => Buffer | undefined {
  return (url) => {
    const keyBase = urlKeys.keyBase(url);
    return keyBase === undefined ? undefined : cache.get(cacheKey(keyBase, ranking, synonyms));
  };
}

/**
 * The engine query holds everything the response depends on, already normalized; the ranking
 * index version it was ranked with and the synonyms' version are added, so proxies whose indexes
 * or synonyms differ for a moment (one has seen a change, the other not yet) never share answers
 * through Redis, and no answer outlives the synonyms it was made with.
 */
function cacheKeyBase(request: SearchRequest, query: EngineQuery): string {
  return JSON.stringify([query, request.group, request.exact]);
}

function cacheKey(keyBase: string, ranking: RankingIndex | undefined, synonyms: Synonyms | undefined): string {
  return keyBase + JSON.stringify([ranking?.currentVersion() ?? null, synonyms?.current().version ?? null]);
}

/** A shared-cache entry: the body's text, and the answer's analytics facts when analytics is on. */
type SharedEntry = { body: string; facts?: AnswerFacts };

export function sharedCache(cache: SharedResponseCache): SearchCache {
  return {
    async lookup(key) {
      const lookedUp = await cache.lookup<SharedEntry | string>(key);
      // An entry from before the facts were stored (a plain string) is served, not counted, until it expires.
      const entry = typeof lookedUp.value === 'string' ? { body: lookedUp.value } : lookedUp.value;
      return {
        body: entry === undefined ? undefined : Buffer.from(entry.body),
        facts: entry?.facts,
        store: (bytes, facts) => cache.store<SharedEntry | string>(key, lookedUp, facts ? { body: bytes.toString(), facts } : { body: bytes.toString() }),
      };
    },
  };
}

/**
 * validate → engine query → (cache) → execute → shape → JSON text. Over a cluster (the engine is
 * clusterEngine()), shards that failed during any of the request's engine calls make the response
 * `partial`; a partial response is never cached.
 */
export function createSearchService(
  engine: Engine,
  indexUid: string,
  cache: SearchCache | undefined,
  metrics: Metrics,
  ranking?: RankingIndex,
  urlKeys?: UrlKeys,
  synonyms?: Synonyms,
  analytics?: SearchAnalytics,
): SearchService {
  const search: Search = (query) => prepareSearch(engine, indexUid, query, ranking, synonyms?.current());
  const noClient = () => undefined;
  // Answers from a shared (Redis) cache are new Buffers on every hit: their tallies are found by cache key.
  const tallies = analytics && cache && !cache.local ? new LRUCache<string, Tally>({ max: 10_000 }) : undefined;
  const answer = async (request: SearchRequest, query: EngineQuery, client: () => string | undefined) => {
    const { value: response, failedShards } = await collectFailedShards(() => runSearch(search, request, query));
    if (failedShards.length > 0) Object.assign(response, { partial: true, failedShards });
    const body = Buffer.from(JSON.stringify(response));
    const facts = analytics && answerFacts(response);
    const tally = facts && analytics!.tally(facts);
    if (tally) {
      analytics!.remember(body, tally);
      analytics!.answered(tally, client);
    }
    return { body, complete: failedShards.length === 0, tally, facts };
  };
  return async (raw, url, source = 'query', client = noClient) => {
    const request = parseSearchRequest(raw, source);
    const query = buildEngineQuery(request);
    if (!cache) {
      const { body, tally } = await answer(request, query, client);
      return { body, cached: false, tally };
    }
    const keyBase = cacheKeyBase(request, query);
    if (url !== undefined) urlKeys?.remember(url, keyBase);
    const key = cacheKey(keyBase, ranking, synonyms);
    const slot = await cache.lookup(key);
    metrics.cache.inc({ result: slot.body === undefined ? 'miss' : 'hit' });
    if (slot.body !== undefined) return { body: slot.body, cached: true, tally: analytics && countHit(analytics, slot, key, client) };
    const pendingRanking = ranking?.pending() ?? false;
    const { body, complete, tally, facts } = await answer(request, query, client);
    if (tally) tallies?.set(key, tally);
    // Engine-path answers while the ranking index is rebuilt are not kept: they would outlive it.
    if (complete && !pendingRanking && !ranking?.pending()) await slot.store(body, facts);
    return { body, cached: false, tally };
  };

  /** A cached answer sent: by its bytes (in-process cache), else by its key, else from the facts stored beside it (shared cache). */
  function countHit(analytics: SearchAnalytics, slot: CacheSlot, key: string, client: () => string | undefined): Tally | undefined {
    const counted = analytics.answeredBytes(slot.body!, client);
    if (counted || !tallies) return counted;
    let tally = tallies.get(key);
    if (!tally) {
      tally = slot.facts && analytics.tally(slot.facts);
      if (!tally) return undefined;
      tallies.set(key, tally);
    }
    analytics.answered(tally, client);
    return tally;
  }
}

/** One EngineQuery through the engine (and the ranking index, when there is one), ranked; its page on `finish()`. */
type Search = (query: EngineQuery) => Promise<PreparedSearch>;

async function runSearch(search: Search, request: SearchRequest, typed: EngineQuery): Promise<SearchResponse> {
  const { result, query, correctedQuery, correctionKind } = await searchCorrected(search, request, typed);
  const response = shapeResponse(typed.q, query.limit, query.offset, result);
  // A layout conversion first; typo and split corrections the ranking made on top of it (or alone).
  if (correctedQuery !== undefined || result.correctedQuery !== undefined) {
    response.correctedQuery = result.correctedQuery ?? correctedQuery;
    response.correctionKind = result.correctionKind ?? correctionKind;
  }
  if (request.group === 'article' && response.hits.length > 0 && result.sectionHits) {
    response.hits = groupByArticle(response.hits, result.sectionHits);
  } else if (request.group === 'article' && response.hits.length > 0) {
    const articleIds = [...new Set(response.hits.map((h) => h.article.id))];
    const sections = await (await search({
      q: query.q,
      filter: [...query.filter, oneOf('articleId', articleIds)],
      scope: { ...query.scope, articleIds },
      sort: undefined,
      limit: Math.min(articleIds.length * SECTIONS_PER_ARTICLE * 2, 300),
      offset: 0,
      facets: [],
    })).finish();
    response.hits = groupByArticle(response.hits, sections.hits);
  }
  return response;
}

/** The typed query, or its keyboard-layout/transliteration conversion when that finds far more. */
async function searchCorrected(
  search: Search,
  request: SearchRequest,
  typed: EngineQuery,
): Promise<{ result: EngineResult; query: EngineQuery; correctedQuery: string | undefined; correctionKind: CorrectionKind | undefined }> {
  if (request.exact || typed.q === '') return { result: await (await search(typed)).finish(), query: typed, correctedQuery: undefined, correctionKind: undefined };
  const queries = new Map<string, EngineQuery>();
  const outcome = await searchWithCorrection(typed.q, (q) => {
    const query = q === typed.q ? typed : { ...typed, q: normalizeQuery(q) };
    queries.set(q, query);
    return search(query);
  });
  const used = outcome.correctedQuery ?? typed.q;
  return { result: await outcome.result.finish(), query: queries.get(used)!, correctedQuery: outcome.correctedQuery, correctionKind: outcome.correctionKind };
}
