import { createHash } from 'node:crypto';
import { detachString } from '../../core/text/detach.js';
import { indexWords } from '../../core/text/stem.js';
import { WordFilter } from '../../core/text/word-filter.js';

/**
 * The mutable storage behind the ranking index: chunks in reusable slots, postings per term in one
 * arena with slack, tokens in another, article facts in columns. Every change costs time in
 * proportion to the chunks it touches (and the postings of their terms), never to the archive:
 * document frequencies, lengths and averages are kept as running totals.
 *
 * Nothing here depends on the order chunks arrived in where scores are concerned: a term's posting
 * order is arbitrary, and the scorer (search.ts) only sums in orders that do not depend on it, so
 * an index changed in place scores exactly like a fresh build of the same chunks.
 */

/** The stored fields of a chunk the ranking index is built from (the engine document's). */
export interface RankingDocument {
  id: string;
  articleId: string;
  /** The indexer's stems (core/text/stem.ts searchFields): section title, then text, no stop words. */
  stems: string;
  sectionTitle: string;
  text: string;
  tags: string[] | null;
  dateTs: number | null;
  year: number | null;
  sectionIndex: number;
  passage: number;
}

/** A chunk reduced to what ranking needs (no text): also the snapshot's unit. */
export interface ChunkRecord {
  id: string;
  articleId: string;
  tags: readonly string[];
  dateTs: number | null;
  year: number | null;
  sectionIndex: number;
  lead: boolean;
  titleLength: number;
  /** Stems, and the word as written for each (null when the stems did not line up with the text). */
  stems: readonly string[];
  surfaces: readonly string[] | null;
  /** 64 bits of a digest of the source fields: an unchanged chunk written again is skipped. */
  hash: readonly [number, number];
}

export const NO_YEAR = -2147483648;

/**
 * Tokens live in segments of this size (a bigger one for a chunk that needs more). A segment is
 * never grown or copied whole: one flat arena grew by 1.5× copies during a build and was copied
 * again to compact it, and those copies were most of the build's peak memory (bench:scale).
 */
const TOKEN_SEGMENT_BYTES = 1 << 20;

/** A document as a record: the text is read once for its surface words, then dropped. */
export function toRecord(source: RankingDocument): ChunkRecord {
  const stems = source.stems ? source.stems.split(' ') : [];
  // The section title's words come first, then the text's (core/text/stem.ts searchFields).
  const titleWords = indexWords(source.sectionTitle ?? '');
  const surface = [...titleWords, ...indexWords(source.text ?? '')];
  // The surface words line up with the stems unless the stored stems came from other rules
  // (an older parser); then the chunk simply gets no exact-form bonus and no title weight.
  const aligned = surface.length === stems.length;
  const digest = createHash('sha1')
    .update(JSON.stringify([source.articleId, source.stems, source.sectionTitle, source.text, source.tags, source.dateTs, source.year, source.sectionIndex, source.passage]))
    .digest();
  return {
    hash: [digest.readUInt32LE(0), digest.readUInt32LE(4)],
    id: source.id,
    articleId: source.articleId,
    tags: source.tags ?? [],
    dateTs: source.dateTs ?? null,
    year: source.year ?? null,
    sectionIndex: source.sectionIndex,
    lead: source.sectionIndex === 0 && source.passage === 0,
    titleLength: aligned ? Math.min(0xffff, titleWords.length) : 0,
    stems,
    surfaces: aligned ? surface : null,
  };
}

const EMPTY_SEGMENT = new Uint8Array(0);

function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(array: T, needed: number, fill?: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, Math.ceil(array.length * 1.5), 16));
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  bytes[at++] = value;
  return at;
}

export class RankingStore {
  /** Smaller segments only in tests, to cross segment boundaries with small fixtures. */
  constructor(private readonly tokenSegmentBytes = TOKEN_SEGMENT_BYTES) {}

  // Terms: one table of strings; ids are never reused (dead terms have empty postings).
  readonly terms: string[] = [];
  readonly termIds = new Map<string, number>();
  /** Term ids in code-unit order of their strings, for prefix ranges; new terms wait in `unsorted`. */
  private sortedTermIds = new Int32Array(0);
  private unsorted: number[] = [];
  // Postings of term t: arena[postStart[t] .. postStart[t] + postLength[t]), room for postCapacity[t].
  postStart = new Uint32Array(0);
  postLength = new Uint32Array(0);
  postCapacity = new Uint32Array(0);
  articleDf = new Uint32Array(0);
  postChunk = new Int32Array(0);
  postTf = new Uint16Array(0);
  postTitleTf = new Uint8Array(0);
  private postUsed = 0;
  private postGarbage = 0;

