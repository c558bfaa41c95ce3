import type { SearchParams } from 'meilisearch';
import type { ChunkDocument } from '../../core/document.js';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import type { EngineQuery } from './query.js';

/** Words around the match in a snippet. */
export const SNIPPET_WORDS = 32;

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

export interface EngineResult {
  hits: EngineHit[];
  total: number;
  processingTimeMs: number;
  facetDistribution: Record<string, Record<string, number>>;
}

/** Run an EngineQuery. Highlights use private-use markers, so no HTML ever travels. */
export async function executeSearch(engine: Engine, indexUid: string, query: EngineQuery): Promise<EngineResult> {
  const params: SearchParams = {
    limit: query.limit,
    offset: query.offset,
    filter: query.filter.length > 0 ? query.filter : undefined,
    sort: query.sort,
    distinct: query.distinct,
    facets: query.facets.length > 0 ? query.facets : undefined,
    attributesToRetrieve: [...RETRIEVED_FIELDS],
    attributesToHighlight: ['text', 'sectionTitle', 'articleTitle'],
    attributesToCrop: ['text'],
    cropLength: SNIPPET_WORDS,
    cropMarker: '…',
    highlightPreTag: HIGHLIGHT_START,
    highlightPostTag: HIGHLIGHT_END,
    matchingStrategy: 'frequency',
  };
  try {
    const result = await engine.index(indexUid).search<EngineHit>(query.q, params);
    return {
      hits: result.hits,
      total: result.estimatedTotalHits ?? result.hits.length,
      processingTimeMs: result.processingTimeMs,
      facetDistribution: result.facetDistribution ?? {},
    };
  } catch (error) {
    throw toEngineError(error, 'search');
  }
}
