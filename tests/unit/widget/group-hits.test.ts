import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../../core/api.js';
import { groupByArticle } from '../../../widget/group-hits.js';

function hit(article: string, section: number): SearchHit {
  return {
    id: `${article}-${section}-0`,
    article: { id: article, title: `Статья ${article}`, url: `/articles/${article}`, date: null, tags: [] },
    section: { title: `Раздел ${section}`, index: section, anchor: `s${section}` },
    url: `/articles/${article}#s${section}`,
    snippet: [],
    titleHighlight: [],
  };
}

describe('groupByArticle', () => {
  it('keeps each article once, in the order of its best hit, with its sections in relevance order', () => {
    const groups = groupByArticle([hit('b', 2), hit('a', 0), hit('b', 0), hit('c', 1), hit('a', 3)]);
    expect(groups.map((g) => [g.article.id, g.hits.map((h) => h.section.index)])).toEqual([
      ['b', [2, 0]],
      ['a', [0, 3]],
      ['c', [1]],
    ]);
  });

  it('returns nothing for no hits', () => {
    expect(groupByArticle([])).toEqual([]);
  });
});
