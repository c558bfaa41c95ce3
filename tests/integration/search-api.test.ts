import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { testEngine } from '../support/engine.js';
import { startTestServer, useSeedServer } from '../support/server.js';

const seed = useSeedServer('api');

async function search(params: Record<string, string>): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${seed.server.baseUrl}/api/search?${new URLSearchParams(params)}`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

describe('GET /api/search', () => {
  it('q=партнер returns the section «Россия — ключевой партнер» first, with highlighted segments', async () => {
    const { status, body } = await search({ q: 'партнер' });
    expect(status).toBe(200);
    const result = body as SearchResponse;
    expect(result.query).toBe('партнер');
    expect(result.hits[0]!.section).toEqual({ title: 'Россия — ключевой партнер', index: 1, anchor: 'россия-ключевой-партнер' });
    expect(result.hits[0]!.article).toMatchObject({ id: '000_239304c8c15dffd8', date: '2026-02-13', url: '/articles/000_239304c8c15dffd8' });
    expect(result.hits[0]!.url).toBe(`/articles/000_239304c8c15dffd8#${encodeURIComponent('россия-ключевой-партнер')}`);
    const marked = result.hits[0]!.snippet.filter((s) => s.highlight).map((s) => s.text.toLowerCase());
    expect(marked.some((t) => t.startsWith('партнер'))).toBe(true);
    for (const seg of result.hits[0]!.snippet) expect(Object.keys(seg).sort()).toEqual(['highlight', 'text']);
  });

  it('q=Гродноинвест finds the sections that mention it', async () => {
    const { body } = await search({ q: 'Гродноинвест' });
    const sections = (body as SearchResponse).hits.map((h) => h.section.index).sort();
    // «Гродноинвест» appears in the lead and in «Россия — ключевой партнер», not in the last section.
    expect(sections).toEqual([0, 1]);
  });

  it('a bad limit gives 400 naming `limit`', async () => {
    for (const limit of ['0', '51', 'abc', '2.5']) {
      const { status, body } = await search({ limit, q: 'партнер' });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_parameter');
      expect(body.error.message).toContain('limit');
    }
  });

  it('a repeated or unknown parameter gives 400 naming it', async () => {
    const res = await fetch(`${seed.server.baseUrl}/api/search?q=a&q=b`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('`q`');
    const { status, body } = await search({ qq: 'x' });
    expect(status).toBe(400);
    expect(body.error.message).toContain('qq');
  });

  it('never returns the master key or the search key', async () => {
    const { text } = await search({ q: 'соглашение' });
    expect(text).not.toContain(testEngine().masterKey);
    expect(text).not.toContain(seed.server.searchKey);
  });
});

describe('GET /articles/:id', () => {
  it('renders the article with section anchors', async () => {
    const res = await fetch(`${seed.server.baseUrl}/articles/000_239304c8c15dffd8`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<section id="россия-ключевой-партнер">');
    expect(html).toContain('<h2>Масштаб инвестиционных проектов</h2>');
    expect((await fetch(`${seed.server.baseUrl}/articles/nope`)).status).toBe(404);
  });
});

describe('when the engine is unreachable', () => {
  it('answers 503 with a JSON error', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = await startTestServer(seed.uid, { engineUrl: `http://127.0.0.1:${port}`, engineTimeoutMs: 500 });
    try {
      const res = await fetch(`${down.baseUrl}/api/search?q=партнер`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error.code).toBe('engine_unavailable');
      expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at /);
    } finally {
      await down.close();
    }
  });
});