  // Surface words (as written): their stem, and how many live tokens carry them.
  readonly surfaceIds = new Map<string, number>();
  readonly surfaceWords: string[] = [];
  surfaceStem = new Int32Array(0);
  surfaceCount = new Uint32Array(0);
  /** Every surface word ever added (live or not): typo look-ups skip variants it rules out. */
  readonly surfaceFilter = new WordFilter(() => this.surfaceWords);

  // Chunks in slots; free slots are reused.
  readonly chunkIds: (string | undefined)[] = [];
  readonly slotOf = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  chunkArticle = new Int32Array(0);
  chunkLead = new Uint8Array(0);
  chunkSection = new Int32Array(0);
  chunkTitleLength = new Uint16Array(0);
  /** The token segment holding the chunk's encoded tokens, where they start, their byte count, and the token count. */
  chunkTokenSegment = new Uint32Array(0);
  chunkTokenStart = new Uint32Array(0);
  chunkByteLength = new Uint32Array(0);
  chunkTokenLength = new Uint32Array(0);
  /** Next chunk of the same article (-1: last). */
  chunkNext = new Int32Array(0);
  /** Two words of each chunk's source digest. */
  chunkHash = new Uint32Array(0);
  /**
   * While a whole index is loaded into an empty store: postings are not kept per chunk but made
   * at the end in two passes over the tokens, at their exact sizes (no doubling, no moved lists):
   * the build's peak memory (bench:scale).
   */
  private bulk = false;
  /** While a sweep runs: which slots (below `sweepLength`) were written during it. */
  private sweepMarks: Uint8Array | undefined;
  /**
   * Each chunk's tokens as varints, term id then surface id + 1 (0: none), in text order. Read
   * only for the best chunks of a query (exact forms, phrases), feedback and changes, so the
   * decoding costs little; the bytes are ~5 per token instead of 8 (measured: bench:scale).
   */
  private readonly tokenSegments: Uint8Array[] = [];
  /** Bytes written into each segment, and how many of them belong to removed chunks. */
  private readonly segmentUsed: number[] = [];
  private readonly segmentGarbage: number[] = [];
  private readonly freeSegments: number[] = [];
  /** The segment new chunks are written to. */
  private tailSegment = -1;
  private tokenUsed = 0;
  private tokenGarbage = 0;
  /** The last decode()'s output (valid until the next call). */
  decodedTerms = new Int32Array(256);
  decodedSurfaces = new Int32Array(256);

  // Articles in slots.
  readonly articleIds: (string | undefined)[] = [];
  readonly articleNumber = new Map<string, number>();
  private readonly freeArticles: number[] = [];
  readonly articleTags: (readonly number[])[] = [];
  readonly tagNames: string[] = [];
  private readonly tagIds = new Map<string, number>();
  private tagRanks = new Int32Array(0);
  articleDate = new Float64Array(0);
  articleYear = new Int32Array(0);
  articleFirst = new Int32Array(0);
  articleLength = new Float64Array(0);

  chunkCount = 0;
  articleCount = 0;
  totalTokens = 0;
  /** Bumped by every chunk added or removed: what the scorer's caches of derived facts check. */
  generation = 0;

  get slotCapacity(): number {
    return this.chunkIds.length;
  }

  get articleCapacity(): number {
    return this.articleIds.length;
  }

  get averageChunkLength(): number {
    return Math.max(1, this.totalTokens / Math.max(1, this.chunkCount));
  }

  get averageArticleLength(): number {
    return Math.max(1, this.totalTokens / Math.max(1, this.articleCount));
  }

  chunkLength(c: number): number {
    return this.chunkTokenLength[c]!;
  }

  postingLength(t: number): number {
    return this.postLength[t]!;
  }

  /** A live term's id (one that occurs in some chunk now). */
  liveTerm(stem: string): number | undefined {
    const id = this.termIds.get(stem);
    return id !== undefined && this.postLength[id]! > 0 ? id : undefined;
  }

  /** A surface word's stem id when some live chunk has it (else -1). */
  liveSurface(word: string): number {
    const id = this.surfaceIds.get(word);
    return id !== undefined && this.surfaceCount[id]! > 0 ? id : -1;
  }

