import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../core/engine/embedded.js';
import { processId, recordPath, type EngineRecord } from '../../core/engine/registry.js';
import { engineAnswers, noteExternalEngine, openDataDirEngine } from '../../core/engine/shared.js';
import { spawnScript } from '../support/process.js';
import { createLogger } from '../../core/logger.js';

const log = createLogger('silent');
const SEED_DIR = 'articles';
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'engine-record-'));
  dirs.push(dir);
  return dir;
}

/** A process of ours that has exited: its pid names nobody (or, reused, someone with another start time). */
async function deadProcess(): Promise<{ pid: number; start: number }> {
  const child = spawn(process.execPath, ['-e', '']);
  const id = processId(child.pid!) ?? { pid: child.pid!, start: 1 };
  await new Promise((r) => child.once('exit', r));
  return id;
}

describe('one engine per DATA_DIR (engine.json)', { timeout: 120_000 }, () => {
  it('the first user starts and owns it; the next uses it, and its stop leaves the engine running', async () => {
    const dir = await dataDir();
    const owner = await openDataDirEngine({ dataDir: dir, role: 'indexer', log });
    try {
      expect(owner.origin).toBe('started');
      const record = JSON.parse(await readFile(recordPath(dir), 'utf8')) as EngineRecord;
      expect(record).toMatchObject({ url: owner.url, owner: { ...processId(), role: 'indexer' }, engine: { pid: owner.engine!.pid } });
      expect(JSON.stringify(record)).not.toContain(owner.masterKey);

      const guest = await openDataDirEngine({ dataDir: dir, role: 'server', log });
      expect(guest).toMatchObject({ origin: 'shared', url: owner.url, owner: `indexer pid ${process.pid}` });
      await guest.stop();
      expect(await engineAnswers(owner.url, owner.masterKey)).toBe(true);
    } finally {
      await owner.stop();
    }
    await expect(readFile(recordPath(dir))).rejects.toThrow(/ENOENT/);
    expect(await engineAnswers(owner.url, owner.masterKey)).toBe(false);
  });

  it('a record whose owner is dead, or whose pid now names another process, is replaced', async () => {
    const dir = await dataDir();
    const dead = await deadProcess();
    const me = processId()!;
    for (const owner of [dead, { pid: me.pid, start: me.start + 1 }]) {
      const stale: EngineRecord = { url: `http://127.0.0.1:${await freePort()}`, owner: { ...owner, role: 'server' }, since: '2026-01-01T00:00:00Z' };
      await writeFile(recordPath(dir), JSON.stringify(stale));
      const engine = await openDataDirEngine({ dataDir: dir, role: 'indexer', log });
      try {
        expect(engine.origin).toBe('started');
        expect(JSON.parse(await readFile(recordPath(dir), 'utf8')).owner.pid).toBe(me.pid);
      } finally {
        await engine.stop();
      }
    }
  });

  it("a live owner whose engine does not answer is waited for, then reported — never replaced or stopped", async () => {
    const dir = await dataDir();
    // An owner of ours (a Node process, as every server and indexer is) that never starts its engine.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const owner = processId(sleeper.pid!)!;
      const record: EngineRecord = { url: `http://127.0.0.1:${await freePort()}`, owner: { ...owner, role: 'server' }, since: '2026-01-01T00:00:00Z' };
      await writeFile(recordPath(dir), JSON.stringify(record));
      await expect(openDataDirEngine({ dataDir: dir, role: 'indexer', log, waitMs: 1500 })).rejects.toThrow(
        new RegExp(`belongs to server pid ${owner.pid} but does not answer`),
      );
      expect(JSON.parse(await readFile(recordPath(dir), 'utf8'))).toEqual(record);
      expect(processId(sleeper.pid!)).toEqual(owner);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('an indexer without MEILI_URL refuses (exit 2) when the server on its DATA_DIR uses MEILI_URL', async () => {
    const dir = await dataDir();
    // As a server with MEILI_URL does at start (this test process plays the server).
    const forget = await noteExternalEngine(dir, 'http://meili.internal:7700');
    try {
      const run = spawnScript('index', [SEED_DIR], { DATA_DIR: dir, MEILI_URL: '', MEILI_MASTER_KEY: '', MEILI_SHARDS: '' });
      expect(await run.exited).toBe(2);
      expect(run.output()).toMatch(/uses the Meilisearch at http:\/\/meili\.internal:7700 \(MEILI_URL\); set MEILI_URL and MEILI_MASTER_KEY for the indexer too/);
      await expect(readFile(recordPath(dir))).rejects.toThrow(/ENOENT/);
    } finally {
      await forget();
    }
  });
});
