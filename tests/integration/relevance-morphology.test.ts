import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { INDEX_SETTINGS, ensureIndex, settingsPatch } from '../../core/engine/settings.js';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

const uid = uniqueIndexUid('relevance');
/** Both ranking paths: the in-process ranking index (the default) and engine candidates (no index). */
const servers: Record<'index' | 'engine', TestServer> = {} as never;

beforeAll(async () => {
  await runIndexer(adminEngine(), uid, { paths: ['articles', 'tests/fixtures/relevance'], prune: false });
  servers.index = await startTestServer(uid);
  servers.engine = await startTestServer(uid, { ranking: false });
  expect(servers.index.ranking?.current()).toBeDefined();
});
afterAll(async () => {
  await servers.index?.close();
  await servers.engine?.close();
  await deleteIndex(uid);
});

function marked(hit: SearchResponse['hits'][number]): string[] {
  return hit.snippet.filter((s) => s.highlight).map((s) => s.text);
}

const SEED = '000_239304c8c15dffd8';

describe.each(['index', 'engine'] as const)('morphology through the API (%s ranking)', (path) => {
  async function search(q: string, limit = 10): Promise<SearchResponse> {
    const res = await fetch(`${servers[path].baseUrl}/api/search?${new URLSearchParams({ q, limit: String(limit) })}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SearchResponse;
  }

  it('«соглашение» finds the seed sections and highlights «соглашения» and «Соглашений»', async () => {
    const result = await search('соглашение');
    const seedHits = result.hits.filter((h) => h.article.id === SEED);
    expect(seedHits.map((h) => h.section.index)).toContain(0);
    const words = seedHits.flatMap((h) => [...marked(h), ...h.titleHighlight.filter((s) => s.highlight).map((s) => s.text)]);
    expect(words).toEqual(expect.arrayContaining(['Соглашений', 'соглашений']));
    expect((await search('соглашение свободные экономические зоны')).hits[0]!.snippet.filter((s) => s.highlight).map((s) => s.text)).toContain('соглашения');
    // The snippet text is the original text: marks sit on whole words.
    for (const hit of seedHits) for (const word of marked(hit)) expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
  });

  it('«партнёр» (with ё) finds «партнер» and ranks the section titled with it first', async () => {
    const result = await search('партнёр');
    expect(result.hits[0]!.section.title).toBe('Россия — ключевой партнер');
    expect(result.hits[0]!.titleHighlight.filter((s) => s.highlight).map((s) => s.text)).toEqual(['партнер']);
    expect(marked(result.hits[0]!).map((w) => w.toLowerCase())).toEqual(expect.arrayContaining(['партнерам']));
  });

  it('an exact form ranks above inflected ones', async () => {
    const result = await search('соглашений');
    const first = result.hits.find((h) => h.article.id === SEED);
    expect(first?.section.index).toBe(0);
    expect(marked(result.hits[0]!).map((w) => w.toLowerCase())).toContain('соглашений');
  });

  it('synonyms: «Белоруссия» finds the fixture that writes «Беларусь» only', async () => {
    const result = await search('Белоруссия');
    const fixture = result.hits.find((h) => h.article.id === 'belarus-note');
    expect(fixture).toBeDefined();
    expect(marked(fixture!)).toContain('Беларусь');
  });

  it('as-you-type: a cut last word still finds its section', async () => {
    const result = await search('свободной экономической зо');
    expect(result.hits.some((h) => h.article.id === SEED && h.section.index === 1)).toBe(true);
  });

  it('typo tolerance still works: «Гродноинвесд» finds «Гродноинвест»', async () => {
    const result = await search('Гродноинвесд');
    expect(result.hits.map((h) => h.section.index).sort()).toEqual([0, 1]);
  });

  it('a long, headline-like query puts the article that covers it first', async () => {
    const result = await search('Смоленская область подписала соглашения со свободными экономическими зонами Бреста и Гродно');
    expect(result.hits[0]!.article.id).toBe(SEED);
  });

  it('a query of stop words only or of no words answers without error', async () => {
    expect((await search('и в на')).hits).toBeInstanceOf(Array);
    expect((await search('—')).hits).toBeInstanceOf(Array);
  });
});

describe('index settings', () => {
  it('ensureIndex leaves nothing to patch once applied (synonyms, stop words, stems field)', async () => {
    await ensureIndex(adminEngine(), uid);
    const current = await adminEngine().index(uid).getSettings();
    expect(settingsPatch(current, INDEX_SETTINGS)).toEqual({});
    expect(current.searchableAttributes).toContain('stems');
  });
});