  /** Live term ids starting with `prefix`, in code-unit order of the terms (at most `limit`). */
  termsWithPrefix(prefix: string, limit = Infinity): number[] {
    this.sortNewTerms();
    const from = this.lowerBound(prefix);
    const to = this.lowerBound(`${prefix}\uffff`);
    const out: number[] = [];
    for (let i = from; i < to && out.length < limit; i++) {
      const t = this.sortedTermIds[i]!;
      if (this.postLength[t]! > 0) out.push(t);
    }
    return out;
  }

  /**
   * Apply one change set: `remove` and replaced ids go first, then `upsert`. Articles touched get
   * their per-article document frequencies recounted from their own chunks (a few dozen at most).
   */
  apply(upsert: readonly ChunkRecord[], remove: readonly string[]): void {
    if (this.bulk) {
      for (const id of remove) this.removeChunk(id);
      for (const record of upsert) this.load(record);
      return;
    }
    const touched = new Set<string>();
    for (const id of remove) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) touched.add(this.articleIds[this.chunkArticle[slot]!]!);
    }
    const last = new Map<string, ChunkRecord>();
    for (const record of upsert) {
      const existing = this.slotOf.get(record.id);
      if (existing !== undefined && this.sweepMarks && existing < this.sweepMarks.length) this.sweepMarks[existing] = 1;
      if (existing !== undefined && this.chunkHash[2 * existing] === record.hash[0] && this.chunkHash[2 * existing + 1] === record.hash[1] && !remove.includes(record.id)) {
        last.delete(record.id); // unchanged (an earlier version in this set, if any, is dropped too)
        continue;
      }
      last.set(record.id, record); // the last version of an id in one change set wins
      touched.add(record.articleId);
      const slot = this.slotOf.get(record.id);
      if (slot !== undefined) touched.add(this.articleIds[this.chunkArticle[slot]!]!);
    }
    const before = new Map<string, Set<number>>();
    for (const article of touched) before.set(article, this.articleTerms(this.articleNumber.get(article)));
    for (const id of remove) this.removeChunk(id);
    for (const record of last.values()) {
      this.removeChunk(record.id);
      this.addChunk(record);
    }
    for (const [article, old] of before) {
      const now = this.articleTerms(this.articleNumber.get(article));
      for (const t of old) if (!now.has(t)) this.articleDf[t]!--;
      for (const t of now) if (!old.has(t)) this.articleDf[t]!++;
    }
    this.compactIfWasteful();
  }

  /** Every live chunk as a record, in slot order (tests compare a store's contents with it). */
  *records(): Generator<ChunkRecord> {
    for (let c = 0; c < this.chunkIds.length; c++) {
      const id = this.chunkIds[c];
      if (id === undefined) continue;
      const a = this.chunkArticle[c]!;
      const length = this.decode(c);
      const stems: string[] = [];
      const surfaces: string[] = [];
      let aligned = true;
      for (let p = 0; p < length; p++) {
        stems.push(this.terms[this.decodedTerms[p]!]!);
        const s = this.decodedSurfaces[p]!;
        if (s < 0) aligned = false;
        else surfaces.push(this.surfaceWords[s]!);
      }
      const year = this.articleYear[a]!;
      const date = this.articleDate[a]!;
      yield {
        id,
        articleId: this.articleIds[a]!,
        tags: this.articleTags[a]!.map((t) => this.tagNames[t]!),
        dateTs: Number.isNaN(date) ? null : date,
        year: year === NO_YEAR ? null : year,
        sectionIndex: this.chunkSection[c]!,
        lead: this.chunkLead[c] === 1,
        titleLength: this.chunkTitleLength[c]!,
        stems,
        surfaces: aligned ? surfaces : null,
        hash: [this.chunkHash[2 * c]!, this.chunkHash[2 * c + 1]!],
      };
    }
  }

  /** Starts a bulk load (only into an empty store; nothing may be searched until endBulk). */
  beginBulk(): void {
    if (this.chunkCount === 0) this.bulk = true;
  }

  get loadingInBulk(): boolean {
    return this.bulk;
  }

  /**
   * One chunk into a bulk load: its tokens only (postings and per-article document frequencies
   * are made at endBulk). Fed one record at a time, a record is garbage before the next young-GC;
   * a page of 2,000 records built first outlived it and piled up in the old space (the build's
   * peak RSS was 2.4× settled: bench:scale).
   */
  load(record: ChunkRecord): void {
    if (!this.bulk) return this.apply([record], []);
    const existing = this.slotOf.get(record.id);
    if (existing !== undefined) {
      if (this.chunkHash[2 * existing] === record.hash[0] && this.chunkHash[2 * existing + 1] === record.hash[1]) return;
      this.removeChunk(record.id);
    }
    this.addChunk(record);
  }

  endBulk(): void {
    if (!this.bulk) return;
    this.bulk = false;
    const termCount = this.terms.length;
    const df = new Uint32Array(termCount);
    const last = new Int32Array(termCount).fill(-1);
    for (let c = 0; c < this.chunkIds.length; c++) {
      if (this.chunkIds[c] === undefined) continue;
      const length = this.decode(c);
      for (let p = 0; p < length; p++) {
        const t = this.decodedTerms[p]!;
        if (last[t] !== c) {
          last[t] = c;
          df[t]!++;
        }
      }
    }
    let used = 0;
    for (let t = 0; t < termCount; t++) {
      this.postStart[t] = used;
      this.postLength[t] = 0;
      this.postCapacity[t] = df[t]! + (df[t]! >> 3);
      used += this.postCapacity[t]!;
    }
    const room = used + Math.max(used >> 4, 1 << 16);
    this.postChunk = new Int32Array(room);
    this.postTf = new Uint16Array(room);
    this.postTitleTf = new Uint8Array(room);
    this.postUsed = used;
    this.postGarbage = 0;
    this.countArticleDf(last);
    // Second pass: each chunk's distinct terms with their counts, appended in place.
    last.fill(-1);
    for (let c = 0; c < this.chunkIds.length; c++) {
      if (this.chunkIds[c] === undefined) continue;
      const length = this.decode(c);
      const titleLength = this.chunkTitleLength[c]!;
      for (let p = 0; p < length; p++) {
        const t = this.decodedTerms[p]!;
        if (last[t] !== c) {
          last[t] = c;
          const at = this.postStart[t]! + this.postLength[t]!++;
          this.postChunk[at] = c;
          this.postTf[at] = 0;
          this.postTitleTf[at] = 0;
        }
        const at = this.postStart[t]! + this.postLength[t]! - 1;
        if (this.postTf[at]! < 0xffff) this.postTf[at]!++;
        if (p < titleLength && this.postTitleTf[at]! < 0xff) this.postTitleTf[at]!++;
      }
    }
  }

  /** Per term, the number of articles with it, from scratch (`seen`: scratch room, one per term). */
  private countArticleDf(seen: Int32Array): void {
    seen.fill(-1);
    this.articleDf.fill(0);
    for (let a = 0; a < this.articleIds.length; a++) {
      if (this.articleIds[a] === undefined) continue;
      for (let c = this.articleFirst[a]!; c >= 0; c = this.chunkNext[c]!) {
        const length = this.decode(c);
        for (let p = 0; p < length; p++) {
          const t = this.decodedTerms[p]!;
          if (seen[t] !== a) {
            seen[t] = a;
            this.articleDf[t]!++;
          }
        }
      }
    }
  }

  /**
   * A sweep: every chunk written from now on is marked; `endSweep` removes the chunks that were
   * there before and were not written again. A whole index re-read this way (after an index swap)
   * changes the index in place: unchanged chunks cost a digest, memory stays about the same.
   */
  beginSweep(): void {
    this.sweepMarks = new Uint8Array(this.chunkIds.length);
  }

  cancelSweep(): void {
    this.sweepMarks = undefined;
  }

  endSweep(): number {
    const marks = this.sweepMarks;
    this.sweepMarks = undefined;
    if (!marks) return 0;
    const gone: string[] = [];
    for (let c = 0; c < marks.length; c++) if (marks[c] === 0 && this.chunkIds[c] !== undefined) gone.push(this.chunkIds[c]!);
    for (let i = 0; i < gone.length; i += 5000) this.apply([], gone.slice(i, i + 5000));
    return gone.length;
  }

  /** Bytes held by the typed arrays (strings and maps come on top): every column, none listed by hand. */
  get byteSize(): number {
    const columns = Object.values(this).filter((value): value is ArrayBufferView => ArrayBuffer.isView(value));
    return columns.reduce((sum, column) => sum + column.byteLength, this.tokenBytes);
  }

  /** Bytes held by the token segments. */
  get tokenBytes(): number {
    return this.tokenSegments.reduce((sum, segment) => sum + segment.byteLength, 0);
  }

  /** Decodes chunk c's tokens into decodedTerms / decodedSurfaces (-1: none); returns their count. */
  decode(c: number): number {
    const length = this.chunkTokenLength[c]!;
    if (this.decodedTerms.length < length) {
      this.decodedTerms = new Int32Array(length * 2);
      this.decodedSurfaces = new Int32Array(length * 2);
    }
    const bytes = this.tokenSegments[this.chunkTokenSegment[c]!]!;
    const terms = this.decodedTerms;
    const surfaces = this.decodedSurfaces;
    let at = this.chunkTokenStart[c]!;
    for (let i = 0; i < length; i++) {
      let value = 0;
      let shift = 0;
      let byte: number;
      do {
        byte = bytes[at++]!;
        // Shifts while the value fits 31 bits (every id in practice): `2 ** shift` made decoding ~14× slower.
        value += shift < 28 ? (byte & 0x7f) << shift : (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      terms[i] = value;
      value = 0;
      shift = 0;
      do {
        byte = bytes[at++]!;
        value += shift < 28 ? (byte & 0x7f) << shift : (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      surfaces[i] = value - 1;
    }
    return length;
  }

  *articleChunks(a: number): Generator<number> {
    for (let c = this.articleFirst[a]!; c >= 0; c = this.chunkNext[c]!) yield c;
  }

  private articleTerms(a: number | undefined): Set<number> {
    const terms = new Set<number>();
    if (a === undefined) return terms;
    for (const c of this.articleChunks(a)) {
      const length = this.decode(c);
      for (let p = 0; p < length; p++) terms.add(this.decodedTerms[p]!);
    }
    return terms;
  }

  private addChunk(record: ChunkRecord): void {
    this.generation++;
    const a = this.articleSlot(record);
    const c = this.freeSlots.pop() ?? this.newSlot();
    this.chunkIds[c] = record.id;
    this.slotOf.set(record.id, c);
    this.chunkArticle[c] = a;
    this.chunkLead[c] = record.lead ? 1 : 0;
    this.chunkSection[c] = record.sectionIndex;
    this.chunkTitleLength[c] = record.surfaces ? record.titleLength : 0;
    this.chunkHash[2 * c] = record.hash[0];
    this.chunkHash[2 * c + 1] = record.hash[1];
    if (this.sweepMarks && c < this.sweepMarks.length) this.sweepMarks[c] = 1;
    this.chunkNext[c] = this.articleFirst[a]!;
    this.articleFirst[a] = c;
    const length = record.stems.length;
    // At most 5 bytes per varint, two per token.
    const segment = this.segmentWithRoom(length * 10);
    const bytes = this.tokenSegments[segment]!;
    const start = this.segmentUsed[segment]!;
    let at = start;
    this.chunkTokenSegment[c] = segment;
    this.chunkTokenStart[c] = start;
    this.chunkTokenLength[c] = length;
    const titleLength = this.chunkTitleLength[c]!;
    // Per distinct term: tf and title tf, kept in a small map (a chunk has ~100 distinct terms).
    const counts = new Map<number, number>();
    for (let i = 0; i < length; i++) {
      const t = this.termId(record.stems[i]!);
      const word = record.surfaces?.[i];
      const s = word === undefined ? -1 : this.surfaceId(word);
      at = writeVarint(bytes, at, t);
      at = writeVarint(bytes, at, s + 1);
      if (s >= 0) {
        if (this.surfaceCount[s]!++ === 0) this.surfaceStem[s] = t;
      }
      const packed = counts.get(t) ?? 0;
      const tf = Math.min(0xffff, (packed & 0xffff) + 1);
      const titleTf = Math.min(0xff, (packed >>> 16) + (i < titleLength ? 1 : 0));
      counts.set(t, tf | (titleTf << 16));
    }
    this.chunkByteLength[c] = at - start;
    this.segmentUsed[segment] = at;
    this.tokenUsed += at - start;
    if (!this.bulk) for (const [t, packed] of counts) this.addPosting(t, c, packed & 0xffff, packed >>> 16);
    this.articleLength[a]! += length;
    this.totalTokens += length;
    this.chunkCount++;
  }

  private removeChunk(id: string): void {
    const c = this.slotOf.get(id);
    if (c === undefined) return;
    this.generation++;
    const a = this.chunkArticle[c]!;
    const length = this.decode(c);
    const seen = new Set<number>();
    for (let p = 0; p < length; p++) {
      const t = this.decodedTerms[p]!;
      if (!seen.has(t)) {
        seen.add(t);
        if (!this.bulk) this.removePosting(t, c);
      }
      const s = this.decodedSurfaces[p]!;
      if (s >= 0 && --this.surfaceCount[s]! === 0) this.surfaceStem[s] = -1;
    }
    this.tokenGarbage += this.chunkByteLength[c]!;
    this.segmentGarbage[this.chunkTokenSegment[c]!]! += this.chunkByteLength[c]!;
    // Unlink from the article's list (a few chunks long).
    if (this.articleFirst[a] === c) this.articleFirst[a] = this.chunkNext[c]!;
    else for (let p = this.articleFirst[a]!; p >= 0; p = this.chunkNext[p]!) if (this.chunkNext[p] === c) { this.chunkNext[p] = this.chunkNext[c]!; break; }
    this.articleLength[a]! -= length;
    this.totalTokens -= length;
    this.chunkCount--;
    this.chunkIds[c] = undefined;
    this.slotOf.delete(id);
    this.chunkTokenLength[c] = 0;
    this.chunkByteLength[c] = 0;
    this.freeSlots.push(c);
    if (this.articleFirst[a]! < 0) this.freeArticle(a);
  }

  private articleSlot(record: ChunkRecord): number {
    let a = this.articleNumber.get(record.articleId);
    if (a === undefined) {
      a = this.freeArticles.pop();
      if (a === undefined) {
        a = this.articleIds.length;
        this.articleIds.push(undefined);
        this.articleTags.push([]);
        const n = this.articleIds.length;
        this.articleDate = grow(this.articleDate, n);
        this.articleYear = grow(this.articleYear, n);
        this.articleFirst = grow(this.articleFirst, n, -1);
        this.articleLength = grow(this.articleLength, n);
      }
      this.articleIds[a] = record.articleId;
      this.articleNumber.set(record.articleId, a);
      this.articleFirst[a] = -1;
      this.articleLength[a] = 0;
      this.articleCount++;
    }
    // Article facts travel with every chunk of it; the latest written chunk's are the article's.
    this.articleTags[a] = [...new Set(record.tags)].map((tag) => this.tagId(tag));
    this.articleDate[a] = record.dateTs ?? NaN;
    this.articleYear[a] = record.year ?? NO_YEAR;
    return a;
  }

  private freeArticle(a: number): void {
    this.articleNumber.delete(this.articleIds[a]!);
    this.articleIds[a] = undefined;
    this.articleTags[a] = [];
    this.freeArticles.push(a);
    this.articleCount--;
  }

  private newSlot(): number {
    const c = this.chunkIds.length;
    this.chunkIds.push(undefined);
    const n = this.chunkIds.length;
    this.chunkArticle = grow(this.chunkArticle, n);
    this.chunkLead = grow(this.chunkLead, n);
    this.chunkSection = grow(this.chunkSection, n);
    this.chunkTitleLength = grow(this.chunkTitleLength, n);
    this.chunkTokenSegment = grow(this.chunkTokenSegment, n);
    this.chunkTokenStart = grow(this.chunkTokenStart, n);
    this.chunkByteLength = grow(this.chunkByteLength, n);
    this.chunkTokenLength = grow(this.chunkTokenLength, n);
    this.chunkNext = grow(this.chunkNext, n);
    this.chunkHash = grow(this.chunkHash, 2 * n);
    return c;
  }

  /** A tag's number, -1 when no article was ever written with it. */
  knownTag(tag: string): number {
    return this.tagIds.get(tag) ?? -1;
  }

  /**
   * Each tag id's place among the tag names in code-unit order (facets are listed in that order):
   * a common word's search has ~1,500 tags, and sorting them by these numbers instead of by name
   * took facet counting from 298 to 262 µs per single-word query (issue 28, in process). Recomputed
   * when tags were added (names are never removed).
   */
  tagNameRanks(): Int32Array {
    if (this.tagRanks.length !== this.tagNames.length) {
      const names = this.tagNames;
      const byName = names.map((_, id) => id).sort((x, y) => (names[x]! < names[y]! ? -1 : names[x]! > names[y]! ? 1 : 0));
      this.tagRanks = new Int32Array(names.length);
      byName.forEach((id, rank) => (this.tagRanks[id] = rank));
    }
    return this.tagRanks;
  }

  private tagId(tag: string): number {
    let id = this.tagIds.get(tag);
    if (id === undefined) this.tagIds.set(tag, (id = this.tagNames.push(tag) - 1));
    return id;
  }

  private termId(stem: string): number {
    let id = this.termIds.get(stem);
    if (id !== undefined) return id;
    id = this.terms.length;
    const term = detachString(stem); // not a slice of this chunk's `stems` field
    this.terms.push(term);
    this.termIds.set(term, id);
    const n = this.terms.length;
    this.postStart = grow(this.postStart, n);
    this.postLength = grow(this.postLength, n);
    this.postCapacity = grow(this.postCapacity, n);
    this.articleDf = grow(this.articleDf, n);
    this.unsorted.push(id);
    return id;
  }

  private surfaceId(word: string): number {
    let id = this.surfaceIds.get(word);
    if (id !== undefined) return id;
    // Surface words come from indexWords(), whose memo already holds them as copies, not as
    // slices of this chunk's text (core/text/detach.ts); copying again would double long words.
    id = this.surfaceWords.push(word) - 1;
    this.surfaceIds.set(word, id);
    this.surfaceFilter.add(word);
    this.surfaceStem = grow(this.surfaceStem, id + 1, -1);
    this.surfaceCount = grow(this.surfaceCount, id + 1);
    this.surfaceStem[id] = -1;
    return id;
  }

  private addPosting(t: number, c: number, tf: number, titleTf: number): void {
    let length = this.postLength[t]!;
    if (length === this.postCapacity[t]!) {
      // Move the list to the end of the arena with room to grow (the old room becomes garbage).
      const capacity = Math.max(2, length * 2);
      this.reservePostings(capacity);
      const from = this.postStart[t]!;
      const to = this.postUsed;
      this.postChunk.copyWithin(to, from, from + length);
      this.postTf.copyWithin(to, from, from + length);
      this.postTitleTf.copyWithin(to, from, from + length);
      this.postGarbage += this.postCapacity[t]!;
      this.postStart[t] = to;
      this.postCapacity[t] = capacity;
      this.postUsed += capacity;
    }
    const at = this.postStart[t]! + length;
    this.postChunk[at] = c;
    this.postTf[at] = tf;
    this.postTitleTf[at] = titleTf;
    this.postLength[t] = ++length;
  }

  private removePosting(t: number, c: number): void {
    const from = this.postStart[t]!;
    const last = from + this.postLength[t]! - 1;
    for (let i = from; i <= last; i++) {
      if (this.postChunk[i] !== c) continue;
      this.postChunk[i] = this.postChunk[last]!;
      this.postTf[i] = this.postTf[last]!;
      this.postTitleTf[i] = this.postTitleTf[last]!;
      this.postLength[t]!--;
      return;
    }
  }

  private reservePostings(extra: number): void {
    if (this.postUsed + extra <= this.postChunk.length) return;
    if (this.postGarbage > this.postUsed / 2) this.compactPostings();
    const needed = this.postUsed + extra;
    this.postChunk = grow(this.postChunk, needed);
    this.postTf = grow(this.postTf, needed);
    this.postTitleTf = grow(this.postTitleTf, needed);
  }

  /** A segment with `extra` free bytes at its end: the tail, or a new one that becomes the tail. */
  private segmentWithRoom(extra: number): number {
    const tail = this.tailSegment;
    if (tail >= 0 && this.segmentUsed[tail]! + extra <= this.tokenSegments[tail]!.length) return tail;
    const bytes = new Uint8Array(Math.max(this.tokenSegmentBytes, extra));
    const segment = this.freeSegments.pop() ?? this.tokenSegments.length;
    this.tokenSegments[segment] = bytes;
    this.segmentUsed[segment] = 0;
    this.segmentGarbage[segment] = 0;
    this.tailSegment = segment;
    return segment;
  }

  /** After a bulk load: every arena down to its live size plus a little slack. */
  compact(): void {
    if (this.postGarbage > 0 || this.postUsed + (this.postUsed >> 2) + (1 << 16) < this.postChunk.length) this.compactPostings();
    if (this.tokenGarbage > 0) this.compactTokens();
  }

  /** Reclaims the room of moved posting lists and removed chunks' tokens once it is half the arena. */
  private compactIfWasteful(): void {
    if (this.postGarbage > 1024 && this.postGarbage > this.postUsed / 2) this.compactPostings();
    if (this.tokenGarbage > 1024 && this.tokenGarbage > this.tokenUsed / 2) this.compactTokens();
  }

  private compactPostings(): void {
    if (this.bulk) return;
    let used = 0;
    for (let t = 0; t < this.terms.length; t++) used += this.postLength[t]! + (this.postLength[t]! >> 3);
    // Room at the end, so that the changes after a build move lists there instead of copying the
    // whole arena to grow it (the first article after a build took 1–2 s at 2×–5× without it).
    const room = used + Math.max(used >> 4, 1 << 16);
    const chunk = new Int32Array(room);
    const tf = new Uint16Array(room);
    const title = new Uint8Array(room);
    let at = 0;
    for (let t = 0; t < this.terms.length; t++) {
      const length = this.postLength[t]!;
      const from = this.postStart[t]!;
      chunk.set(this.postChunk.subarray(from, from + length), at);
      tf.set(this.postTf.subarray(from, from + length), at);
      title.set(this.postTitleTf.subarray(from, from + length), at);
      this.postStart[t] = at;
      this.postCapacity[t] = length + (length >> 3);
      at += this.postCapacity[t]!;
    }
    this.postChunk = chunk;
    this.postTf = tf;
    this.postTitleTf = title;
    this.postUsed = at;
    this.postGarbage = 0;
  }

  /**
   * Moves the live chunks out of every segment holding garbage into the tail, one segment at a
   * time, and frees each emptied segment: the extra memory is one segment, not a second arena.
   */
  private compactTokens(): void {
    const segmentCount = this.tokenSegments.length;
    // Chunks grouped by segment (a counting sort over the slots).
    const first = new Int32Array(segmentCount + 1);
    for (let c = 0; c < this.chunkIds.length; c++) if (this.chunkIds[c] !== undefined) first[this.chunkTokenSegment[c]! + 1]!++;
    for (let g = 0; g < segmentCount; g++) first[g + 1]! += first[g]!;
    const next = first.slice();
    const bySegment = new Int32Array(first[segmentCount]!);
    for (let c = 0; c < this.chunkIds.length; c++) if (this.chunkIds[c] !== undefined) bySegment[next[this.chunkTokenSegment[c]!]!++] = c;
    const wasteful = [];
    for (let g = 0; g < segmentCount; g++) if (this.segmentGarbage[g]! > 0 && this.tokenSegments[g]!.length > 0) wasteful.push(g);
    // Moving into a tail that is itself being emptied would lose the moved bytes: start a new tail.
    if (wasteful.includes(this.tailSegment)) this.tailSegment = -1;
    for (const g of wasteful) {
      const from = this.tokenSegments[g]!;
      for (let i = first[g]!; i < first[g + 1]!; i++) {
        const c = bySegment[i]!;
        const length = this.chunkByteLength[c]!;
        const target = this.segmentWithRoom(length);
        const start = this.segmentUsed[target]!;
        this.tokenSegments[target]!.set(from.subarray(this.chunkTokenStart[c]!, this.chunkTokenStart[c]! + length), start);
        this.chunkTokenSegment[c] = target;
        this.chunkTokenStart[c] = start;
        this.segmentUsed[target] = start + length;
      }
      this.tokenUsed -= this.segmentGarbage[g]!;
      this.tokenGarbage -= this.segmentGarbage[g]!;
      this.tokenSegments[g] = EMPTY_SEGMENT;
      this.segmentUsed[g] = 0;
      this.segmentGarbage[g] = 0;
      this.freeSegments.push(g);
    }
  }

  /**
   * New terms join the code-unit order at the first prefix query after them: one merge for a
   * whole build or change set (inserting each on arrival cost minutes at 100k terms).
   */
  private sortNewTerms(): void {
    if (this.unsorted.length === 0) return;
    const terms = this.terms;
    const added = this.unsorted.sort((a, b) => (terms[a]! < terms[b]! ? -1 : 1));
    this.unsorted = [];
    const old = this.sortedTermIds;
    const merged = new Int32Array(old.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < added.length) merged[k++] = terms[old[i]!]! < terms[added[j]!]! ? old[i++]! : added[j++]!;
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < added.length) merged[k++] = added[j++]!;
    this.sortedTermIds = merged;
  }

  private lowerBound(value: string): number {
    let lo = 0;
    let hi = this.sortedTermIds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.terms[this.sortedTermIds[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
