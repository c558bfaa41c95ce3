import type { SearchHit } from '../core/api.js';

export interface ArticleGroup {
  article: SearchHit['article'];
  /** The article's matching sections, in the API's relevance order. */
  hits: SearchHit[];
}

/**
 * Section hits → one group per article, ordered by each article's best hit. Done on the client so
 * it works with flat section hits as well as with `group=article` answers.
 */
export function groupByArticle(hits: readonly SearchHit[]): ArticleGroup[] {
  const groups = new Map<string, ArticleGroup>();
  for (const hit of hits) {
    const group = groups.get(hit.article.id);
    if (group) group.hits.push(hit);
    else groups.set(hit.article.id, { article: hit.article, hits: [hit] });
  }
  return [...groups.values()];
}
