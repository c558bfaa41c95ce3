import { crc32 } from 'node:zlib';
import type { AnalyzedQuery } from '../search/analyze.js';
import { Scorer, type RankScope, type Ranking } from './search.js';
import type { RankVocabulary } from '../search/typo.js';
import { NO_YEAR, RankingStore, toRecord, type ChunkRecord, type RankingDocument } from './store.js';

export type { RankingDocument } from './store.js';
export type { RankScope, Ranking, RankedChunk } from './search.js';
export { INDEX_RANK_PARAMS, SHORT_QUERY_PARAMS, VERBOSE_QUERY_PARAMS, bm25, bm25Idf } from './params.js';

/**
 * The ranking index: an in-memory inverted index of every chunk's stems, held by each proxy so
 * the API scores the whole index with BM25 in a few milliseconds. It stores term ids and counts
 * only, never text. It changes in place: `apply` costs time in proportion to the chunks changed,
 * and the result always equals a fresh build of the same chunks (tests/unit/ranking-module.test.ts).
 * Nothing outside server/ranking/ sees postings or term ids.
 */
export interface RankingIndex {
  /** Upserts (new or replaced chunks) and removals by chunk id; unknown ids are ignored. */
  apply(change: RankingChange): void;
  search(query: AnalyzedQuery, scope: RankScope, wanted: number, facets?: readonly string[]): Ranking;
  has(chunkId: string): boolean;
  /** Gives back the arenas' spare room (after a bulk load of many `apply` calls). */
  compact(): void;
  /**
   * Re-reads a whole index in place (after an index swap): every page is upserted (unchanged
   * chunks are skipped by digest), then chunks not among them are removed. Memory stays about the
   * same; searches meanwhile see a mix of old and new chunks. Returns how many were removed.
   */
  replaceAll(pages: AsyncIterable<readonly RankingDocument[]>): Promise<number>;
  /** Versioned, checksummed bytes holding the index and `position` (where in the change log it is). */
  snapshot(position: unknown): Buffer;
  /**
   * The same bytes as consecutive parts (the last is the checksum), to be written one by one: the
   * whole file in one buffer was two more copies of it (~56 MB each at 50k chunks) at every save.
   */
  snapshotParts(position: unknown, sliceTokens?: number): Iterable<Buffer>;
  stats(): RankingStats;
  /** The live vocabulary typo correction reads (server/search/typo.ts); follows every `apply`. */
  vocabulary(): RankVocabulary;
}

export interface RankingChange {
  upsert?: readonly RankingDocument[];
  remove?: readonly string[];
}

export interface RankingStats {
  chunks: number;
  articles: number;
  terms: number;
  /** Bytes of the typed arrays (strings and maps come on top). */
  bytes: number;
}

export function createRankingIndex(documents: Iterable<RankingDocument> = []): RankingIndex {
  const store = new RankingStore();
  store.beginBulk();
  for (const doc of documents) store.load(toRecord(doc));
  store.endBulk();
  store.compact();
  return wrap(store);
}

function wrap(store: RankingStore): RankingIndex {
  const scorer = new Scorer(store);
  const vocabulary: RankVocabulary = {
    frequency(word) {
      const surface = store.liveSurface(word);
      const stem = surface < 0 ? -1 : store.surfaceStem[surface]!;
      return stem < 0 ? 0 : store.postingLength(stem);
    },
    mayHave: (hash) => store.surfaceFilter.mayHave(hash),
    completes: (prefix) => store.termsWithPrefix(prefix, 1).length > 0, // per keystroke: stop at the first
  };
  return {
    apply: (change) => store.apply((change.upsert ?? []).map(toRecord), change.remove ?? []),
    compact: () => store.compact(),
    replaceAll: async (pages) => {
      store.beginBulk(); // into an empty index: postings made at the end
      store.beginSweep();
      try {
        for await (const page of pages) {
          if (store.loadingInBulk) for (const document of page) store.load(toRecord(document));
          else store.apply(page.map(toRecord), []);
        }
      } catch (error) {
        store.cancelSweep(); // a failed read removes nothing
        store.endBulk();
        throw error;
      }
      store.endBulk();
      const removed = store.endSweep();
      store.compact();
      return removed;
    },
    search: (query, scope, wanted, facets = []) => scorer.rank(query, scope, wanted, facets),
    has: (id) => store.slotOf.has(id),
    snapshot: (position) => Buffer.concat([...encodeSnapshot(store, position)]),
    snapshotParts: (position, sliceTokens) => encodeSnapshot(store, position, sliceTokens),
    stats: () => ({ chunks: store.chunkCount, articles: store.articleCount, terms: store.terms.length, bytes: store.byteSize }),
    vocabulary: () => vocabulary,
  };
}

/** A snapshot that is not ours, of another format version, truncated or altered. */
export class SnapshotError extends Error {
  readonly code = 'snapshot_invalid';
}

