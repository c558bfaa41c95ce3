import type { SearchParams } from 'meilisearch';
import { HIGHLIGHT_END, HIGHLIGHT_START, normalizeQuery } from '../../core/text/normalize.js';
import type { SearchRequest } from './request.js';

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
];

/** SearchRequest → engine query. Highlights use private-use markers, so no HTML ever travels. */
export function buildEngineQuery(request: SearchRequest): { q: string; params: SearchParams } {
  return {
    q: normalizeQuery(request.q),
    params: {
      limit: request.limit,
      attributesToRetrieve: RETRIEVED_FIELDS,
      attributesToHighlight: ['text', 'sectionTitle', 'articleTitle'],
      attributesToCrop: ['text'],
      cropLength: SNIPPET_WORDS,
      cropMarker: '…',
      highlightPreTag: HIGHLIGHT_START,
      highlightPostTag: HIGHLIGHT_END,
      matchingStrategy: 'frequency',
    },
  };
}
