import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_URL_BYTES, MAX_QUERY_CHARS, MAX_TAG_CHARS } from '../../core/query-length.js';
import { SEARCH_PARAMETERS } from '../../server/search/validate-request.js';
import { API_ARTICLES, INJECTION, TRICKY_TAGS, useFixtureServer } from '../fixtures/api-articles.js';
import { uniqueIndexUid } from '../support/engine.js';
import { startTestServer } from '../support/server.js';

const fixture = useFixtureServer('apicontract');

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function get(path: string, init?: RequestInit): Promise<Reply> {
  const res = await fetch(`${fixture.server.baseUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, headers: res.headers };
}

const search = (params: Record<string, string>) => get(`/api/search?${new URLSearchParams(params)}`);
const post = (body: string, type = 'application/json') =>
  get('/api/search', { method: 'POST', headers: { 'content-type': type }, body });

function expectParameterError(reply: Reply, parameter: string) {
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe('invalid_parameter');
  expect(reply.body.error.message).toContain(`\`${parameter}\``);
}

/** fetch adds `cache-control: no-cache` to conditional requests, which forbids a 304; a browser revalidating sends max-age=0. */
const revalidate = (etag: string) => ({ 'if-none-match': etag, 'cache-control': 'max-age=0' });

const articleIds = (r: Reply) => [...new Set((r.body as SearchResponse).hits.map((h) => h.article.id))].sort();

