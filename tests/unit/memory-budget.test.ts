import { describe, expect, it } from 'vitest';
import { HEAP_RESERVE_BYTES, indexNeed, overBudgetReason, rankingBudget } from '../../server/ranking/memory-budget.js';

const MB = 2 ** 20;

describe('ranking memory budget', () => {
  it('under a 256 MB heap, an index of the whole corpus (~50k chunks) fits: only its strings and maps live in the heap', () => {
    const budget = rankingBudget(undefined, HEAP_RESERVE_BYTES + 16e6, 256 * MB);
    expect(indexNeed(50_000)).toBeLessThanOrEqual(budget.bytes);
    expect(budget.source).toMatch(/heap limit of 268 MB.*NODE_HEAP_MB.*RANKING_MEMORY_MB/);
  });

  it('a heap too small for the index says so', () => {
    const budget = rankingBudget(undefined, HEAP_RESERVE_BYTES, 128 * MB);
    expect(indexNeed(500_000)).toBeGreaterThan(budget.bytes);
    const reason = overBudgetReason(500_000, budget);
    expect(reason).toMatch(/500000 chunks needs ~\d+ MB, over its budget of \d+ MB \(the V8 heap limit/);
    expect(reason).toMatch(/engine's candidates/);
  });

  it('RANKING_MEMORY_MB, when set, is the budget, named as such', () => {
    expect(rankingBudget(64, HEAP_RESERVE_BYTES, 4096 * MB)).toEqual({ bytes: 64e6, source: 'RANKING_MEMORY_MB=64' });
  });
});
