import type { SearchHit, SearchResponse, Segment } from '../../core/api.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import type { EngineHit, EngineResult } from './execute.js';


/** Split engine text with highlight markers into plain segments. */
export function toSegments(marked: string): Segment[] {
  const segments: Segment[] = [];
  let highlight = false;
  for (const part of marked.split(new RegExp(`([${HIGHLIGHT_START}${HIGHLIGHT_END}])`, 'u'))) {
    if (part === HIGHLIGHT_START) highlight = true;
    else if (part === HIGHLIGHT_END) highlight = false;
    else if (part) {
      const last = segments.at(-1);
      if (last && last.highlight === highlight) last.text += part;
      else segments.push({ text: part, highlight });
    }
  }
  return segments;
}

export function sectionUrl(articleUrl: string, anchor: string): string {
  return anchor ? `${articleUrl.split('#')[0]}#${encodeURIComponent(anchor)}` : articleUrl;
}

export function shapeHit(hit: EngineHit): SearchHit {
  const formatted = hit._formatted ?? {};
  const articleUrl = hit.articleUrl ?? '';
  const anchor = hit.sectionAnchor ?? '';
  return {
    id: hit.id ?? '',
    article: {
      id: hit.articleId ?? '',
      title: hit.articleTitle ?? '',
      url: articleUrl,
      date: hit.date ?? null,
      tags: hit.tags ?? [],
    },
    section: { title: hit.sectionTitle ?? '', index: hit.sectionIndex ?? 0, anchor },
    url: sectionUrl(articleUrl, anchor),
    snippet: toSegments(String(formatted.text ?? hit.text ?? '')),
    titleHighlight: toSegments(String(formatted.sectionTitle ?? hit.sectionTitle ?? '')),
  };
}

export function shapeResponse(query: string, limit: number, offset: number, engine: EngineResult): SearchResponse {
  return {
    query,
    total: engine.total,
    limit,
    offset,
    processingTimeMs: engine.processingTimeMs,
    hits: engine.hits.map(shapeHit),
  };
}
