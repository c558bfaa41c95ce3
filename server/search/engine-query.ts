/** A validated request → EngineQuery: normalized text, engine filters and the same filters as ranking scope. */
import { normalizeQuery } from '../../core/text/normalize.js';
import { compare, equals } from '../../core/engine/filters.js';
import type { RankScope } from '../ranking/index.js';
import type { SearchRequest } from './validate-request.js';

/**
 * What the API asks of the engine, independent of how it is executed (pipeline.ts decides the
 * engine calls: highlight markers, morphology, federation). Filters are built from validated
 * values with filters.ts, never from raw input.
 */
export interface EngineQuery {
  q: string;
  filter: string[];
  /** The same filters as values, for the in-process ranking index. */
  scope: RankScope;
  /** Meilisearch sort expressions, e.g. `dateTs:desc`; undefined = relevance. */
  sort: string[] | undefined;
  limit: number;
  offset: number;
  facets: string[];
  /** Attribute whose value may occur once among the hits (`articleId` for group=article). */
  distinct?: string | undefined;
  /** Search exactly what was typed: no typo correction in ranking (server/search/typo.ts). */
  asTyped?: boolean | undefined;
}

/** Sections listed under each article hit with group=article. */
export const SECTIONS_PER_ARTICLE = 3;

/** Engine attributes the public facets are counted on. */
export const FACETS = { tags: 'tags', years: 'year' } as const;

export function buildEngineQuery(request: SearchRequest): EngineQuery {
  return {
    q: normalizeQuery(request.q),
    filter: requestFilters(request),
    scope: requestScope(request),
    sort: request.sort === 'date' ? ['dateTs:desc'] : undefined,
    limit: request.limit,
    offset: request.offset,
    facets: [FACETS.tags, FACETS.years],
    distinct: request.group === 'article' ? 'articleId' : undefined,
    asTyped: request.exact || undefined,
  };
}

function requestFilters(request: SearchRequest): string[] {
  const filter: string[] = [];
  if (request.article) filter.push(equals('articleId', request.article));
  if (request.tag) filter.push(equals('tags', request.tag));
  if (request.from) filter.push(compare('dateTs', '>=', dayStart(request.from)));
  if (request.to) filter.push(compare('dateTs', '<=', dayStart(request.to)));
  return filter;
}

function requestScope(request: SearchRequest): RankScope {
  return {
    articleIds: request.article ? [request.article] : undefined,
    tag: request.tag,
    fromTs: request.from ? dayStart(request.from) : undefined,
    toTs: request.to ? dayStart(request.to) : undefined,
  };
}

/** Unix seconds of a validated `YYYY-MM-DD`, the same rule the indexer uses for `dateTs`. */
function dayStart(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000);
}
