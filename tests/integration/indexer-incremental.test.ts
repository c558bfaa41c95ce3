import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkDocument } from '../../core/document.js';
import { EngineError } from '../../core/errors.js';
import { INDEX_SETTINGS } from '../../core/engine/settings.js';
import { rebuildIndex, rebuildUid } from '../../indexer/rebuild.js';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';

const engine = adminEngine();
const uid = uniqueIndexUid('idx_incr');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'idx-incr-'));
  await cp('tests/fixtures/formats', dir, { recursive: true });
});
afterAll(async () => {
  await Promise.all([deleteIndex(uid), deleteIndex(rebuildUid(uid))]);
  await rm(dir, { recursive: true, force: true });
});

async function docs(index = uid): Promise<ChunkDocument[]> {
  const page = await engine.index<ChunkDocument>(index).getDocuments({ limit: 10_000 });
  return page.results.sort((a, b) => a.id.localeCompare(b.id));
}
const run = (prune = false) => runIndexer(engine, uid, { paths: [dir], prune });

// The shared engine runs every test file's tasks in one queue; on a loaded machine a wait can be long.
describe('incremental runs over every format against the real engine', { timeout: 180_000 }, () => {
  it('indexes all formats', async () => {
    const summary = await run();
    expect(summary).toMatchObject({ articles: 8, added: 8, failed: 0, chunks: 19, chunksSent: 19, chunksDeleted: 0 });
    const stored = await docs();
    expect(stored).toHaveLength(19);
    expect(new Set(stored.map((d) => d.articleTitle))).toContain('Мост через реку Тестовку откроют в декабре');
    expect(stored.find((d) => d.sectionTitle === 'Цены — вниз')).toMatchObject({ tags: ['сельское хозяйство', 'яблоки'], date: '2025-09-14', sectionAnchor: 'цены-вниз' });
  });

  it('an unchanged re-run sends nothing and reports every article unchanged', async () => {
    const before = await docs();
    const summary = await run();
    expect(summary).toMatchObject({ articles: 8, added: 0, updated: 0, unchanged: 8, chunks: 19, chunksSent: 0, chunksDeleted: 0 });
    expect(await docs()).toEqual(before);
  });

  it('an edited JSON line replaces exactly that article\'s changed chunks and drops its stale section', async () => {
    const file = path.join(dir, 'digest.jsonl');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const rail = JSON.parse(lines[0]!) as { content: string };
    // Drop the last section («Финансирование…») and edit the lead.
    rail.content = rail.content.replace('Строительство начнётся весной.', 'Строительство начнётся летом.').split('\nФинансирование')[0]!;
    lines[0] = JSON.stringify(rail);
    await writeFile(file, `${lines.join('\n')}\n`);
    const before = await docs();
    const summary = await run();
    expect(summary).toMatchObject({ added: 0, updated: 1, unchanged: 7, chunksSent: 1, chunksDeleted: 1 });
    const after = await docs();
    const railId = before.find((d) => d.articleTitle.startsWith('Железную'))!.articleId;
    expect(after.filter((d) => d.articleId === railId).map((d) => d.sectionTitle)).toEqual(['Железную дорогу продлят до порта', '«Это изменит экономику региона»']);
    expect(after.find((d) => d.id === `${railId}-0-0`)!.text).toContain('летом');
    // Every other article's documents are byte-for-byte what they were.
    expect(after.filter((d) => d.articleId !== railId)).toEqual(before.filter((d) => d.articleId !== railId));
    // And the next run is a no-op again.
    expect(await run()).toMatchObject({ unchanged: 8, chunksSent: 0, chunksDeleted: 0 });
  });

  it('--prune removes articles whose source is gone, and keeps the articles of inputs that failed', async () => {
    await unlink(path.join(dir, 'museum.json'));
    const harvest = path.join(dir, 'harvest.md');
    const harvestText = await readFile(harvest);
    const harvestId = (await docs()).find((d) => d.articleTitle.startsWith('Урожай яблок в Тестовой области'))?.articleId;
    expect(harvestId).toBeDefined();
    // harvest.md now fails to read: its article is not gone, only unreadable this time.
    await writeFile(harvest, Buffer.from([0x00, 0x01, 0x02, 0x00]));
    const summary = await run(true);
    expect(summary).toMatchObject({ pruned: 1, failed: 1 });
    expect(summary.pruneKept).toEqual([{ articleId: harvestId, reason: expect.stringContaining('harvest.md failed to read') }]);
    const stored = await docs();
    expect(stored.some((d) => d.articleTitle.includes('музей'))).toBe(false);
    expect(stored.some((d) => d.articleId === harvestId)).toBe(true);

    await writeFile(harvest, harvestText);
    const again = await run(true);
    expect(again).toMatchObject({ pruned: 0, failed: 0, unchanged: 7 });
    expect(again.pruneKept).toBeUndefined();
  });

  it('--rebuild swaps in a complete new index with its settings; searches see old or new, never half-built', async () => {
    const oldCount = (await docs()).length;
    const newDir = await mkdtemp(path.join(os.tmpdir(), 'idx-rebuild-'));
    try {
      await cp('tests/fixtures/formats/harvest.md', path.join(newDir, 'harvest.md'));
      await cp('tests/fixtures/formats/archive.jsonl.gz', path.join(newDir, 'archive.jsonl.gz'));
      const seen = new Set<number>();
      let searching = true;
      const poll = (async () => {
        while (searching) {
          const r = await engine.index(uid).search('', { limit: 0 });
          seen.add(r.estimatedTotalHits ?? -1);
        }
      })();
      const summary = await rebuildIndex(engine, uid, { paths: [newDir], prune: false, batchDocs: 1 });
      searching = false;
      await poll;
      expect(summary).toMatchObject({ added: 3, chunks: 7, failed: 0 });
      expect(await docs()).toHaveLength(7);
      expect([...seen].every((n) => n === oldCount || n === 7)).toBe(true);
      const settings = await engine.index(uid).getSettings();
      expect(settings.filterableAttributes).toEqual(expect.arrayContaining(INDEX_SETTINGS.filterableAttributes));
      expect(settings.searchableAttributes).toEqual(INDEX_SETTINGS.searchableAttributes);
      await expect(engine.getIndex(rebuildUid(uid))).rejects.toThrow();
    } finally {
      await rm(newDir, { recursive: true, force: true });
    }
  });

  it('a failed engine task surfaces with the engine\'s error code and message', async () => {
    const other = uniqueIndexUid('idx_pk');
    try {
      await engine.createIndex(other, { primaryKey: 'articleId' }).waitTask();
      const error = await runIndexer(engine, other, { paths: [dir], prune: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).engineCode).toBe('index_primary_key_already_exists');
      expect((error as EngineError).message).toMatch(/task \d+ failed: index_primary_key_already_exists/);
    } finally {
      await deleteIndex(other);
    }
  });
});
