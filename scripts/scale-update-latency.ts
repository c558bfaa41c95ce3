import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureSearchKey } from '../core/engine/keys.js';
import { createLogger } from '../core/logger.js';
import { runIndexer } from '../indexer/run.js';
import { RankingFollower } from '../server/ranking/follower.js';
import type { RankingDocument } from '../server/ranking/index.js';

/**
 * For bench:scale: seconds from the indexer's exit to "fully ranked" for one new article, then for
 * its deletion, with the real engine, the real indexer and a real follower polling every `pollMs`
 * (INDEX_POLL_MS's default). The engine holds the seed only (indexing 10× the corpus on 2 shared
 * cores would take most of an hour); the follower's index is grown to the archive's size in
 * process with `synthetic` chunks, which is all the update's in-process cost depends on.
 */
export async function updateLatency(port: number, synthetic: () => Iterable<RankingDocument[]>, pollMs = 1000): Promise<{ addS: number; deleteS: number; chunks: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'r16-scale-engine-'));
  const inputs = await mkdtemp(path.join(os.tmpdir(), 'r16-scale-inputs-'));
  const embedded = await startEmbeddedEngine({ dataDir, port });
  const follower = { current: undefined as RankingFollower | undefined };
  try {
    const admin = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const uid = 'scale';
    await runIndexer(admin, uid, { paths: ['articles'], prune: false });
    const engine = createEngine({ url: embedded.url, apiKey: await ensureSearchKey(admin, uid), timeoutMs: 10_000 });
    const ranking = (follower.current = new RankingFollower([engine], uid, { pollMs, budgetBytes: 1e12 }, createLogger('silent')).start());
    await ranking.settled();
    const index = ranking.current()!;
    for (const page of synthetic()) index.apply({ upsert: page });
    index.compact();
    const chunks = index.stats().chunks;

    const file = path.join(inputs, 'new.md');
    await writeFile(file, '---\ntitle: Ледокол «Арктика» вышел в рейс\ndate: 2024-12-01\n---\n\nАтомный ледокол проложил путь каравану судов по Северному морскому пути.\n');
    await runIndexer(admin, uid, { paths: ['articles', inputs], prune: false });
    const added = performance.now();
    const fresh = await admin.index(uid).search<RankingDocument>('ледокол', { limit: 1, filter: 'year = 2024' });
    const id = fresh.hits[0]?.id;
    if (!id) throw new Error('the new article is not in the engine');
    while (!index.has(id)) await new Promise((resolve) => setTimeout(resolve, 5));
    const addS = (performance.now() - added) / 1000;

    await rm(file);
    await runIndexer(admin, uid, { paths: ['articles', inputs], prune: true });
    const deleted = performance.now();
    while (index.has(id)) await new Promise((resolve) => setTimeout(resolve, 5));
    const deleteS = (performance.now() - deleted) / 1000;
    return { addS, deleteS, chunks };
  } finally {
    follower.current?.stop();
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(inputs, { recursive: true, force: true });
  }
}
