import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { ensureSearchKey } from '../core/engine/keys.js';
import { createLogger } from '../core/logger.js';
import { runIndexer } from '../indexer/run.js';
import { RankingFollower } from '../server/ranking/follower.js';
import type { RankingDocument, RankingIndex } from '../server/ranking/index.js';

/**
 * For bench:scale: seconds from the indexer's exit to "fully ranked" for one new article, then for
 * its deletion, with the real engine, the real indexer and a real follower polling every `pollMs`
 * (INDEX_POLL_MS's default). The engine holds the seed only (indexing 10× the corpus on 2 shared
 * cores would take most of an hour); the follower starts from an index of the archive's size built
 * in process (bench-scale.ts), and catches up with the seed from the log.
 */
export interface LatencyFixture {
  /** One new article through the real indexer, then its deletion: seconds from each run's exit until the index has it / lost it. */
  measure(): Promise<{ addS: number; deleteS: number }>;
  stop(): Promise<void>;
}

export async function startLatencyFixture(port: number, initial: RankingIndex, pollMs = 1000): Promise<LatencyFixture> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'r16-scale-engine-'));
  const inputs = await mkdtemp(path.join(os.tmpdir(), 'r16-scale-inputs-'));
  const embedded = await startEmbeddedEngine({ dataDir, port });
  let ranking: RankingFollower | undefined;
  const stop = async () => {
    ranking?.stop();
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(inputs, { recursive: true, force: true });
  };
  try {
    const admin = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const uid = 'scale';
    await runIndexer(admin, uid, { paths: ['articles'], prune: false });
    const engine = createEngine({ url: embedded.url, apiKey: await ensureSearchKey(admin, uid), timeoutMs: 10_000 });
    ranking = new RankingFollower([engine], uid, { pollMs, budgetBytes: 1e12, initial }, createLogger('silent')).start();
    await ranking.settled();
    const index = ranking.current()!;
    if (!index.has((await admin.index(uid).getDocuments<RankingDocument>({ limit: 1 })).results[0]!.id)) throw new Error('the follower did not catch up with the seed');
    const measure = async () => {
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
      return { addS, deleteS: (performance.now() - deleted) / 1000 };
    };
    return { measure, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
