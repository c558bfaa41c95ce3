import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readOrCreateMasterKey } from '../../core/engine/data-dir.js';

describe('readOrCreateMasterKey', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives every process racing on a fresh DATA_DIR the same key, and leaves no temporary file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'master-key-'));
    const file = path.join(dir, 'master-key');
    const keys = await Promise.all(Array.from({ length: 16 }, () => readOrCreateMasterKey(file)));
    expect(new Set(keys).size).toBe(1);
    expect((await readFile(file, 'utf8')).trim()).toBe(keys[0]);
    expect(await readdir(dir)).toEqual(['master-key']);
  });

  it('keeps an existing key', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'master-key-'));
    const file = path.join(dir, 'master-key');
    const first = await readOrCreateMasterKey(file);
    expect(await readOrCreateMasterKey(file)).toBe(first);
  });
});
