/**
 * The publish hook against the real engine, the real server and the indexer run as a child:
 * POST an article (JSON, or a page URL on a fixture site) → searchable and in the ranking index
 * when the 2xx arrives, while readers' searches keep answering; DELETE removes it; the route is
 * 404 without ADMIN_TOKEN, 401 without the token, 405 for other methods.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { loadConfig } from '../../core/config.js';
import { EngineUnavailableError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { runIndexer } from '../../indexer/run.js';
import { ArticlePublisher } from '../../server/article-publisher.js';
import { adminScopes } from '../../server/http/admin-access.js';
import { sitePages } from '../fixtures/site/pages.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { startTestServer, type TestServer } from '../support/server.js';

const uid = uniqueIndexUid('publish');
const TOKEN = 'publish-hook-test-token-0123456789';
const config = loadConfig({ MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uid, ADMIN_TOKEN: TOKEN, WEB_HOST_DELAY_MS: '0', WEB_ALLOW_HOSTS: '127.0.0.1' });
let server: TestServer;
let closed: TestServer;
let site: FixtureSite;

beforeAll(async () => {
  await runIndexer(adminEngine(), uid, { paths: ['articles'], prune: false });
  site = await startFixtureSite(sitePages());
  const publisher = new ArticlePublisher(config, createLogger('silent'), async () => void (await server.ranking?.poll()));
  server = await startTestServer(uid, { app: { publish: { access: adminScopes(config).publish, publisher, pageUrlHosts: config.web.allowedHosts }, http: { rateLimit: 0 } } });
  closed = await startTestServer(uid, { ranking: false, app: { publish: { access: adminScopes({ ...config, adminToken: undefined }).publish, publisher } } });
}, 180_000);
afterAll(async () => {
  await Promise.all([server?.close(), closed?.close(), site?.close()]);
  await deleteIndex(uid);
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const search = async (q: string): Promise<SearchResponse> => (await (await fetch(`${server.baseUrl}/api/search?q=${encodeURIComponent(q)}`)).json()) as SearchResponse;

/** Readers searching all along: every answer must be a 200. */
function readers(): { stop(): Promise<{ ok: number; failed: number }> } {
  let running = true;
  const counts = { ok: 0, failed: 0 };
  const loop = async () => {
    for (const q of ['мост', 'хоккей', 'библиотека', 'погода', 'выборы']) {
      if (!running) return;
      const res = await fetch(`${server.baseUrl}/api/search?q=${encodeURIComponent(q)}`).catch(() => undefined);
      if (res?.status === 200) counts.ok++;
      else counts.failed++;
      await res?.arrayBuffer();
    }
    if (running) await loop();
  };
  const loops = [loop(), loop()];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

const ARTICLE = {
  id: 'hook-zoopark',
  title: 'В зоопарке Тестовска родились два детёныша снежного барса',
  date: '2026-12-07',
  tags: ['животные'],
  content: 'Смотрители зоопарка сообщили о рождении двух котят снежного барса.\nИрбисята здоровы и пока живут в закрытом вольере с матерью.\nКормление\nПервые недели котята питаются только молоком, затем их начнут прикармливать мясом.',
};

describe('the publish hook', { timeout: 180_000 }, () => {
  it('is 404 without ADMIN_TOKEN, 401 without the token, 405 for another method', async () => {
    expect((await fetch(`${closed.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify(ARTICLE) })).status).toBe(404);
    const anonymous = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/Bearer/);
    const get = await fetch(`${server.baseUrl}/api/admin/articles`, { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('a posted article is searchable and ranked first at the 2xx, while readers keep getting answers', async () => {
    const reading = readers();
    const res = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify(ARTICLE) });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: 'hook-zoopark', change: 'added' });
    // Asked at once after the answer: no waiting.
    const found = await search('снежный барс котята');
    expect(found.hits[0]).toMatchObject({ article: { id: 'hook-zoopark' } });
    const fed = await search('прикармливать мясом');
    expect(fed.hits[0]).toMatchObject({ article: { id: 'hook-zoopark' }, section: { anchor: 'кормление' } });
    // The ranking index holds exactly what the engine holds.
    const engineChunks = (await adminEngine().index(uid).getStats()).numberOfDocuments;
    expect(server.ranking?.current()?.stats().chunks).toBe(engineChunks);

    const again = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ ...ARTICLE, title: `${ARTICLE.title}: фото` }) });
    expect(await again.json()).toMatchObject({ id: 'hook-zoopark', change: 'updated' });
    expect((await search('снежный барс фото')).hits[0]?.article.title).toBe(`${ARTICLE.title}: фото`);

    const counts = await reading.stop();
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.failed).toBe(0);
  });

  it('{ "url": … } fetches the page (windows-1251 here) and indexes it with its sections', async () => {
    const res = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ url: `${site.url}/news/hokkey-final.html` }) });
    expect(res.status).toBe(201);
    const found = await search('Ястребы финал арена');
    expect(found.hits[0]).toMatchObject({ article: { title: 'Тестовские «Ястребы» вышли в финал кубка области' } });
    const bad = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ url: `${site.url}/gone.html` }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { message: expect.stringContaining('HTTP 404') } });
  });

  it('an invalid article is refused naming the field; nothing is written', async () => {
    const res = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: JSON.stringify({ title: 'Без текста' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('`content`') } });
    const notObject = await fetch(`${server.baseUrl}/api/admin/articles`, { method: 'POST', headers: auth, body: '[1]' });
    expect(notObject.status).toBe(400);
  });

  it('DELETE removes the article from search at the 204; a second DELETE is 404', async () => {
    const res = await fetch(`${server.baseUrl}/api/admin/articles/hook-zoopark`, { method: 'DELETE', headers: auth });
    expect(res.status).toBe(204);
    expect((await search('снежный барс котята')).hits.map((h) => h.article.id)).not.toContain('hook-zoopark');
    expect((await fetch(`${server.baseUrl}/api/admin/articles/hook-zoopark`, { method: 'DELETE', headers: auth })).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/api/admin/articles/bad%20id`, { method: 'DELETE', headers: auth })).status).toBe(400);
  });
});

/** Child processes of this test process running the indexer (from /proc: parent pid and command line). */
function indexerChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('indexer')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('the publish hook at shutdown', { timeout: 120_000 }, () => {
  it('refuses new publishes with 503, stops the running indexer and waits for it; a failed run logs the indexer\'s stderr', async () => {
    // A page that never answers keeps the child indexer running until it is stopped.
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const publisher = new ArticlePublisher({ ...config, web: { ...config.web, timeoutMs: 600_000 } }, createLogger('silent'));
    try {
      const running = publisher.publishUrl(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/slow.html`).then(
        () => 'published',
        (error: unknown) => error,
      );
      for (let i = 0; i < 200 && indexerChildren().length === 0; i++) await sleep(100);
      expect(indexerChildren()).toHaveLength(1);
      publisher.refuseNew();
      await expect(publisher.publish(ARTICLE)).rejects.toBeInstanceOf(EngineUnavailableError);
      await publisher.stop();
      expect(indexerChildren()).toEqual([]);
      expect(await running).toBeInstanceOf(EngineUnavailableError);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
    // An indexer that cannot reach its engine exits with its reason on stderr: the warning carries it.
    const failed: string[] = [];
    const unreachable = new ArticlePublisher(loadConfig({ MEILI_URL: 'http://127.0.0.1:9', MEILI_MASTER_KEY: 'x'.repeat(32), INDEX_UID: uid, ADMIN_TOKEN: TOKEN }), createLogger('info', { write: (line: string) => void failed.push(line) }));
    await expect(unreachable.publish(ARTICLE)).rejects.toBeInstanceOf(EngineUnavailableError);
    const warning = failed.map((l) => JSON.parse(l) as { msg: string; stderr?: string }).find((l) => l.msg === 'publish hook: the indexer failed');
    expect(warning?.stderr).toMatch(/error/i);
  });
});

