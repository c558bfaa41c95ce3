/**
 * What a source of candidates and scores hands the query pipeline (pipeline.ts), and the engine
 * parameters every source and the page fetch share.
 */
import type { SearchParams } from 'meilisearch';
import type { ChunkDocument } from '../../core/document.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import type { AnalyzedQuery } from './analyze.js';
import type { EngineQuery } from './engine-query.js';
import type { TypoKind } from './typo.js';

/** Words around the match in a snippet. */
export const SNIPPET_WORDS = 32;
/** Candidates from the original-text query (exact words, typos, prefixes of surface forms). */
export const TEXT_CANDIDATES = 30;
/** The original (unstemmed) searchable fields: exact forms, typos, surface prefixes. */
export const TEXT_FIELDS = ['articleTitle', 'sectionTitle', 'text'] as const;
/** Queries with at most this many words also search the original text. */
export const SHORT_QUERY_TERMS = 4;

export const RETRIEVED_FIELDS = [
  'id',
  'articleId',
  'articleTitle',
  'articleUrl',
  'date',
  'tags',
  'sectionTitle',
  'sectionIndex',
  'sectionAnchor',
  'text',
] as const;

/** A hit as shape.ts reads it: stored fields plus `_formatted` text with HIGHLIGHT_* markers. */
export type EngineHit = Partial<ChunkDocument> & { _formatted?: Partial<Record<keyof ChunkDocument, unknown>> };

/** What the pipeline answers a query with. */
export interface EngineResult {
  hits: EngineHit[];
  total: number;
  processingTimeMs: number;
  facetDistribution: Record<string, Record<string, number>>;
  /**
   * With `distinct: articleId` from the ranking index: the best chunks of the page's articles, in
   * rank order, so group=article needs no second search for them.
   */
  sectionHits?: EngineHit[];
  /** Set when mistyped words were read as others (server/search/typo.ts): the query as read. */
  correctedQuery?: string;
  correctionKind?: TypoKind;
}

/** A chunk in rank order; sectionIndex only where the source knows it (the ranking index). */
export type RankedChunk = Pick<ChunkDocument, 'id' | 'articleId'> & Partial<Pick<ChunkDocument, 'sectionIndex'>>;

/** Candidates and scores, as a source hands them to the pipeline: every match in rank order. */
export interface Ranked {
  ordered: RankedChunk[];
  total: number;
  facetDistribution: () => Record<string, Record<string, number>>;
  /** The query as ranked (after typo corrections): the page is highlighted with its words. */
  analyzed: AnalyzedQuery;
  /** Whether `ordered` carries sections, so group=article takes them from it (bestChunksOf). */
  sections: boolean;
  correction?: { correctedQuery: string; correctionKind: TypoKind } | undefined;
}

/** Filter and matching strategy of every engine search for this query. */
export function engineFilter(query: EngineQuery): Pick<SearchParams, 'filter' | 'matchingStrategy'> {
  return { filter: query.filter.length > 0 ? query.filter : undefined, matchingStrategy: 'frequency' };
}

/** The engine-side highlight/crop options (markers, not HTML), when the engine ranks and renders. */
export function engineHighlight(): SearchParams {
  return {
    attributesToHighlight: ['text', 'sectionTitle', 'articleTitle'],
    attributesToCrop: ['text'],
    cropLength: SNIPPET_WORDS,
    cropMarker: '…',
    highlightPreTag: HIGHLIGHT_START,
    highlightPostTag: HIGHLIGHT_END,
  };
}

/** The engine's search of the original text (exact forms, typos, surface prefixes) for a query's candidates. */
export function textSearchParams(query: EngineQuery, wanted: number, fields: readonly string[]): SearchParams {
  return { ...engineFilter(query), attributesToSearchOn: [...TEXT_FIELDS], limit: Math.max(TEXT_CANDIDATES, wanted), attributesToRetrieve: [...fields] };
}
