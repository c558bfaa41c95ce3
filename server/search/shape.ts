/** Engine hits → the public JSON (sections, deep links, segments, facets, grouping by article). */
import type { SearchFacets, SearchHit, SearchResponse, Segment, SectionMatch } from '../../core/api.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import { safeArticleUrl } from '../../core/url.js';
import type { EngineHit, EngineResult } from './source.js';
import { FACETS, SECTIONS_PER_ARTICLE } from './engine-query.js';

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

export function shapeSection(hit: EngineHit): SectionMatch {
  const formatted = hit._formatted ?? {};
  const anchor = hit.sectionAnchor ?? '';
  return {
    title: hit.sectionTitle ?? '',
    index: hit.sectionIndex ?? 0,
    anchor,
    url: sectionUrl(safeArticleUrl(hit.articleUrl, hit.articleId ?? ''), anchor),
    snippet: toSegments(String(formatted.text ?? hit.text ?? '')),
    titleHighlight: toSegments(String(formatted.sectionTitle ?? hit.sectionTitle ?? '')),
  };
}

export function shapeHit(hit: EngineHit): SearchHit {
  const section = shapeSection(hit);
  return {
    id: hit.id ?? '',
    article: {
      id: hit.articleId ?? '',
      title: hit.articleTitle ?? '',
      // Documents written before the indexer checked links (or by another tool) may hold `javascript:`.
      url: safeArticleUrl(hit.articleUrl, hit.articleId ?? ''),
      date: hit.date ?? null,
      tags: hit.tags ?? [],
    },
    section: { title: section.title, index: section.index, anchor: section.anchor },
    url: section.url,
    snippet: section.snippet,
    titleHighlight: section.titleHighlight,
  };
}

/**
 * group=article: one hit per article (the engine's `distinct` already does it; collapsing again
 * here keeps the promise even if execution merges several engine queries), each listing its best
 * sections from `sectionHits` (ranked hits restricted to those articles), best first.
 */
export function groupByArticle(hits: SearchHit[], sectionHits: EngineHit[]): SearchHit[] {
  const seen = new Set<string>();
  const unique = hits.filter((hit) => !seen.has(hit.article.id) && seen.add(hit.article.id));
  const byArticle = new Map<string, SectionMatch[]>();
  for (const hit of sectionHits) {
    const list = byArticle.get(hit.articleId ?? '') ?? [];
    byArticle.set(hit.articleId ?? '', list);
    if (list.length < SECTIONS_PER_ARTICLE && !list.some((s) => s.index === hit.sectionIndex)) list.push(shapeSection(hit));
  }
  return unique.map((hit) => {
    const best = { ...hit.section, url: hit.url, snippet: hit.snippet, titleHighlight: hit.titleHighlight };
    const others = (byArticle.get(hit.article.id) ?? []).filter((s) => s.index !== best.index);
    return { ...hit, sections: [best, ...others].slice(0, SECTIONS_PER_ARTICLE) };
  });
}

export function shapeFacets(distribution: EngineResult['facetDistribution']): SearchFacets {
  return { tags: distribution[FACETS.tags] ?? {}, years: distribution[FACETS.years] ?? {} };
}

export function shapeResponse(query: string, limit: number, offset: number, engine: EngineResult): SearchResponse {
  return {
    query,
    total: engine.total,
    limit,
    offset,
    processingTimeMs: engine.processingTimeMs,
    hits: engine.hits.map(shapeHit),
    facets: shapeFacets(engine.facetDistribution),
  };
}