describe('search response', () => {
  it('has the documented shape, hits with article tags, anchors, url and highlight segments, and facets', async () => {
    const reply = await search({ q: 'соглашение' });
    expect(reply.status).toBe(200);
    const body = reply.body as SearchResponse;
    expect(Object.keys(body).sort()).toEqual(['facets', 'hits', 'limit', 'offset', 'processingTimeMs', 'query', 'total']);
    expect(body).toMatchObject({ query: 'соглашение', limit: 10, offset: 0 });
    const hit = body.hits[0]!;
    expect(hit.article).toEqual({ id: 'minsk-deal', title: API_ARTICLES[0]!.title, url: '/articles/minsk-deal', date: '2025-03-10', tags: ['экономика', 'Беларусь'] });
    expect(hit.url).toBe(`/articles/minsk-deal#${hit.section.anchor}`);
    expect(hit.snippet.some((s) => s.highlight && s.text.toLowerCase().startsWith('соглашени'))).toBe(true);
    expect(Array.isArray(hit.titleHighlight)).toBe(true);
    expect(body.facets.years).toEqual({ '2025': 3 });
    expect(body.facets.tags).toMatchObject({ экономика: 3, Беларусь: 3 });
  });

  it('pages with limit and offset', async () => {
    const two = (await search({ q: '', limit: '2', sort: 'date' })).body as SearchResponse;
    const second = (await search({ q: '', limit: '1', offset: '1', sort: 'date' })).body as SearchResponse;
    expect(second.hits[0]!.id).toBe(two.hits[1]!.id);
    expect(second).toMatchObject({ limit: 1, offset: 1 });
    expect((await search({ q: '', offset: '1000' })).body.hits).toEqual([]);
  });

  it('sort=date puts the newest first', async () => {
    const body = (await search({ q: '', sort: 'date', limit: '50' })).body as SearchResponse;
    const dates = body.hits.map((h) => h.article.date).filter((d): d is string => d !== null);
    expect(dates.length).toBeGreaterThan(3);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(dates[0]).toBe('2026-01-15');
  });

  it('sort=date with words orders the matches by date, not by relevance', async () => {
    const body = (await search({ q: 'подписать', sort: 'date', limit: '50' })).body as SearchResponse;
    const dates = body.hits.map((h) => h.article.date).filter((d): d is string => d !== null);
    expect(new Set(dates).size).toBeGreaterThan(1);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('group=article gives one hit per article, each listing its best sections', async () => {
    const body = (await search({ q: 'соглашение', group: 'article' })).body as SearchResponse;
    const ids = body.hits.map((h) => h.article.id);
    expect(new Set(ids).size).toBe(ids.length);
    const deal = body.hits.find((h) => h.article.id === 'minsk-deal')!;
    expect(deal.sections!.length).toBeGreaterThan(1);
    expect(deal.sections![0]).toMatchObject({ ...deal.section, url: deal.url });
    expect(new Set(deal.sections!.map((s) => s.index)).size).toBe(deal.sections!.length);
    for (const s of deal.sections!) expect(s.url).toBe(`/articles/minsk-deal#${s.anchor}`);
    expect(((await search({ q: 'соглашение' })).body as SearchResponse).hits.every((h) => h.sections === undefined)).toBe(true);
  });

  it('POST takes the same parameters as JSON, numbers as numbers', async () => {
    const viaGet = (await search({ q: 'клуб', limit: '1', tag: 'спорт' })).body;
    const viaPost = await post(JSON.stringify({ q: 'клуб', limit: 1, tag: 'спорт' }));
    expect(viaPost.status).toBe(200);
    expect({ ...viaPost.body, processingTimeMs: 0 }).toEqual({ ...viaGet, processingTimeMs: 0 });
  });
});

describe('filters', () => {
  it('article restricts hits to that article', async () => {
    expect(articleIds(await search({ q: '', article: 'football' }))).toEqual(['football']);
    expectParameterError(await search({ article: 'not an id' }), 'article');
  });

  it('tag values with quotes, backslashes, OR, =, brackets match literally', async () => {
    for (const tag of [...TRICKY_TAGS, 'plain', 'PLAIN']) {
      expect(articleIds(await search({ q: '', tag })), tag).toEqual(['tricky']);
    }
    expect(articleIds(await search({ q: '', tag: 'спорт' }))).toEqual(['football']);
  });

  it('the injection `x" OR tag EXISTS OR tag = "` does not widen the result', async () => {
    for (const tag of [INJECTION, 'x" OR tag EXISTS OR tag = "', '\\', 'a\\', '"', '" OR "" = "']) {
      const reply = await search({ q: '', tag });
      expect(reply.status, tag).toBe(200);
      expect(reply.body.total, tag).toBe(0);
    }
  });

  it('very long values: 200-character tag is searched, longer ones refused naming the parameter', async () => {
    expect((await search({ tag: 'я'.repeat(200) })).body.total).toBe(0);
    expectParameterError(await search({ tag: 'я'.repeat(201) }), 'tag');
    expectParameterError(await search({ q: 'о'.repeat(MAX_QUERY_CHARS + 1) }), 'q');
  });

  it('a pasted paragraph of MAX_QUERY_CHARS characters is searched by GET and by POST', async () => {
    // Words of no article, with the subject once near the end: a reader pastes a whole passage.
    const filler = 'Вчера вечером представители сторон долго обсуждали погоду, транспорт и культуру региона. ';
    let q = filler.repeat(Math.ceil(MAX_QUERY_CHARS / filler.length));
    q = `${q.slice(0, MAX_QUERY_CHARS - 40).trimEnd()} завод в Минске`;
    q = q.padEnd(MAX_QUERY_CHARS, 'а');
    expect(q).toHaveLength(MAX_QUERY_CHARS);
    const byGet = await search({ q, group: 'article' });
    expect(byGet.status).toBe(200);
    expect((byGet.body as SearchResponse).hits[0]?.article.id).toBe('minsk-deal');
    const byPost = await post(JSON.stringify({ q, group: 'article' }));
    expect(byPost.status).toBe(200);
    expect((byPost.body as SearchResponse).hits[0]?.article.id).toBe('minsk-deal');
  });

  it('the no-JS results page ignores parameters it does not know, and names a known one given twice or invalid, with or without q', async () => {
    expect((await get('/search?q=клуб&utm_source=x&limit=3')).status).toBe(200);
    for (const path of ['/search?offset=1&offset=2', '/search?q=a&q=b', '/search?offset=-5', '/search?q=клуб&exact=2']) {
      const page = await get(path);
      expect(page.status, path).toBe(400);
      expect(page.headers.get('content-type'), path).toContain('text/html');
    }
    expectParameterError(await get('/articles/minsk-deal?highlight=a&highlight=b'), 'highlight');
  });

  it('the no-JS results page cuts a longer paste at a word instead of refusing it', async () => {
    const q = `завод в Минске ${'вчера представители обсуждали погоду '.repeat(60)}`;
    expect(q.length).toBeGreaterThan(MAX_QUERY_CHARS);
    const page = await get(`/search?${new URLSearchParams({ q })}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Соглашение о партнёрстве подписано в Минске');
  });

  it('MAX_QUERY_CHARS of the widest characters (code points, as the OpenAPI maxLength counts) fit the default URL and body limits', async () => {
    // 3 UTF-8 bytes each: 9 bytes of URL percent-encoded; astral ones: 4 bytes, 12 of URL, 12 of JSON escaped.
    const wide = '“'.repeat(MAX_QUERY_CHARS);
    expect((await search({ q: wide, group: 'article' })).status).toBe(200);
    const astral = '😀'.repeat(MAX_QUERY_CHARS);
    const longestTag = '😀'.repeat(MAX_TAG_CHARS);
    expect((await search({ q: astral, tag: longestTag, article: 'a'.repeat(128), from: '2025-01-01', to: '2025-12-31', sort: 'relevance', group: 'article', limit: '50', offset: '1000', exact: 'false' })).status).toBe(200);
    expect((await post(JSON.stringify({ q: astral, tag: longestTag }).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`))).status).toBe(200);
    expectParameterError(await search({ q: `${astral}😀` }), 'q');
  });

  it('from/to bound the date inclusively', async () => {
    expect(articleIds(await search({ q: '', from: '2025-03-10', to: '2025-03-10' }))).toEqual(['minsk-deal']);
    expect(articleIds(await search({ q: '', from: '2025-01-01' }))).toEqual(['minsk-deal', 'tricky']);
    expect(articleIds(await search({ q: '', to: '2024-12-31' }))).toEqual(['football']);
  });

  it('bad dates, sort, group, limit, offset are refused naming the parameter', async () => {
    for (const [name, value] of [
      ['from', '2025-02-30'],
      ['from', '2025-1-1'],
      ['to', 'yesterday'],
      ['sort', 'price'],
      ['group', 'tag'],
      ['limit', '0'],
      ['limit', '51'],
      ['limit', '1e1'],
      ['limit', ' 5'],
      ['offset', '-1'],
      ['offset', '1001'],
    ] as const) {
      expectParameterError(await search({ [name]: value }), name);
    }
  });

  it('`from` after `to` is served, matching nothing (the OpenAPI document cannot forbid it)', async () => {
    const reply = await search({ from: '2025-02-01', to: '2025-01-01' });
    expect(reply.status).toBe(200);
    expect(reply.body.total).toBe(0);
  });
});

