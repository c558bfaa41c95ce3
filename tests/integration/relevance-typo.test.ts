import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

const uid = uniqueIndexUid('typos');
let server: TestServer;

beforeAll(async () => {
  await runIndexer(adminEngine(), uid, { paths: ['tests/fixtures/typos'], prune: false });
  server = await startTestServer(uid);
  expect(server.ranking?.current()).toBeDefined();
});
afterAll(async () => {
  await server?.close();
  await deleteIndex(uid);
});

async function search(params: Record<string, string>): Promise<SearchResponse> {
  const res = await fetch(`${server.baseUrl}/api/search?${new URLSearchParams(params)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SearchResponse;
}

const marked = (hit: SearchResponse['hits'][number]): string[] => [...hit.snippet, ...hit.titleHighlight].filter((s) => s.highlight).map((s) => s.text.toLowerCase());

describe('typo tolerance in the ranking (through the API)', () => {
  it('a swapped pair of letters finds the article, highlights the real word and says what was searched', async () => {
    const response = await search({ q: 'исследоавния мерзлоты' });
    expect(response.hits[0]?.article.title).toContain('вечной мерзлоты');
    expect(response.correctedQuery).toBe('исследования мерзлоты');
    expect(response.correctionKind).toBe('typo');
    expect(response.hits.flatMap(marked)).toContain('исследования');
  });

  it('a dropped letter in a one-word query is corrected too', async () => {
    const response = await search({ q: 'Находи порт' });
    expect(response.correctedQuery).toBe('Находки порт');
    expect(response.hits[0]?.article.title).toContain('Находки');
  });

  it('two words typed without the space are split', async () => {
    const response = await search({ q: 'тихоокеанскийфлот' });
    expect(response.correctedQuery).toBe('тихоокеанский флот');
    expect(response.correctionKind).toBe('split');
    expect(response.hits[0]?.article.title).toContain('Тихоокеанский флот');
  });

  it('exact=true searches what was typed', async () => {
    const response = await search({ q: 'тихоокеанскийфлот', exact: 'true' });
    expect(response.correctedQuery).toBeUndefined();
    expect(response.correctionKind).toBeUndefined();
    expect(response.query).toBe('тихоокеанскийфлот');
  });

  it('correctly spelled words and unfinished last words are left as typed', async () => {
    for (const q of ['исследования мерзлоты', 'тихоокеанский фл', 'новый прич']) {
      const response = await search({ q });
      expect(response.correctedQuery, q).toBeUndefined();
      expect(response.total, q).toBeGreaterThan(0);
    }
  });
});

describe('the no-JavaScript page', () => {
  it('says in Russian what was searched and why, with a link to search exactly what was typed', async () => {
    const html = await (await fetch(`${server.baseUrl}/search?q=${encodeURIComponent('тихоокеанскийфлот')}`)).text();
    expect(html).toContain('Показаны результаты по запросу «тихоокеанский флот» (слитно набранные слова разделены).');
    expect(html).toContain(`href="/search?q=${encodeURIComponent('тихоокеанскийфлот')}&amp;exact=1"`);
    expect(html).toContain('Искать именно «тихоокеанскийфлот»');
  });
});
