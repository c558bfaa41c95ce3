/** The in-process response cache (LRU keyed by query and index version) and the URL → key memory of the fast path. */
import { LRUCache } from 'lru-cache';

/**
 * Serialized search responses (UTF-8 bytes, sent as they are) keyed by the normalized request. An entry is only trusted while the
 * index version is known (see index-watch.ts): a change or an unknown version empties the cache,
 * and a response computed before that moment is not stored (the generation check), so the cache
 * never serves results older than one poll of the index.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, Buffer>;
  private version: string | undefined;
  private generationCounter = 0;

  /**
   * `maxBytes`: the bodies and keys together (an entry counted as its bytes plus ~100 for the LRU's
   * bookkeeping); 2,000 entries of 25 KB were ~50 MB of a proxy's memory (issue 28).
   */
  constructor(maxEntries: number, maxBytes = Number.MAX_SAFE_INTEGER) {
    this.entries = new LRUCache({ max: Math.max(1, maxEntries), maxSize: Math.max(1, maxBytes), sizeCalculation: (body, key) => body.length + 2 * key.length + 100 });
  }

  /** Bytes the entries take (as counted against the bound). */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  get generation(): number {
    return this.generationCounter;
  }

  get maxEntries(): number {
    return this.entries.max;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Buffer | undefined {
    return this.version === undefined ? undefined : this.entries.get(key);
  }

  /** Stores `body` unless the index changed since `generation` was read. */
  set(key: string, body: Buffer, generation: number): void {
    // An answer bigger than the whole bound is simply not kept (lru-cache refuses it).
    if (this.version !== undefined && generation === this.generationCounter) this.entries.set(key, body);
  }

  /** A new index version (or `undefined`: unknown, e.g. the engine is unreachable). */
  setVersion(version: string | undefined): boolean {
    if (version === this.version && version !== undefined) return false;
    this.version = version;
    this.generationCounter++;
    this.entries.clear();
    return true;
  }
}

/**
 * Raw request URLs → the cache key (without the ranking version) their validated request gives,
 * learned from requests the full path answered: parsing and key building are pure functions of
 * the URL, so a URL seen before finds its cached answer without either (server/http/fast-hits.ts).
 */
export class UrlKeys {
  private readonly keys: LRUCache<string, string>;

  constructor(maxEntries: number) {
    this.keys = new LRUCache({ max: Math.max(1, maxEntries) });
  }

  remember(url: string, keyBase: string): void {
    this.keys.set(url, keyBase);
  }

  keyBase(url: string): string | undefined {
    return this.keys.get(url);
  }
}