describe('malformed requests', () => {
  it('repeated, array-style and unknown parameters are refused', async () => {
    expectParameterError(await get('/api/search?q=a&q=b'), 'q');
    expectParameterError(await get('/api/search?q[]=a'), 'q[]');
    expectParameterError(await get('/api/search?q[x]=a'), 'q[x]');
    expectParameterError(await get('/api/search?qq=a'), 'qq');
  });

  it('POST bodies: not JSON, not an object, nested values, too large', async () => {
    expect((await post('{"q":')).status).toBe(400);
    expectParameterError(await post(''), 'body');
    expectParameterError(await post('[]'), 'body');
    expectParameterError(await post('{"q":["a"]}'), 'q');
    expectParameterError(await post('{"limit":null}'), 'limit');
    expectParameterError(await post('{"limit":"5","extra":1}'), 'extra');
    const big = await post(JSON.stringify({ q: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });

  it('POST bodies are typed as the OpenAPI document says: `{"limit":"5"}` is refused naming limit; a body that is not JSON gets 415', async () => {
    expectParameterError(await post('{"limit":"5"}'), 'limit');
    expectParameterError(await post('{"offset":"0"}'), 'offset');
    expectParameterError(await post('{"exact":"true"}'), 'exact');
    expect((await post('{"limit":5,"exact":true}')).status).toBe(200);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const reply = await post('q=a', type);
      expect(reply.status, type).toBe(415);
      expect(reply.body.error.code).toBe('unsupported_media_type');
    }
  });

  it('a method a path does not take gets 405 with Allow and the error body, not 404', async () => {
    for (const [method, path, allow] of [
      ['PUT', '/api/search', 'GET, HEAD, POST, OPTIONS'],
      ['DELETE', '/api/articles/minsk-deal', 'GET, HEAD, OPTIONS'],
      ['POST', '/healthz', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/search', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const reply = await get(path, { method });
      expect(reply.status, `${method} ${path}`).toBe(405);
      expect(reply.headers.get('allow')).toBe(allow);
      expect(reply.body.error.code).toBe('method_not_allowed');
    }
    expect((await get('/nope', { method: 'PUT' })).status).toBe(404);
    expect((await fetch(`${fixture.server.baseUrl}/api/search`, { method: 'HEAD' })).status).toBe(200);
  });

  it('an overlong URL gets 414 with an error body', async () => {
    const reply = await get(`/api/search?q=${'a'.repeat(DEFAULT_MAX_URL_BYTES)}`);
    expect(reply.status).toBe(414);
    expect(reply.body.error.code).toBe('uri_too_long');
  });
});

describe('articles', () => {
  it('GET /api/articles/:id returns the sections, with an ETag honoured by If-None-Match', async () => {
    const reply = await get('/api/articles/minsk-deal');
    expect(reply.status).toBe(200);
    expect(reply.body.sections.map((s: { anchor: string }) => s.anchor)).toEqual(['lead', 's1', 's2']);
    expect(reply.headers.get('cache-control')).toContain('max-age');
    const etag = reply.headers.get('etag')!;
    expect((await fetch(`${fixture.server.baseUrl}/api/articles/minsk-deal`, { headers: revalidate(etag) })).status).toBe(304);
    expect((await get('/api/articles/nope')).status).toBe(404);
    expectParameterError(await get('/api/articles/bad.id'), 'id');
    expect((await get('/api/articles/%E0%A4%A')).status).toBe(400);
  });

  it('GET /articles/:id escapes article text and carries a strict CSP', async () => {
    const reply = await get('/articles/tricky');
    expect(reply.status).toBe(200);
    expect(reply.body).not.toContain('<script>alert(1)');
    expect(reply.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const csp = reply.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/style-src 'self' 'sha256-/);
  });
});

describe('static, health and OpenAPI', () => {
  it('/widget.js has ETag, Cache-Control, 304 and CORS', async () => {
    const res = await fetch(`${fixture.server.baseUrl}/widget.js`, { headers: { origin: 'https://news.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const again = await fetch(`${fixture.server.baseUrl}/widget.js`, { headers: revalidate(res.headers.get('etag')!) });
    expect(again.status).toBe(304);
  });

  it('/readyz is 200 for an existing index and 503 for a missing one', async () => {
    // With the ranking index's state: serving, and its need within its budget.
    const ready = (await get('/readyz')).body as { status: string; ranking: { state: string; needBytes: number; budgetBytes: number } };
    expect(ready).toMatchObject({ status: 'ready', ranking: { state: 'serving' } });
    expect(ready.ranking.needBytes).toBeLessThanOrEqual(ready.ranking.budgetBytes);
    const missing = await startTestServer(uniqueIndexUid('apimissing'));
    try {
      const res = await fetch(`${missing.baseUrl}/readyz`);
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe('index_missing');
    } finally {
      await missing.close();
    }
  });

  it('/api/openapi.json is a valid OpenAPI 3.1 document listing every search parameter', async () => {
    const doc = (await get('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(doc));
    const names = doc.paths['/api/search'].get.parameters.map((p: { name: string }) => p.name);
    expect(names.sort()).toEqual([...SEARCH_PARAMETERS].sort());
  });
});