const MAGIC = Buffer.from('NSRANKIX', 'latin1');
/** Bumped whenever the layout or what the stored fields mean changes: older snapshots are ignored. */
export const SNAPSHOT_FORMAT = 1;

interface SnapshotHeader {
  position: unknown;
  terms: string[];
  surfaces: string[];
  tags: string[];
  /** [id, tag numbers, dateTs, year] */
  articles: [string, number[], number | null, number | null][];
  chunkIds: string[];
}

/**
 * Layout: magic, format (u32), header length (u32), header JSON (strings), then per chunk its
 * article (i32), lead (u8), section (i32), title length (u16), token count (u32), digest (2 × u32) as columns, then
 * tokens and surfaces (i32 each), then CRC-32 of everything before it (u32).
 */
/** Tokens per part of the two big columns: ~1 MB each, written before the next is made. */
const TOKEN_SLICE = 1 << 18;

function* encodeSnapshot(store: RankingStore, position: unknown, sliceTokens = TOKEN_SLICE): Generator<Buffer> {
  // Straight from the store's columns, numbering its term, surface, tag and article ids densely in
  // the order first met: the same bytes as building ChunkRecords of strings first, without making a
  // string per token. At 49k dev chunks that took ~1.7 s of the event loop once a minute after changes.
  //
  // The two token columns (8 bytes a token, ~50 MB at 57k chunks) are made slice by slice as the
  // writer takes them, in a second pass over the chunks: made whole, they were the save's extra
  // peak at every editor's run (bench:memory at 1x: max RSS 405 MB with editor runs, 359 without).
  // The header, written first, needs every id's dense number: the first pass assigns them.
  const header: SnapshotHeader = { position, terms: [], surfaces: [], tags: [], articles: [], chunkIds: [] };
  const renumber = (size: number, names: readonly string[], list: string[]): ((id: number) => number) => {
    const dense = new Int32Array(size).fill(-1);
    return (id) => (dense[id]! >= 0 ? dense[id]! : (dense[id] = list.push(names[id]!) - 1));
  };
  const term = renumber(store.terms.length, store.terms, header.terms);
  const surface = renumber(store.surfaceWords.length, store.surfaceWords, header.surfaces);
  const tag = renumber(store.tagNames.length, store.tagNames, header.tags);
  const articleNumber = new Int32Array(store.articleCapacity).fill(-1);
  const live: number[] = [];
  let tokenCount = 0;
  for (let c = 0; c < store.slotCapacity; c++) {
    if (store.chunkIds[c] === undefined) continue;
    live.push(c);
    tokenCount += store.chunkLength(c);
  }
  const columns = {
    article: new Int32Array(live.length),
    lead: new Uint8Array(live.length),
    section: new Int32Array(live.length),
    titleLength: new Uint16Array(live.length),
    length: new Uint32Array(live.length),
    hash: new Uint32Array(2 * live.length),
  };
  // A chunk stored without its words (surface -1 anywhere) has none in the snapshot either.
  const aligned = new Uint8Array(live.length);
  live.forEach((c, i) => {
    const a = store.chunkArticle[c]!;
    if (articleNumber[a] === -1) {
      articleNumber[a] = header.articles.length;
      const date = store.articleDate[a]!;
      const year = store.articleYear[a]!;
      header.articles.push([store.articleIds[a]!, store.articleTags[a]!.map(tag), Number.isNaN(date) ? null : date, year === NO_YEAR ? null : year]);
    }
    header.chunkIds.push(store.chunkIds[c]!);
    columns.article[i] = articleNumber[a]!;
    columns.lead[i] = store.chunkLead[c]!;
    columns.section[i] = store.chunkSection[c]!;
    columns.titleLength[i] = store.chunkTitleLength[c]!;
    columns.hash[2 * i] = store.chunkHash[2 * c]!;
    columns.hash[2 * i + 1] = store.chunkHash[2 * c + 1]!;
    const length = store.decode(c);
    columns.length[i] = length;
    const { decodedTerms, decodedSurfaces } = store;
    let whole = 1;
    for (let k = 0; k < length; k++) if (decodedSurfaces[k]! < 0) whole = 0;
    aligned[i] = whole;
    // Numbered in the order the columns will hold them: terms and surfaces each by first appearance.
    for (let k = 0; k < length; k++) {
      term(decodedTerms[k]!);
      if (whole) surface(decodedSurfaces[k]!);
    }
  });
  const json = Buffer.from(JSON.stringify(header));
  const fixed = Buffer.alloc(16);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(SNAPSHOT_FORMAT, 8);
  fixed.writeUInt32LE(json.length, 12);
  // A running CRC-32 over the parts: the same value as over their concatenation, without making it.
  let sum = 0;
  const emit = (part: Buffer): Buffer => ((sum = crc32(part, sum)), part);
  yield emit(fixed);
  yield emit(json);
  for (const column of Object.values(columns)) yield emit(Buffer.from(column.buffer, column.byteOffset, column.byteLength));
  for (const which of ['tokens', 'surfaces'] as const) {
    let slice = new Int32Array(Math.min(sliceTokens, tokenCount));
    let filled = 0;
    for (let i = 0; i < live.length; i++) {
      // Parts are handed over only between chunks: while the writer waits, searches decode other
      // chunks into the store's shared decode buffers, which a chunk half-read would then read on.
      const length = store.chunkLength(live[i]!);
      if (filled + length > slice.length) {
        if (filled > 0) yield emit(Buffer.from(slice.buffer, 0, filled * 4));
        // A new slice: the one just handed over may still be on its way to the file.
        slice = new Int32Array(Math.max(sliceTokens, length));
        filled = 0;
      }
      store.decode(live[i]!);
      const ids = which === 'tokens' ? store.decodedTerms : store.decodedSurfaces;
      for (let k = 0; k < length; k++) slice[filled++] = which === 'tokens' ? term(ids[k]!) : aligned[i] ? surface(ids[k]!) : -1;
    }
    if (filled > 0) yield emit(Buffer.from(slice.buffer, 0, filled * 4));
  }
  const end = Buffer.alloc(4);
  end.writeUInt32LE(sum, 0);
  yield end;
}

