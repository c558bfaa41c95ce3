/**
 * The one query pipeline: analyze → candidates and scores from one source (chooseSource) → page
 * fetch → mark. Highlights use private-use markers, so no HTML ever travels; shape.ts renders them.
 */
import type { SearchParams } from 'meilisearch';
import type { ChunkDocument } from '../../core/document.js';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { EngineError } from '../../core/errors.js';
import type { RankingFollower } from '../ranking/follower.js';
import type { RankingIndex } from '../ranking/index.js';
import type { SynonymTable } from '../../core/text/synonyms.js';
import { analyzeQuery, type AnalyzedQuery } from './analyze.js';
import { rankEngineCandidates } from './engine-rerank.js';
import { oneOf } from '../../core/engine/filters.js';
import { markAll, markSnippet, plainSnippet, wordMatcher, type WordMatcher } from './mark.js';
import { SECTIONS_PER_ARTICLE, type EngineQuery } from './engine-query.js';
import {
  engineFilter,
  engineHighlight,
  RETRIEVED_FIELDS,
  SHORT_QUERY_TERMS,
  SNIPPET_WORDS,
  textSearchParams,
  type EngineHit,
  type EngineResult,
  type Ranked,
  type RankedChunk,
} from './source.js';
import { correctedText, correctTypos } from './typo.js';

export type { EngineHit, EngineResult } from './source.js';

/**
 * Who ranks a query: `engine` — the engine's own order, for sorted and empty queries (its page and
 * highlights come in the same answer); `ranking` — the in-process ranking index (server/ranking/)
 * over the whole index; `engine-rerank` — engine candidates re-ranked (engine-rerank.ts) while the
 * ranking index is not current (building, over its memory budget, switched off).
 */
export type Source = 'engine' | 'ranking' | 'engine-rerank';

/** The one place that decides the source. */
export function chooseSource(query: EngineQuery, analyzed: AnalyzedQuery, ranker: RankingIndex | undefined): Source {
  if (analyzed.terms.length === 0 || query.sort) return 'engine';
  if (ranker) return 'ranking';
  return 'engine-rerank';
}

/**
 * A query ranked, its page not fetched yet: what the layout correction (answer.ts) compares by
 * `total` before it fetches and highlights only the page it answers with (issue 28: a converted
 * query that lost had its page fetched and marked for nothing, on ~9 % of single-word queries).
 */
export interface PreparedSearch {
  total: number;
  /** The page fetched from the engine and highlighted (the engine source already has it). */
  finish(): Promise<EngineResult>;
}

/** Run an EngineQuery through the pipeline. Over a cluster `engine` is clusterEngine(): nothing here changes. */
export async function executeSearch(engine: Engine, indexUid: string, query: EngineQuery, ranking?: RankingFollower, synonyms?: SynonymTable): Promise<EngineResult> {
  return (await prepareSearch(engine, indexUid, query, ranking, synonyms)).finish();
}

/** executeSearch() up to the ranking: candidates, scores and the total, no page yet. */
export async function prepareSearch(engine: Engine, indexUid: string, query: EngineQuery, ranking?: RankingFollower, synonyms?: SynonymTable): Promise<PreparedSearch> {
  const started = performance.now();
  const analyzed = analyzeQuery(query.q, synonyms);
  const ranker = ranking?.current();
  try {
    const source = chooseSource(query, analyzed, ranker);
    if (source === 'engine') {
      const result = await rankedByEngine(engine, indexUid, query);
      return { total: result.total, finish: () => Promise.resolve(result) };
    }
    const ranked = source === 'ranking' ? await rankedByIndex(engine, indexUid, query, analyzed, ranker!) : await rankEngineCandidates(engine, indexUid, query, analyzed);
    const finish = async (): Promise<EngineResult> => {
      try {
        return { ...(await markedPage(engine, indexUid, query, ranked)), processingTimeMs: Math.round(performance.now() - started) };
      } catch (error) {
        return emptyOrThrow(error);
      }
    };
    return { total: ranked.total, finish };
  } catch (error) {
    const empty = emptyOrThrow(error);
    return { total: empty.total, finish: () => Promise.resolve(empty) };
  }
}

function emptyOrThrow(error: unknown): EngineResult {
  const engineError = toEngineError(error, 'search');
  // An index with no documents yet has no searchable fields, and the engine refuses to search `stems`.
  if (engineError instanceof EngineError && engineError.engineCode === 'invalid_search_attributes_to_search_on') {
    return { hits: [], total: 0, processingTimeMs: 0, facetDistribution: {} };
  }
  throw engineError;
}

/** The engine ranks, pages and highlights in one call (sorted and empty queries). */
async function rankedByEngine(engine: Engine, indexUid: string, query: EngineQuery): Promise<EngineResult> {
  const params: SearchParams = {
    ...engineFilter(query),
    limit: query.limit,
    offset: query.offset,
    sort: query.sort,
    distinct: query.distinct,
    facets: query.facets.length > 0 ? query.facets : undefined,
    attributesToRetrieve: [...RETRIEVED_FIELDS],
    ...engineHighlight(),
  };
  const result = await engine.index(indexUid).search<EngineHit>(query.q, params);
  return {
    hits: collapse(result.hits, query),
    total: result.estimatedTotalHits ?? result.hits.length,
    processingTimeMs: result.processingTimeMs,
    facetDistribution: result.facetDistribution ?? {},
  };
}

