import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../core/api.js';
import { changeLogUid } from '../../core/change-log.js';
import { createEngine } from '../../core/engine/client.js';
import { createLogger } from '../../core/logger.js';
import { changeLogFor } from '../../indexer/change-log.js';
import { rebuildIndex } from '../../indexer/rebuild.js';
import { runIndexer } from '../../indexer/run.js';
import { RankingFollower } from '../../server/ranking/follower.js';
import { createRankingIndex, type RankingDocument, type RankingIndex } from '../../server/ranking/index.js';
import { analyzeQuery } from '../../server/search/analyze.js';
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
  await deleteIndex(changeLogUid(uid));
  await rm(dir, { recursive: true, force: true });
});

async function search(q: string): Promise<SearchResponse> {
  const res = await fetch(`${server.baseUrl}/api/search?${new URLSearchParams({ q })}`);
  expect(res.status).toBe(200);
  return (await res.json()) as SearchResponse;
}

const QUERIES = ['ледоколы караваны', 'инвестиционных проектов', 'соглашение', 'рейс', 'арк', 'северный морской путь', 'караван судов '];

function answers(index: RankingIndex): unknown[] {
  return QUERIES.map((q) => {
    const r = index.search(analyzeQuery(q), {}, 20, ['tags', 'year']);
    return { q, chunks: r.chunks, total: r.total, facets: r.facets() };
  });
}

/** A fresh build of whatever the engine holds now. */
async function freshBuild(): Promise<RankingIndex> {
  const docs = await adminEngine().index(uid).getDocuments<RankingDocument>({ limit: 100_000 });
  return createRankingIndex(docs.results);
}

/** Until the follower has applied what the engine holds: its index then equals a fresh build. */
async function followerMatchesEngine(): Promise<void> {
  const fresh = await freshBuild();
  await expect.poll(async () => {
    await server.ranking!.poll();
    return server.ranking!.current()?.stats().chunks;
  }, { timeout: 15_000, interval: 100 }).toBe(fresh.stats().chunks);
  expect(answers(server.ranking!.current()!)).toEqual(answers(fresh));
}

const ARTICLE = `---
title: Ледокол «Арктика» вышел в рейс
date: 2024-12-01
---

Атомный ледокол проложил путь каравану судов по Северному морскому пути.
`;