/** The index and change-log position a snapshot holds; SnapshotError when it is not a valid one of ours. */
export function loadRankingIndex(bytes: Buffer): { index: RankingIndex; position: unknown } {
  if (bytes.length < 20 || !bytes.subarray(0, 8).equals(MAGIC)) throw new SnapshotError('not a ranking index snapshot');
  const format = bytes.readUInt32LE(8);
  if (format !== SNAPSHOT_FORMAT) throw new SnapshotError(`snapshot format ${format}, expected ${SNAPSHOT_FORMAT}`);
  const body = bytes.subarray(0, bytes.length - 4);
  if (crc32(body) !== bytes.readUInt32LE(bytes.length - 4)) throw new SnapshotError('snapshot checksum mismatch (corrupt or truncated)');
  const jsonLength = bytes.readUInt32LE(12);
  let header: SnapshotHeader;
  try {
    header = JSON.parse(body.subarray(16, 16 + jsonLength).toString('utf8')) as SnapshotHeader;
  } catch {
    throw new SnapshotError('snapshot header unreadable');
  }
  const n = header.chunkIds.length;
  let at = 16 + jsonLength;
  // Copied out (aligned), not viewed: the file's byte offsets need not be multiples of 4.
  const take = <T>(make: (buffer: ArrayBuffer) => T, count: number, size: number): T => {
    if (at + count * size > body.length) throw new SnapshotError('snapshot truncated');
    const copy = new Uint8Array(count * size);
    copy.set(body.subarray(at, at + count * size));
    at += count * size;
    return make(copy.buffer);
  };
  const article = take((b) => new Int32Array(b), n, 4);
  const lead = take((b) => new Uint8Array(b), n, 1);
  const section = take((b) => new Int32Array(b), n, 4);
  const titleLength = take((b) => new Uint16Array(b), n, 2);
  const length = take((b) => new Uint32Array(b), n, 4);
  const hash = take((b) => new Uint32Array(b), 2 * n, 4);
  const tokenCount = length.reduce((sum, l) => sum + l, 0);
  const tokens = take((b) => new Int32Array(b), tokenCount, 4);
  const surfaces = take((b) => new Int32Array(b), tokenCount, 4);
  if (at !== body.length) throw new SnapshotError('snapshot has trailing bytes');
  const store = new RankingStore();
  store.beginBulk();
  let p = 0;
  const batch: ChunkRecord[] = [];
  for (let i = 0; i < n; i++) {
    const [articleId, tags, dateTs, year] = header.articles[article[i]!]!;
    const stems: string[] = [];
    const words: string[] = [];
    let aligned = true;
    for (let k = 0; k < length[i]!; k++, p++) {
      stems.push(header.terms[tokens[p]!]!);
      if (surfaces[p]! < 0) aligned = false;
      else words.push(header.surfaces[surfaces[p]!]!);
    }
    batch.push({
      id: header.chunkIds[i]!,
      articleId,
      tags: tags.map((t) => header.tags[t]!),
      dateTs,
      year,
      sectionIndex: section[i]!,
      lead: lead[i] === 1,
      titleLength: titleLength[i]!,
      stems,
      surfaces: aligned ? words : null,
      hash: [hash[2 * i]!, hash[2 * i + 1]!],
    });
    if (batch.length >= 5000) store.apply(batch.splice(0), []);
  }
  store.apply(batch, []);
  store.endBulk();
  store.compact();
  return { index: wrap(store), position: header.position };
}