/**
 * Ranking over the whole index in process; when a word of a short query is unknown to the index
 * (probably mistyped) or nothing matched, the engine's typo-tolerant matches on the original text
 * follow the real matches.
 */
async function rankedByIndex(engine: Engine, indexUid: string, query: EngineQuery, typed: AnalyzedQuery, ranker: RankingIndex): Promise<Ranked> {
  const wanted = query.offset + query.limit;
  const typos = query.asTyped ? undefined : correctTypos(typed, ranker.vocabulary());
  const analyzed = typos?.query ?? typed;
  const correction = typos?.kind && { correctedQuery: correctedText(query.q, typos.replaced), correctionKind: typos.kind };
  const ranking = ranker.search(analyzed, query.scope, wanted, query.facets);
  const ordered: RankedChunk[] = ranking.chunks.map(({ id, articleId, sectionIndex }) => ({ id, articleId, sectionIndex }));
  let total = ranking.total;
  // Long queries keep their meaning without one unknown word (and the engine is slow on long
  // queries over the text), so only short ones, or ones with too few matches, ask it for typos.
  const mistyped = ranking.unmatched.length > 0 && analyzed.terms.length <= SHORT_QUERY_TERMS;
  if (mistyped || ordered.length === 0) {
    const engineTypos = await engine.index(indexUid).search<RankedChunk>(query.q, textSearchParams(query, wanted, ['id', 'articleId', 'sectionIndex']));
    const known = new Set(ordered.map((o) => o.id));
    const added = engineTypos.hits.filter((hit) => !known.has(hit.id));
    ordered.push(...added);
    total += added.length;
  }
  return { ordered, total, facetDistribution: () => ranking.facets(), analyzed, sections: true, correction: correction || undefined };
}

/**
 * The page's chunks (and with group=article, when the source ranked sections, the best chunks of
 * the page's articles) fetched from the engine in one request, highlighted on the original text.
 */
async function markedPage(engine: Engine, indexUid: string, query: EngineQuery, ranked: Ranked): Promise<Omit<EngineResult, 'processingTimeMs'>> {
  const page = collapse(ranked.ordered, query).slice(query.offset, query.offset + query.limit);
  const pageIds = page.map((c) => c.id);
  const grouped = ranked.sections && query.distinct === 'articleId';
  const sectionIds = grouped ? bestChunksOf(new Set(page.map((c) => c.articleId)), ranked.ordered) : [];
  const matcher = wordMatcher(ranked.analyzed);
  const fetching = fetchHits(engine, indexUid, [...new Set([...pageIds, ...sectionIds])]);
  const facetDistribution = ranked.facetDistribution(); // while the engine works
  const fetched = new Map((await fetching).map((hit) => [hit.id, formatHit(hit, matcher)]));
  const hits = pageIds.flatMap((id) => fetched.get(id) ?? []);
  const sectionHits = grouped ? sectionIds.flatMap((id) => fetched.get(id) ?? []) : undefined;
  return { hits, total: ranked.total, facetDistribution, ...(sectionHits && { sectionHits }), ...ranked.correction };
}

/** The best chunk of each of the first SECTIONS_PER_ARTICLE sections of these articles, in ranked order. */
function bestChunksOf(articles: ReadonlySet<string>, ordered: readonly RankedChunk[]): string[] {
  const sections = new Map<string, Set<number | undefined>>();
  const ids: string[] = [];
  for (const chunk of ordered) {
    if (!articles.has(chunk.articleId)) continue;
    let seen = sections.get(chunk.articleId);
    if (!seen) sections.set(chunk.articleId, (seen = new Set()));
    if (seen.size >= SECTIONS_PER_ARTICLE || seen.has(chunk.sectionIndex)) continue;
    seen.add(chunk.sectionIndex);
    ids.push(chunk.id);
  }
  return ids;
}

/** The stored fields of the page's chunks, in the given order. */
async function fetchHits(engine: Engine, indexUid: string, ids: string[]): Promise<EngineHit[]> {
  if (ids.length === 0) return [];
  const result = await engine.index(indexUid).search<EngineHit>('', {
    filter: [oneOf('id', ids)],
    limit: ids.length,
    attributesToRetrieve: [...RETRIEVED_FIELDS],
  });
  const byId = new Map(result.hits.map((h) => [h.id, h]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Honour an optional `distinct` attribute (one hit per value), which a federated list cannot do itself. */
function collapse<H extends Partial<ChunkDocument>>(hits: H[], query: EngineQuery): H[] {
  const attribute = query.distinct;
  if (!attribute) return hits;
  const seen = new Set<unknown>();
  return hits.filter((hit) => {
    const value = (hit as Record<string, unknown>)[attribute];
    if (seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}

function formatHit(hit: EngineHit, matcher: WordMatcher): EngineHit {
  const text = hit.text ?? '';
  return {
    ...hit,
    _formatted: {
      text: markSnippet(text, matcher, SNIPPET_WORDS) ?? plainSnippet(text, SNIPPET_WORDS),
      sectionTitle: markAll(hit.sectionTitle ?? '', matcher),
      articleTitle: markAll(hit.articleTitle ?? '', matcher),
    },
  };
}
