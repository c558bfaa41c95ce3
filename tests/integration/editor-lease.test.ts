import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLease, LEASE_TTL_MS, leaseIndexUid, LeaseBusyError } from '../../indexer/lease.js';
import { waitTask } from '../../indexer/apply.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { spawnScript } from '../support/process.js';

const engine = adminEngine();
const uid = uniqueIndexUid('lease');
afterAll(() => Promise.all([deleteIndex(uid), deleteIndex(leaseIndexUid(uid))]));

describe('the indexer lease (one writer per index, kept in the engine)', { timeout: 180_000 }, () => {
  it('a second claimant waits, saying who holds it, and gets the lease when the first releases', async () => {
    const first = await acquireLease(engine, uid, { holder: 'first' });
    const told: string[] = [];
    let secondGot = false;
    const second = acquireLease(engine, uid, { holder: 'second', onWait: (h) => told.push(h) }).then((lease) => {
      secondGot = true;
      return lease;
    });
    // The second has claimed and is waiting: it has told whom it waits for.
    for (let i = 0; i < 600 && told.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(told).toEqual([expect.stringMatching(/^first, since /)]);
    expect(secondGot).toBe(false);
    await first.release();
    const lease = await second;
    expect(lease.holder).toBe('second');
    await lease.release();
  });

  it('--no-wait refuses with LeaseBusyError, and the CLI exits 4 with a clear message', async () => {
    const held = await acquireLease(engine, uid, { holder: 'an editor on another machine' });
    try {
      await expect(acquireLease(engine, uid, { noWait: true })).rejects.toBeInstanceOf(LeaseBusyError);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lease-cli-'));
      try {
        await writeFile(path.join(dir, 'a.txt'), 'date 2026-03-01 Тестовск\nЗаголовок\n\nТекст статьи о погоде.\n');
        const cli = spawnScript('index', ['--no-wait', dir], { MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uid });
        expect(await cli.exited).toBe(4);
        expect(cli.output()).toMatch(new RegExp(`error: another indexer is writing to index ${uid} \\(an editor on another machine, since .*\\)`));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      await held.release();
    }
  });

  it('an expired claim (a holder killed with -9) does not block, and is cleaned away', async () => {
    const task = await engine.index(leaseIndexUid(uid)).addDocuments(
      [{ id: 'dead0000', holder: 'killed indexer', ticket: 1, since: '2026-01-01T00:00:00Z', expiresAt: Date.now() - LEASE_TTL_MS }],
      { primaryKey: 'id' },
    );
    await waitTask(engine, task.taskUid, 'planting an expired claim');
    const lease = await acquireLease(engine, uid, { noWait: true });
    const ids = (await engine.index(leaseIndexUid(uid)).getDocuments({ limit: 100 })).results.map((d) => d['id']);
    expect(ids).not.toContain('dead0000');
    await lease.release();
  });
});