describe('ranking index follows the engine through the change log', () => {
  it('is built from the engine at start and ranks the seed', async () => {
    const seedChunks = (await adminEngine().index(uid).getStats()).numberOfDocuments;
    expect(server.ranking!.current()!.stats().chunks).toBe(seedChunks);
    expect((await search('инвестиционных проектов')).hits[0]!.section.title).toBe('Масштаб инвестиционных проектов');
  });

  it('applies an added, an edited and a pruned article in place (no full build), equal to a fresh build each time', async () => {
    const generation = server.ranking!.currentVersion()!.split(':')[0];
    const file = path.join(dir, 'icebreaker.md');
    await writeFile(file, ARTICLE);
    await runIndexer(adminEngine(), uid, { paths: ['articles', dir], prune: false });
    await followerMatchesEngine();
    const found = await search('ледоколы караваны');
    expect(found.hits[0]!.article.title).toBe('Ледокол «Арктика» вышел в рейс');

    await writeFile(file, ARTICLE.replace('каравану судов', 'каравану танкеров').concat('\n## Рейс\n\nРейс продлится месяц.\n'));
    await runIndexer(adminEngine(), uid, { paths: ['articles', dir], prune: false });
    await followerMatchesEngine();
    expect((await search('танкеров')).hits[0]!.article.title).toBe('Ледокол «Арктика» вышел в рейс');

    await rm(file);
    await runIndexer(adminEngine(), uid, { paths: ['articles', dir], prune: true });
    await followerMatchesEngine();
    expect((await search('ледоколы караваны')).hits.some((h) => h.article.title.startsWith('Ледокол'))).toBe(false);
    expect(server.ranking!.currentVersion()!.split(':')[0]).toBe(generation);
  });

  it('rebuilds from scratch after an index swap (--rebuild)', async () => {
    const generation = Number(server.ranking!.currentVersion()!.split(':')[0]);
    await writeFile(path.join(dir, 'icebreaker.md'), ARTICLE);
    await rebuildIndex(adminEngine(), uid, { paths: ['articles', dir], prune: false });
    await followerMatchesEngine();
    expect(Number(server.ranking!.currentVersion()!.split(':')[0])).toBeGreaterThan(generation);
  });

  it('waits at an entry a killed indexer left open, and converges once the next run closes it', async () => {
    const admin = adminEngine();
    const [victim] = (await admin.index(uid).getDocuments<RankingDocument>({ limit: 1 })).results;
    // A run killed between its log entry and the end of its write: the entry stays open.
    const entry = await changeLogFor(admin, uid)!.open([victim!.id]);
    await admin.index(uid).deleteDocument(victim!.id).waitTask({ timeout: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.ranking!.poll();
    expect(server.ranking!.current()!.has(victim!.id)).toBe(true);
    expect(entry.state).toBe('open');
    // The next run closes it; the proxy re-reads the listed id and drops it.
    await runIndexer(admin, uid, { paths: ['articles', dir], prune: false });
    await followerMatchesEngine();
  });

  it('builds from scratch when the log was trimmed past its position', async () => {
    const engine = createEngine({ url: testEngine().url, apiKey: server.searchKey, timeoutMs: 2000 });
    const follower = new RankingFollower([engine], uid, { pollMs: 60_000 }, createLogger('silent')).start();
    await follower.settled();
    const generation = follower.currentVersion()!.split(':')[0];
    const admin = adminEngine();
    await rm(path.join(dir, 'icebreaker.md'));
    follower.stop();
    await runIndexer(admin, uid, { paths: ['articles', dir], prune: true });
    await admin.index(changeLogUid(uid)).deleteAllDocuments().waitTask({ timeout: 60_000 });
    await runIndexer(admin, uid, { paths: ['articles', dir], prune: true }); // writes nothing: no entry
    await writeFile(path.join(dir, 'again.md'), ARTICLE.replace('Ледокол «Арктика»', 'Ледокол «Ямал»'));
    await runIndexer(admin, uid, { paths: ['articles', dir], prune: false });
    await follower.poll();
    await follower.poll();
    expect(follower.currentVersion()!.split(':')[0]).not.toBe(generation);
    expect(answers(follower.current()!)).toEqual(answers(await freshBuild()));
  });

  it('restarts from its snapshot and catches up from the log; a corrupt snapshot is ignored', async () => {
    const engine = createEngine({ url: testEngine().url, apiKey: server.searchKey, timeoutMs: 2000 });
    const snapshotFile = path.join(dir, 'snap', 'ranking.snapshot');
    const first = new RankingFollower([engine], uid, { pollMs: 60_000, snapshotFile }, createLogger('silent')).start();
    await first.settled();
    first.stop();
    // While it is down, an article arrives.
    await writeFile(path.join(dir, 'while-down.md'), ARTICLE.replace('Ледокол «Арктика»', 'Ледокол «Сибирь»'));
    await runIndexer(adminEngine(), uid, { paths: ['articles', dir], prune: false });
    const second = new RankingFollower([engine], uid, { pollMs: 60_000, snapshotFile }, createLogger('silent')).start();
    await second.settled();
    await second.poll();
    second.stop();
    expect(second.fullBuilds).toBe(0);
    expect(answers(second.current()!)).toEqual(answers(await freshBuild()));

    await writeFile(snapshotFile, Buffer.concat([await readFile(snapshotFile).then((b) => b.subarray(0, b.length - 3)), Buffer.from('xyz')]));
    const third = new RankingFollower([engine], uid, { pollMs: 60_000, snapshotFile }, createLogger('silent')).start();
    await third.settled();
    third.stop();
    expect(third.fullBuilds).toBe(1);
    expect(answers(third.current()!)).toEqual(answers(await freshBuild()));
  });

  it('leaves no temporary file after failed snapshot saves, and does not retry them without a change', async () => {
    const engine = createEngine({ url: testEngine().url, apiKey: server.searchKey, timeoutMs: 2000 });
    const folder = path.join(dir, 'blocked');
    const snapshotFile = path.join(folder, 'ranking.snapshot');
    // A directory in the way of the snapshot: every rename onto it fails.
    await mkdir(path.join(snapshotFile, 'in-the-way'), { recursive: true });
    const follower = new RankingFollower([engine], uid, { pollMs: 60_000, snapshotFile }, createLogger('silent')).start();
    await follower.settled();
    expect(follower.current()).toBeDefined();
    expect(follower.snapshotFailures).toBe(1);
    expect(await readdir(folder)).toEqual(['ranking.snapshot']);
    await follower.poll();
    follower.stop();
    expect(follower.snapshotFailures).toBe(1);
    expect(await readdir(folder)).toEqual(['ranking.snapshot']);
  });

  it('is not used while the index version is unknown (an engine unreachable), and is again once known', async () => {
    const engine = createEngine({ url: testEngine().url, apiKey: server.searchKey, timeoutMs: 2000 });
    const follower = new RankingFollower([engine], uid, { pollMs: 60_000 }, createLogger('silent')).start();
    await follower.settled();
    follower.setVersion('v1');
    expect(follower.current()).toBeDefined();
    follower.setVersion(undefined);
    expect(follower.current()).toBeUndefined();
    follower.setVersion('v1');
    expect(follower.current()).toBeDefined();
    await follower.settled();
    follower.stop();
  });

  it('keeps no index over its memory budget, and builds it once the budget fits', async () => {
    const engine = createEngine({ url: testEngine().url, apiKey: server.searchKey, timeoutMs: 2000 });
    const follower = new RankingFollower([engine], uid, { pollMs: 60_000, budgetBytes: 1_000 }, createLogger('silent')).start();
    await follower.settled();
    expect(follower.current()).toBeUndefined();
    expect(follower.isOverBudget()).toBe(true);
    // Never silent: need, budget and where the budget comes from, for /readyz and the log.
    expect(follower.state()).toMatchObject({ state: 'over_budget', budgetBytes: 1_000, reason: expect.stringMatching(/needs ~\d+ MB, over its budget of 0 MB \(budgetBytes option\)/) });
    follower.stop();
    const roomy = new RankingFollower([engine], uid, { pollMs: 60_000, budgetBytes: 100e6 }, createLogger('silent')).start();
    await roomy.settled();
    roomy.stop();
    expect(roomy.current()?.stats().chunks).toBe((await freshBuild()).stats().chunks);
  });
});
