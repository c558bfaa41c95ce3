import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../core/engine/client.js';
import { ensureMonitorKey, ensureSearchKey } from '../../core/engine/keys.js';
import { ensureIndex } from '../../core/engine/settings.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';

const uid = uniqueIndexUid('keys');
afterAll(() => deleteIndex(uid));

describe('the search-only key', () => {
  it('is the same on every start and cannot write', async () => {
    await ensureIndex(adminEngine(), uid);
    const key = await ensureSearchKey(adminEngine(), uid);
    expect(await ensureSearchKey(adminEngine(), uid)).toBe(key);
    expect(key).not.toBe(testEngine().masterKey);

    const res = await fetch(`${testEngine().url}/indexes/${uid}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ id: 'x', text: 'injected' }]),
    });
    expect(res.status).toBe(403);
    const searchable = createEngine({ url: testEngine().url, apiKey: key, timeoutMs: 2000 });
    await expect(searchable.index(uid).search('x')).resolves.toMatchObject({ hits: [] });
    // Scoped to this index only.
    const other = await fetch(`${testEngine().url}/indexes/other_index/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"q":"x"}',
    });
    expect(other.status).toBe(403);
  });
});

describe('several proxies starting at once', () => {
  it('all get the same keys (none fails because another created it between its look-up and its create)', async () => {
    const fresh = uniqueIndexUid('keys_race');
    try {
      await ensureIndex(adminEngine(), fresh);
      const starts = Array.from({ length: 4 }, () => Promise.all([ensureSearchKey(adminEngine(), fresh), ensureMonitorKey(adminEngine(), fresh)]));
      const keys = await Promise.all(starts);
      expect(new Set(keys.map((k) => k.join()))).toHaveProperty('size', 1);
    } finally {
      await deleteIndex(fresh);
    }
  });
});
