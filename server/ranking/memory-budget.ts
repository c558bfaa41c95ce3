import { getHeapStatistics } from 'node:v8';

/**
 * What the ranking index needs against what the process has (issue 28: the budget was a third of
 * the V8 heap limit, ~85 MB under a 256 MB heap, so an index that fitted was silently switched
 * off). An index lives in two places: its typed arrays outside the V8 heap, and its ids, maps and
 * term strings inside it; only the second is bounded by the heap limit.
 */

/**
 * Settled bytes per chunk inside the heap (chunk and article ids, their maps, term and surface
 * strings) and outside it (typed arrays): at the RT corpus (49,479 chunks) the index's typed arrays
 * are 63.5 MB (~1,280 B/chunk); the heap part ~610 B/chunk once the stem memos are cleared (+520 with them; in process, gc between).
 */
export const HEAP_BYTES_PER_CHUNK = 650;
export const EXTERNAL_BYTES_PER_CHUNK = 1300;
export const BYTES_PER_CHUNK = HEAP_BYTES_PER_CHUNK + EXTERNAL_BYTES_PER_CHUNK;
/** Heap the rest of the server takes beside the index: Node and its modules, requests in flight, their garbage. */
export const HEAP_RESERVE_BYTES = 96e6;
/**
 * Memory a container must leave outside the V8 heap for the process itself (code, stacks, the
 * allocator's spare, sockets and buffers in flight): RSS less heap less the index's arrays was
 * 60–75 MB in bench:memory at 1× (docs/scale.md).
 */
export const NATIVE_RESERVE_BYTES = 80e6;

export interface RankingBudget {
  /** Bytes the index may take in all (heap and typed arrays). */
  bytes: number;
  /** Where the figure comes from and which setting changes it, for the log and /readyz. */
  source: string;
}

const mb = (bytes: number): number => Math.round(bytes / 1e6);

/**
 * The budget: RANKING_MEMORY_MB when set; else what the heap limit leaves beside the rest of the
 * server (`reserveBytes`: HEAP_RESERVE_BYTES plus the response cache's bound), as index bytes in all.
 */
export function rankingBudget(
  configuredMb: number | undefined,
  reserveBytes = HEAP_RESERVE_BYTES,
  heapLimit = getHeapStatistics().heap_size_limit,
  containerLimit?: number,
): RankingBudget {
  if (configuredMb !== undefined) return { bytes: configuredMb * 1e6, source: `RANKING_MEMORY_MB=${configuredMb}` };
  const heapRoom = Math.max(0, heapLimit - reserveBytes);
  const byHeap = Math.floor((heapRoom * BYTES_PER_CHUNK) / HEAP_BYTES_PER_CHUNK);
  const heapSource = `the V8 heap limit of ${mb(heapLimit)} MB less ${mb(reserveBytes)} MB for the rest of the server; raise NODE_HEAP_MB (or the container's memory), or set RANKING_MEMORY_MB`;
  if (containerLimit === undefined) return { bytes: byHeap, source: heapSource };
  // The typed arrays live outside the heap: in a container they share what the heap leaves of its limit.
  const outsideRoom = Math.max(0, containerLimit - heapLimit - NATIVE_RESERVE_BYTES);
  const byContainer = Math.floor((outsideRoom * BYTES_PER_CHUNK) / EXTERNAL_BYTES_PER_CHUNK);
  if (byContainer >= byHeap) return { bytes: byHeap, source: heapSource };
  return {
    bytes: byContainer,
    source: `the container's memory limit of ${mb(containerLimit)} MB less the V8 heap limit of ${mb(heapLimit)} MB and ${mb(NATIVE_RESERVE_BYTES)} MB for the process itself; raise the container's memory (or lower NODE_HEAP_MB), or set RANKING_MEMORY_MB`,
  };
}

/** Bytes an index of `chunks` chunks takes, settled. */
export function indexNeed(chunks: number): number {
  return chunks * BYTES_PER_CHUNK;
}

/** The sentence the log and /readyz give when the index does not fit. */
export function overBudgetReason(chunks: number, budget: RankingBudget): string {
  return `the ranking index of ${chunks} chunks needs ~${mb(indexNeed(chunks))} MB, over its budget of ${mb(budget.bytes)} MB (${budget.source}); until it fits, searches are ranked from the engine's candidates (lower relevance)`;
}
