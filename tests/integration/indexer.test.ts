import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChunkDocument } from '../../core/document.js';
import { runIndexer } from '../../indexer/run.js';
import { adminEngine, deleteIndex, uniqueIndexUid } from '../support/engine.js';

const engine = adminEngine();
const uid = uniqueIndexUid('indexer');
afterAll(() => deleteIndex(uid));

async function allDocs(): Promise<ChunkDocument[]> {
  const page = await engine.index<ChunkDocument>(uid).getDocuments({ limit: 1000 });
  return page.results.sort((a, b) => a.id.localeCompare(b.id));
}

describe('indexing the seed article into a real engine', () => {
  it('yields exactly its sections with the right titles and text', async () => {
    const summary = await runIndexer(engine, uid, { paths: ['articles'], prune: false });
    expect(summary).toMatchObject({ added: 1, failed: 0, chunks: 3, chunksSent: 3 });
    const docs = await allDocs();
    expect(docs.map((d) => d.sectionTitle)).toEqual([
      'Смоленская область подписала ряд соглашений с регионами Беларуси',
      'Россия — ключевой партнер',
      'Масштаб инвестиционных проектов',
    ]);
    expect(docs[1]!.text).toMatch(/^Руководитель администрации свободной экономической зоны «Гродноинвест»/);
    expect(docs[1]!.text).toMatch(/экспорт белорусских товаров\.$/);
    expect(docs[2]!.text).toContain('«Диском», «БОНШЕ», «АгроПищеПром» и «СТиМ»');
    expect(docs[0]!.text).not.toContain('Масштаб инвестиционных проектов');
  });

  it('re-indexing sends nothing and adds no documents', async () => {
    const summary = await runIndexer(engine, uid, { paths: ['articles'], prune: false });
    expect(summary).toMatchObject({ added: 0, updated: 0, unchanged: 1, chunksSent: 0, chunksDeleted: 0 });
    expect(await allDocs()).toHaveLength(3);
  });

  it('an edited article replaces exactly its own chunks', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'edit-'));
    const file = path.join(dir, 'grain.txt');
    try {
      await copyFile('tests/fixtures/article-v1.txt', file);
      expect(await runIndexer(engine, uid, { paths: [dir], prune: false })).toMatchObject({ added: 1, chunks: 3 });
      await copyFile('tests/fixtures/article-v2.txt', file);
      const summary = await runIndexer(engine, uid, { paths: [dir], prune: false });
      expect(summary).toMatchObject({ updated: 1, chunksSent: 1, chunksDeleted: 1 });
      const grain = (await allDocs()).filter((d) => d.articleId === 'grain');
      expect(grain.map((d) => d.sectionTitle)).toEqual(['Тестовая статья о поставках зерна', 'Первый раздел']);
      expect(grain[1]!.text).toContain('сушку');
      // The seed article was not among the inputs and is untouched.
      expect((await allDocs()).filter((d) => d.articleId === '000_239304c8c15dffd8')).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a bad file with its path and reason and still indexes the rest', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bad-'));
    try {
      await copyFile('tests/fixtures/article-v1.txt', path.join(dir, 'good.txt'));
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path.join(dir, 'broken.txt'), Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x42]));
      await writeFile(path.join(dir, 'noheader.txt'), 'Просто текст без строки даты\nи без заголовка\n');
      const summary = await runIndexer(engine, uid, { paths: [dir], prune: false });
      expect(summary.failed).toBe(2);
      expect(summary.failures).toEqual(
        expect.arrayContaining([
          { source: path.join(dir, 'broken.txt'), reason: expect.stringMatching(/binary|UTF-8/) },
          { source: `${path.join(dir, 'noheader.txt')}:1`, reason: expect.stringMatching(/date YYYY-MM-DD/) },
        ]),
      );
      expect((await allDocs()).some((d) => d.articleId === 'good')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
