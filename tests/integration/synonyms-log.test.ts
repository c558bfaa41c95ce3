import { afterAll, describe, expect, it } from 'vitest';
import { CHANGE_LOG_KEEP, changeLogUid, type ChangeEntry } from '../../core/change-log.js';
import { createEngine } from '../../core/engine/client.js';
import { ensureSearchKey } from '../../core/engine/keys.js';
import { ensureIndex } from '../../core/engine/settings.js';
import { createLogger } from '../../core/logger.js';
import { engineSynonyms, NO_SYNONYMS } from '../../core/text/synonyms.js';
import { changeLogFor } from '../../indexer/change-log.js';
import { applySynonyms, type SynonymsSource } from '../../indexer/synonyms.js';
import { PublishedSynonyms } from '../../server/search/synonyms.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';

/** The synonyms' way through the engine and the change log, against the real engine. */
const uid = uniqueIndexUid('synonyms-log');
afterAll(async () => {
  await deleteIndex(uid);
  await deleteIndex(changeLogUid(uid));
});

const source = (groups: string[][]): SynonymsSource => ({ files: ['synonyms.txt'], groups, errors: [] });

async function proxySees(): Promise<string[]> {
  const engine = createEngine({ url: testEngine().url, apiKey: await ensureSearchKey(adminEngine(), uid), timeoutMs: 5000 });
  const published = await new PublishedSynonyms(engine, uid, 60_000, createLogger('silent')).start();
  published.stop();
  return [...published.current().index.keys()];
}

describe('synonyms through the engine and the change log', () => {
  it('an index nothing published synonyms to has none', async () => {
    await ensureIndex(adminEngine(), uid);
    const engine = createEngine({ url: testEngine().url, apiKey: await ensureSearchKey(adminEngine(), uid), timeoutMs: 5000 });
    const published = await new PublishedSynonyms(engine, uid, 60_000, createLogger('silent')).start();
    published.stop();
    expect(published.current()).toBe(NO_SYNONYMS);
  });

  it('sets the engine setting and one log entry; an unchanged file changes nothing', async () => {
    const groups = [['кибердружина', 'киберпатруль']];
    expect((await applySynonyms(adminEngine(), uid, source(groups))).changed).toBe(true);
    expect(await adminEngine().index(uid).getSynonyms()).toEqual(engineSynonyms(groups));
    expect(await proxySees()).toEqual(['кибердружин', 'киберпатрул']);
    const tasks = (await adminEngine().tasks.getTasks({ indexUids: [uid, changeLogUid(uid)], limit: 1 })).results[0]!.uid;
    expect((await applySynonyms(adminEngine(), uid, source(groups))).changed).toBe(false);
    expect((await adminEngine().tasks.getTasks({ indexUids: [uid, changeLogUid(uid)], limit: 1 })).results[0]!.uid).toBe(tasks);
  });

  it('an emptied file removes them everywhere', async () => {
    await applySynonyms(adminEngine(), uid, source([['a1', 'b1']]));
    expect((await applySynonyms(adminEngine(), uid, source([]))).changed).toBe(true);
    expect(await adminEngine().index(uid).getSynonyms()).toEqual({});
    expect(await proxySees()).toEqual([]);
  });

  it('the latest synonyms entry survives the log being trimmed, older ones do not', async () => {
    await applySynonyms(adminEngine(), uid, source([['кибердружина', 'киберпатруль']]));
    const log = adminEngine().index(changeLogUid(uid));
    const head = (await log.search<ChangeEntry>('', { sort: ['seq:desc'], limit: 1 })).hits[0]!.seq;
    // Enough chunk entries that the next one is numbered at a trim point (a multiple of 100) past the window.
    const last = Math.ceil((head + CHANGE_LOG_KEEP + 150) / 100) * 100 - 1;
    const filler: ChangeEntry[] = [];
    for (let seq = head + 1; seq <= last; seq++) filler.push({ seq, state: 'done', kind: 'chunks', ids: [], at: new Date(0).toISOString() });
    expect((await log.addDocuments(filler).waitTask({ timeout: 60_000 })).status).toBe('succeeded');
    const writer = changeLogFor(adminEngine(), uid)!;
    await writer.closeLeftovers(); // numbered from the log's head again
    const entry = await writer.open([]);
    expect(entry.seq % 100).toBe(0);
    await writer.close(entry);
    // The trim is enqueued, not waited for by the writer.
    const trim = (await adminEngine().tasks.getTasks({ indexUids: [changeLogUid(uid)], types: ['documentDeletion'], limit: 1 })).results[0]!;
    expect((await adminEngine().tasks.waitForTask(trim.uid, { timeout: 60_000 })).status).toBe('succeeded');
    const kept = (await log.search<ChangeEntry>('', { filter: 'kind = synonyms', sort: ['seq:asc'], limit: 10 })).hits.map((e) => e.seq);
    expect(kept).toEqual([head]);
    expect((await log.search('', { filter: `seq = ${head + 1}`, limit: 1 })).hits).toEqual([]);
    expect(await proxySees()).toEqual(['кибердружин', 'киберпатрул']);
  });
});
