import { describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { useSeedServer } from '../support/server.js';

const seed = useSeedServer('conveniences');

async function search(params: Record<string, string>): Promise<SearchResponse> {
  const res = await fetch(`${seed.server.baseUrl}/api/search?${new URLSearchParams(params)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SearchResponse;
}

describe('wrong keyboard layout and transliteration, decided against the engine', () => {
  it.each([
    ['cjukfitybt', 'соглашение'],
    ['Uhjlyjbydtcn', 'Гродноинвест'],
    ['vbycr', 'минск'],
    ['grodnoinvest', 'гродноинвест'],
    ['smolensk', 'смоленск'],
    ['belarus', 'беларус'],
  ])('%s is searched as «%s» and the response says so', async (typed, meant) => {
    const response = await search({ q: typed });
    expect(response.correctedQuery).toBe(meant);
    expect(response.query).toBe(typed);
    expect(response.total).toBeGreaterThan(0);
    expect(response.hits[0]!.article.id).toBe('000_239304c8c15dffd8');
  });

  it('exact=1 searches what was typed', async () => {
    const response = await search({ q: 'cjukfitybt', exact: '1' });
    expect(response.correctedQuery).toBeUndefined();
    expect(response.total).toBe(0);
  });

  it.each(['Sputnik', 'iPhone', 'hello world', 'соглашение', 'Смоленская область'])('%s is left as typed', async (q) => {
    expect((await search({ q })).correctedQuery).toBeUndefined();
  });

  it('a Sputnik query still finds the dateline it is in', async () => {
    expect((await search({ q: 'Sputnik' })).total).toBeGreaterThan(0);
  });
});

describe('GET /search (no JavaScript)', () => {
  it('renders the hits with escaped highlights under a strict CSP', async () => {
    const res = await fetch(`${seed.server.baseUrl}/search?q=${encodeURIComponent('соглашение')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toMatch(/<mark>[Сс]оглашени/);
    expect(html).toMatch(/Найден[о]? \d+ результат/);
    expect(html).toContain('href="/articles/000_239304c8c15dffd8?highlight=');
    expect(html).not.toContain('<script');
  });

  it('escapes the query and says when nothing was found', async () => {
    const html = await (await fetch(`${seed.server.baseUrl}/search?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`)).text();
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const none = await (await fetch(`${seed.server.baseUrl}/search?q=${encodeURIComponent('<b>жщжщжщ</b>')}`)).text();
    expect(none).toContain('Ничего не найдено по запросу «&lt;b&gt;жщжщжщ&lt;/b&gt;»');
  });

  it('shows the correction with a way back to the typed query', async () => {
    const html = await (await fetch(`${seed.server.baseUrl}/search?q=cjukfitybt`)).text();
    expect(html).toContain('Показаны результаты по запросу «соглашение»');
    expect(html).toContain('exact=1');
  });

  it('answers a bad parameter with a readable page naming it', async () => {
    const res = await fetch(`${seed.server.baseUrl}/search?q=x&offset=-4`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('offset');
  });
});

describe('GET /articles/:id?highlight=…', () => {
  it('marks the query words, inflected forms included', async () => {
    const html = await (await fetch(`${seed.server.baseUrl}/articles/000_239304c8c15dffd8?highlight=${encodeURIComponent('соглашение')}`)).text();
    const marked = [...html.matchAll(/<mark>([^<]+)<\/mark>/g)].map((m) => m[1]!.toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['соглашения', 'соглашение', 'соглашений']));
    expect(html).toContain('<section id="россия-ключевой-партнер">');
  });
});
