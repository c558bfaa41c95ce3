import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { createEngine } from '../../core/engine/client.js';
import { createLogger } from '../../core/logger.js';
import { runIndexer } from '../../indexer/run.js';
import { RankingIndex } from '../../server/search/rank-index-loader.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

const uid = uniqueIndexUid('ranking');
let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ranking-'));
  await runIndexer(adminEngine(), uid, { paths: ['articles'], prune: false });
  server = await startTestServer(uid);
});
afterAll(async () => {
  await server?.close();
  await deleteIndex(uid);
  await rm(dir, { recursive: true, force: true });
});

async function search(q: string): Promise<SearchResponse> {
  const res = await fetch(`${server.baseUrl}/api/search?${new URLSearchParams({ q })}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SearchResponse;
}

/** Until the index watcher has seen the change and the ranking index is rebuilt from the engine. */
async function rankingHasChunks(count: number): Promise<void> {
  await expect.poll(async () => {
    await server.ranking!.settled();
    return server.ranking!.current()?.index.chunkCount;
  }, { timeout: 15_000, interval: 100 }).toBe(count);
}

const ARTICLE = `---
title: Ледокол «Арктика» вышел в рейс
date: 2024-12-01
---

Атомный ледокол проложил путь каравану судов по Северному морскому пути.
`;

describe('ranking index follows the engine index', () => {
  it('is built from the engine at start and ranks the seed', async () => {
    const seedChunks = (await adminEngine().index(uid).getStats()).numberOfDocuments;
    expect(server.ranking!.current()!.index.chunkCount).toBe(seedChunks);
    expect((await search('инвестиционных проектов')).hits[0]!.section.title).toBe('Масштаб инвестиционных проектов');
  });

  it('picks up a newly indexed article and forgets a pruned one', async () => {
    const before = server.ranking!.current()!.index.chunkCount;
    await writeFile(path.join(dir, 'icebreaker.md'), ARTICLE);
    await runIndexer(adminEngine(), uid, { paths: ['articles', dir], prune: false });
    await rankingHasChunks(before + 1);
    const found = await search('ледоколы караваны');
    expect(found.hits[0]!.article.title).toBe('Ледокол «Арктика» вышел в рейс');
    expect(found.hits[0]!.snippet.filter((s) => s.highlight).map((s) => s.text)).toEqual(['ледокол', 'каравану']);

    await rm(path.join(dir, 'icebreaker.md'));
    await runIndexer(adminEngine(), uid, { paths: ['articles', dir], prune: true });
    await rankingHasChunks(before);
    expect((await search('ледоколы караваны')).hits.some((h) => h.article.title.startsWith('Ледокол'))).toBe(false);
  });

  /** A ranking index of this file's index, after its first build for version `v1`. */
  async function builtAtV1(maxChunks: number): Promise<RankingIndex> {
    const engine = createEngine({ url: testEngine().url, apiKey: server.searchKey, timeoutMs: 2000 });
    const ranking = new RankingIndex([engine], uid, { maxChunks }, createLogger('silent'));
    ranking.setVersion('v1');
    await ranking.settled();
    return ranking;
  }

  it('is not built for an index above its size limit; searches rank engine candidates instead', async () => {
    expect((await builtAtV1(1)).current()).toBeUndefined();
  });

  it('is not used while the index version is unknown (watch failing)', async () => {
    const ranking = await builtAtV1(1000);
    expect(ranking.current()).toBeDefined();
    ranking.setVersion(undefined);
    expect(ranking.current()).toBeUndefined();
  });
});
