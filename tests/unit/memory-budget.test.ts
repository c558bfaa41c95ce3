import { describe, expect, it } from 'vitest';
import { containerMemoryLimit } from '../../core/container-memory.js';
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

  it('in a container, the typed arrays outside the heap must fit what the heap leaves of its limit', () => {
    const heap = 256 * MB;
    // 512 MB container, heap half of it (bin/start.sh): the whole corpus still fits.
    expect(indexNeed(57_650)).toBeLessThanOrEqual(rankingBudget(undefined, HEAP_RESERVE_BYTES, heap, 512 * MB).bytes);
    // A heap as large as the container leaves no room outside it: over budget, and the reason says why.
    const tight = rankingBudget(undefined, HEAP_RESERVE_BYTES, heap, 300 * MB);
    expect(indexNeed(57_650)).toBeGreaterThan(tight.bytes);
    expect(tight.source).toMatch(/container's memory limit of 315 MB less the V8 heap limit of 268 MB/);
    // A roomy container leaves the heap's budget as it is; without a container limit the heap alone decides.
    const byHeap = rankingBudget(undefined, HEAP_RESERVE_BYTES, heap);
    expect(byHeap.source).toMatch(/^the V8 heap limit/);
    expect(rankingBudget(undefined, HEAP_RESERVE_BYTES, heap, 8192 * MB)).toEqual(byHeap);
  });
});

describe('containerMemoryLimit', () => {
  it('reads cgroup v2 memory.max, treats `max` and a v1 figure above the machine as no limit', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'cgroup-'));
    const file = (name: string, text: string) => (writeFileSync(path.join(dir, name), text), path.join(dir, name));
    expect(containerMemoryLimit([file('v2', '536870912\n')], 16 * 2 ** 30)).toBe(536870912);
    expect(containerMemoryLimit([file('max', 'max\n')], 16 * 2 ** 30)).toBeUndefined();
    expect(containerMemoryLimit([path.join(dir, 'absent'), file('v1', '9223372036854771712\n')], 16 * 2 ** 30)).toBeUndefined();
    expect(containerMemoryLimit([path.join(dir, 'absent')], 16 * 2 ** 30)).toBeUndefined();
  });
});

describe('NODE_HEAP_MB not applied', () => {
  it('a server started without bin/start.sh says its heap limit is not the one configured; a matching one says nothing', async () => {
    const { warnIfHeapLimitNotApplied } = await import('../../server/system.js');
    const { createLogger } = await import('../../core/logger.js');
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    warnIfHeapLimitNotApplied(320, 4144 * MB, log);
    expect(lines.join('')).toMatch(/NODE_HEAP_MB=320 is not applied: this process runs with a V8 heap limit of 4144 MB; start it with `npm start`/);
    lines.length = 0;
    warnIfHeapLimitNotApplied(320, 336 * MB, log);
    warnIfHeapLimitNotApplied(undefined, 4144 * MB, log);
    expect(lines).toEqual([]);
  });
});

