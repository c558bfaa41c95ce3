import { describe, expect, it } from 'vitest';
import { checkChangeEntry } from '../../core/change-log.js';

describe('checkChangeEntry', () => {
  it('takes every kind the indexer writes, a synonyms entry with its groups included', () => {
    const at = '2026-12-07T20:00:00.000Z';
    expect(checkChangeEntry({ seq: 1, state: 'done', kind: 'chunks', ids: ['a-0-0'], at })).toHaveProperty('entry');
    expect(checkChangeEntry({ seq: 2, state: 'done', kind: 'reset', ids: [], at })).toHaveProperty('entry');
    expect(checkChangeEntry({ seq: 3, state: 'done', kind: 'synonyms', ids: [], at, synonyms: [['вуз', 'университет']] })).toEqual({
      entry: { seq: 3, state: 'done', kind: 'synonyms', ids: [], at, synonyms: [['вуз', 'университет']] },
    });
  });

  it('names the first wrong field of a malformed entry', () => {
    expect(checkChangeEntry({ seq: 4, state: 'done', kind: 'chunks', at: 'x' })).toEqual({ problem: expect.stringContaining('`ids`') });
    expect(checkChangeEntry({ seq: 5, state: 'done', kind: 'other', ids: [], at: 'x' })).toEqual({ problem: expect.stringContaining('`kind`') });
  });
});
