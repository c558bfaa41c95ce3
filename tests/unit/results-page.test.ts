import { describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { resultsPage } from '../../server/pages/results.js';

const response: SearchResponse = { query: 'порт', total: 35, limit: 10, offset: 10, processingTimeMs: 1, hits: [], facets: { tags: {}, years: {} } };

const links = (html: string) => [...html.matchAll(/rel="(prev|next)" href="([^"]+)"/g)].map(([, rel, href]) => [rel, new URLSearchParams(href!.replace(/&amp;/g, '&').split('?')[1])] as const);

describe('the no-JS results page', () => {
  it('pages through the same search: exact, filters and order are kept, only the offset changes', () => {
    const page = resultsPage(response, undefined, { exact: '1', tag: 'Экономика', sort: 'date' });
    const byRel = Object.fromEntries(links(page));
    expect(byRel['next']?.get('offset')).toBe('20');
    expect(byRel['prev']?.has('offset')).toBe(false);
    for (const params of [byRel['next']!, byRel['prev']!]) {
      expect(params.get('q')).toBe('порт');
      expect(params.get('exact')).toBe('1');
      expect(params.get('tag')).toBe('Экономика');
      expect(params.get('sort')).toBe('date');
    }
  });
});
