import { describe, expect, it } from 'vitest';
import { NO_FILTERS, toSearchFilters } from '../../../widget/lazy/filters.js';
import { withHighlight } from '../../../widget/render/links.js';

const NOW = Date.parse('2026-11-25T21:30:00Z');
const API = 'https://news.example/api/search';

describe('filter controls → API parameters', () => {
  it('sends nothing for the defaults but the exact flag', () => {
    expect(toSearchFilters(NO_FILTERS, false, NOW)).toEqual({ exact: false, tag: '', from: '', to: '', sort: undefined });
    expect(toSearchFilters(NO_FILTERS, true, NOW).exact).toBe(true);
  });

  it.each([
    ['day', '2026-11-24'],
    ['week', '2026-11-18'],
    ['month', '2026-10-26'],
    ['year', '2025-11-25'],
  ])('the %s preset starts on %s (UTC days) and has no upper bound', (period, from) => {
    expect(toSearchFilters({ ...NO_FILTERS, period }, false, NOW)).toMatchObject({ from, to: '' });
  });

  it('custom dates are sent as typed; they are ignored under a preset', () => {
    const chosen = { ...NO_FILTERS, from: '2025-01-01', to: '2025-12-31' };
    expect(toSearchFilters({ ...chosen, period: 'custom' }, false, NOW)).toMatchObject({ from: '2025-01-01', to: '2025-12-31' });
    expect(toSearchFilters({ ...chosen, period: '' }, false, NOW)).toMatchObject({ from: '', to: '' });
  });

  it('tag and date order pass through; relevance is the server default and is not sent', () => {
    expect(toSearchFilters({ ...NO_FILTERS, tag: 'туризм', sort: 'date' }, false, NOW)).toMatchObject({ tag: 'туризм', sort: 'date' });
  });
});

describe('?highlight= on links to the server article pages', () => {
  it('goes before the anchor, on the API origin`s /articles/<id> only', () => {
    expect(withHighlight('https://news.example/articles/a1#lead', API, 'паром')).toBe(`https://news.example/articles/a1?highlight=${encodeURIComponent('паром')}#lead`);
    expect(withHighlight('https://other.example/articles/a1#lead', API, 'паром')).toBe('https://other.example/articles/a1#lead');
    expect(withHighlight('https://news.example/about', API, 'паром')).toBe('https://news.example/about');
    expect(withHighlight('https://news.example/articles/a1', API, '')).toBe('https://news.example/articles/a1');
  });
});
