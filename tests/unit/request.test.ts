import { describe, expect, it } from 'vitest';
import { ParameterError } from '../../core/errors.js';
import { ResponseCache } from '../../server/search/cache.js';
import { compare, oneOf } from '../../core/engine/filters.js';
import { buildEngineQuery } from '../../server/search/engine-query.js';
import { parseSearchRequest } from '../../server/search/validate-request.js';
import { MAX_QUERY_CHARS, MAX_TAG_CHARS } from '../../core/query-length.js';

function rejection(raw: unknown): string {
  try {
    parseSearchRequest(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ParameterError);
    return (error as ParameterError).parameter;
  }
  throw new Error('accepted');
}

describe('parseSearchRequest', () => {
  it('applies defaults', () => {
    expect(parseSearchRequest({})).toEqual({ q: '', limit: 10, offset: 0, sort: 'relevance', group: 'section', exact: false });
    expect(parseSearchRequest({ exact: '1' }).exact).toBe(true);
    expect(parseSearchRequest({ exact: true }).exact).toBe(true);
    expect(() => parseSearchRequest({ exact: 'yes please' })).toThrow(/exact/);
    expect(parseSearchRequest(undefined)).toMatchObject({ limit: 10 });
  });

  it('reads integers and booleans from text in a query string, but takes only JSON numbers and booleans from a body', () => {
    expect(parseSearchRequest({ limit: '5', offset: 20, exact: 'true' })).toMatchObject({ limit: 5, offset: 20, exact: true });
    expect(parseSearchRequest({ limit: 5, exact: true }, 'json')).toMatchObject({ limit: 5, exact: true });
    expect(() => parseSearchRequest({ limit: '5' }, 'json')).toThrow(/`limit`.*JSON number/);
    expect(() => parseSearchRequest({ offset: '0' }, 'json')).toThrow(/`offset`/);
    expect(() => parseSearchRequest({ exact: 'true' }, 'json')).toThrow(/`exact`.*JSON boolean/);
  });

  it('counts `q` and `tag` in characters (code points), the unit of the OpenAPI maxLength', () => {
    expect(parseSearchRequest({ q: '😀'.repeat(MAX_QUERY_CHARS) }).q).toHaveLength(2 * MAX_QUERY_CHARS);
    expect(() => parseSearchRequest({ q: '😀'.repeat(MAX_QUERY_CHARS + 1) })).toThrow(/`q`/);
    expect(parseSearchRequest({ tag: '😀'.repeat(MAX_TAG_CHARS) }).tag).toHaveLength(2 * MAX_TAG_CHARS);
    expect(() => parseSearchRequest({ tag: '😀'.repeat(MAX_TAG_CHARS + 1) })).toThrow(/`tag`/);
  });

  it('takes `from` after `to` (a valid request that matches nothing)', () => {
    expect(parseSearchRequest({ from: '2025-02-02', to: '2025-02-01' })).toMatchObject({ from: '2025-02-02', to: '2025-02-01' });
  });

  it('names the offending parameter', () => {
    expect(rejection({ limit: 5.5 })).toBe('limit');
    expect(rejection({ offset: '1001' })).toBe('offset');
    expect(rejection({ q: ['a', 'b'] })).toBe('q');
    expect(rejection({ tag: { $ne: 1 } })).toBe('tag');
    expect(rejection({ from: '2025-13-01' })).toBe('from');
    expect(rejection({ 'bad\u0000name': 'x' })).toBe('bad?name');
    expect(rejection(null)).toBe('body');
    expect(rejection([])).toBe('body');
  });
});

describe('buildEngineQuery', () => {
  it('builds filters only from validated values, quoted', () => {
    const query = buildEngineQuery(parseSearchRequest({ q: ' Ёлка  ', tag: 'x" OR tags EXISTS OR tags = "', from: '2025-01-01', to: '2025-01-31', sort: 'date', group: 'article' }));
    expect(query).toMatchObject({ q: 'Ёлка', sort: ['dateTs:desc'], distinct: 'articleId', facets: ['tags', 'year'] });
    expect(query.filter).toEqual(['tags = "x\\" OR tags EXISTS OR tags = \\""', 'dateTs >= 1735689600', 'dateTs <= 1738281600']);
  });

  it('oneOf and compare quote or refuse', () => {
    expect(oneOf('articleId', ['a', 'b"c'])).toBe('articleId IN ["a", "b\\"c"]');
    expect(() => compare('dateTs', '>=', Number.NaN)).toThrow();
  });
});

describe('ResponseCache', () => {
  it('serves nothing while the index version is unknown and forgets everything when it changes', () => {
    const cache = new ResponseCache(10);
    cache.set('k', Buffer.from('v'), cache.generation);
    expect(cache.get('k')).toBeUndefined();
    cache.setVersion('1');
    cache.set('k', Buffer.from('v'), cache.generation);
    expect(cache.get('k')?.toString()).toBe('v');
    const started = cache.generation;
    cache.setVersion('2');
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', Buffer.from('stale'), started);
    expect(cache.get('k')).toBeUndefined();
    cache.setVersion(undefined);
    expect(cache.get('k')).toBeUndefined();
  });
});
