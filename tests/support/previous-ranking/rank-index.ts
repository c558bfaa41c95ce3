/** The ranking index as it was before server/ranking/ (whole builds only), kept as the reference that the module scores alike (tests/unit/ranking-module.test.ts). */
import { indexWords } from '../../../core/text/stem.js';

/**
 * The ranking index: a compact in-memory inverted index of every chunk's stems, held by each proxy
 * and built from the engine's own documents (search-only key). It lets the API score the whole
 * index with BM25 at chunk and article level in a few milliseconds, instead of re-ranking the
 * few hundred candidates the engine can afford to send per query. It stores term ids and counts
 * only (typed arrays), never text: the text shown to readers is always fetched from the engine.
 * Filters, sorting, typo tolerance and empty queries stay the engine's (execute.ts decides).
 */

/** The stored fields of a chunk the ranking index is built from. */
export interface RankSource {
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

/** Rows of an index under construction; `build()` turns them into typed arrays. */
export class RankIndexBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  private readonly surfaceIds = new Map<string, number>();
  private readonly chunkIds: string[] = [];
  private readonly chunkArticle: number[] = [];
  private readonly chunkLead: number[] = [];
  private readonly chunkSection: number[] = [];
  private readonly chunkTitleLength: number[] = [];
  private readonly chunkStart: number[] = [0];
  private readonly tokens: number[] = [];
  private readonly surface: number[] = [];
  private readonly articleIndex = new Map<string, number>();
  private readonly articles: ArticleFacts[] = [];

  add(source: RankSource): void {
    let article = this.articleIndex.get(source.articleId);
    if (article === undefined) {
      article = this.articles.length;
      this.articleIndex.set(source.articleId, article);
      this.articles.push({ id: source.articleId, tags: source.tags ?? [], dateTs: source.dateTs, year: source.year });
    }
    this.chunkIds.push(source.id);
    this.chunkArticle.push(article);
    this.chunkLead.push(source.sectionIndex === 0 && source.passage === 0 ? 1 : 0);
    this.chunkSection.push(source.sectionIndex);
    const stems = source.stems ? source.stems.split(' ') : [];
    // The section title's words come first, then the text's (core/text/stem.ts searchFields).
    const titleWords = indexWords(source.sectionTitle ?? '');
    const surface = [...titleWords, ...indexWords(source.text ?? '')];
    // The surface words line up with the stems unless the stored stems came from other rules
    // (an older parser); then the chunk simply gets no exact-form bonus and no title weight.
    const aligned = surface.length === stems.length;
    this.chunkTitleLength.push(aligned ? Math.min(0xffff, titleWords.length) : 0);
    stems.forEach((stem, i) => {
      this.tokens.push(this.stemId(stem));
      this.surface.push(aligned ? this.surfaceId(surface[i]!) : -1);
    });
    this.chunkStart.push(this.tokens.length);
  }

  get size(): number {
    return this.chunkIds.length;
  }

  build(): RankIndex {
    return new RankIndex({
      terms: this.terms,
      termIds: this.termIds,
      surfaceIds: this.surfaceIds,
      chunkIds: this.chunkIds,
      chunkArticle: Int32Array.from(this.chunkArticle),
      chunkLead: Uint8Array.from(this.chunkLead),
      chunkSection: Int32Array.from(this.chunkSection),
      chunkTitleLength: Uint16Array.from(this.chunkTitleLength),
      chunkStart: Uint32Array.from(this.chunkStart),
      tokens: Int32Array.from(this.tokens),
      surface: Int32Array.from(this.surface),
      articles: this.articles,
      articleNumber: this.articleIndex,
    });
  }

  private stemId(stem: string): number {
    let id = this.termIds.get(stem);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(stem);
      this.termIds.set(stem, id);
    }
    return id;
  }

  private surfaceId(word: string): number {
    let id = this.surfaceIds.get(word);
    if (id === undefined) this.surfaceIds.set(word, (id = this.surfaceIds.size));
    return id;
  }
}

export interface ArticleFacts {
  id: string;
  tags: string[];
  dateTs: number | null;
  year: number | null;
}

interface RankIndexParts {
  terms: string[];
  termIds: Map<string, number>;
  surfaceIds: Map<string, number>;
  chunkIds: string[];
  chunkArticle: Int32Array;
  /** 1 for an article's lead passage (first section, first passage). */
  chunkLead: Uint8Array;
  /** The chunk's section number in its article. */
  chunkSection: Int32Array;
  /** How many of the chunk's first tokens are its section title. */
  chunkTitleLength: Uint16Array;
  chunkStart: Uint32Array;
  tokens: Int32Array;
  surface: Int32Array;
  articles: ArticleFacts[];
  /** Article id → its number in `articles`. */
  articleNumber: Map<string, number>;
}

/** Posting lists: for term t, chunks `postChunk[postStart[t]..postStart[t+1])` with their counts. */
interface Postings {
  postStart: Uint32Array;
  postChunk: Int32Array;
  postTf: Uint16Array;
  /** Of those, occurrences in the section title. */
  postTitleTf: Uint8Array;
  /** Number of articles containing each term. */
  articleDf: Uint32Array;
}

// The parts the builder made are the index's own fields (declaration merging with the class).
export interface RankIndex extends Readonly<RankIndexParts> {}

export class RankIndex {
  readonly postings: Postings;
  /** Terms in code-unit order with their ids, for prefix ranges. */
  readonly sortedTerms: string[];
  readonly sortedTermIds: Int32Array;
  readonly articleLength: Float64Array;
  /** Chunks of article a: `articleChunkList[articleChunkStart[a]..articleChunkStart[a+1])`. */
  readonly articleChunkStart: Uint32Array;
  readonly articleChunkList: Int32Array;
  readonly averageChunkLength: number;
  readonly averageArticleLength: number;
  /** Each surface word's stem id (-1 when never seen aligned with a stem). */
  readonly surfaceStem: Int32Array;
  /** Distinct tags, and each article's tags as numbers into it (`articleTagList[articleTagStart[a]..]`). */
  readonly tagNames: string[];
  readonly articleTagStart: Uint32Array;
  readonly articleTagList: Int32Array;

  constructor(parts: RankIndexParts) {
    Object.assign(this, parts);
    this.postings = buildPostings(parts.terms.length, parts.chunkStart, parts.tokens, parts.chunkArticle, parts.chunkTitleLength);
    const order = parts.terms.map((_, i) => i).sort((a, b) => (parts.terms[a]! < parts.terms[b]! ? -1 : 1));
    this.sortedTerms = order.map((i) => parts.terms[i]!);
    this.sortedTermIds = Int32Array.from(order);
    this.articleLength = new Float64Array(parts.articles.length);
    for (let c = 0; c < this.chunkCount; c++) this.articleLength[parts.chunkArticle[c]!]! += this.chunkLength(c);
    [this.articleChunkStart, this.articleChunkList] = groupChunksByArticle(parts.chunkArticle, parts.articles.length);
    [this.tagNames, this.articleTagStart, this.articleTagList] = numberTags(parts.articles);
    this.surfaceStem = new Int32Array(parts.surfaceIds.size).fill(-1);
    parts.surface.forEach((s, p) => {
      if (s >= 0) this.surfaceStem[s] = parts.tokens[p]!;
    });
    this.averageChunkLength = Math.max(1, parts.tokens.length / Math.max(1, this.chunkCount));
    this.averageArticleLength = Math.max(1, parts.tokens.length / Math.max(1, parts.articles.length));
  }

  get chunkCount(): number {
    return this.chunkIds.length;
  }

  chunkLength(chunk: number): number {
    return this.chunkStart[chunk + 1]! - this.chunkStart[chunk]!;
  }

  /** Ids of the terms starting with `prefix` (code-unit order makes them one range). */
  termsWithPrefix(prefix: string): Int32Array {
    const from = lowerBound(this.sortedTerms, prefix);
    const to = lowerBound(this.sortedTerms, `${prefix}\uffff`);
    return this.sortedTermIds.subarray(from, to);
  }

  articleChunks(article: number): Int32Array {
    return this.articleChunkList.subarray(this.articleChunkStart[article]!, this.articleChunkStart[article + 1]!);
  }

  /** Chunks containing the term, and how often. */
  posting(term: number): { chunks: Int32Array; tfs: Uint16Array; titleTfs: Uint8Array } {
    const { postStart, postChunk, postTf, postTitleTf } = this.postings;
    const from = postStart[term]!;
    const to = postStart[term + 1]!;
    return { chunks: postChunk.subarray(from, to), tfs: postTf.subarray(from, to), titleTfs: postTitleTf.subarray(from, to) };
  }

  /** Bytes held by the typed arrays (the vocabulary's strings come on top). */
  get byteSize(): number {
    const { postStart, postChunk, postTf, postTitleTf, articleDf } = this.postings;
    return [postTitleTf, this.chunkTitleLength, this.chunkArticle, this.chunkLead, this.chunkSection, this.chunkStart, this.tokens, this.surface, this.sortedTermIds, this.articleLength, this.articleChunkStart, this.articleChunkList, this.surfaceStem, this.articleTagStart, this.articleTagList, postStart, postChunk, postTf, articleDf].reduce(
      (sum, a) => sum + a.byteLength,
      0,
    );
  }
}

function buildPostings(termCount: number, chunkStart: Uint32Array, tokens: Int32Array, chunkArticle: Int32Array, titleLength: Uint16Array): Postings {
  // Pass 1: distinct (term, chunk) pairs per term. Pass 2: fill. A chunk's tokens are visited
  // with a per-term "last chunk seen" mark, so no per-chunk map is needed.
  const lastChunk = new Int32Array(termCount).fill(-1);
  const lastArticle = new Int32Array(termCount).fill(-1);
  const df = new Uint32Array(termCount);
  const articleDf = new Uint32Array(termCount);
  const chunkCount = chunkStart.length - 1;
  for (let c = 0; c < chunkCount; c++) {
    const article = chunkArticle[c]!;
    for (let p = chunkStart[c]!; p < chunkStart[c + 1]!; p++) {
      const t = tokens[p]!;
      if (lastChunk[t] !== c) {
        lastChunk[t] = c;
        df[t]!++;
      }
      if (lastArticle[t] !== article) {
        lastArticle[t] = article;
        articleDf[t]!++;
      }
    }
  }
  const postStart = new Uint32Array(termCount + 1);
  for (let t = 0; t < termCount; t++) postStart[t + 1] = postStart[t]! + df[t]!;
  const postChunk = new Int32Array(postStart[termCount]!);
  const postTf = new Uint16Array(postStart[termCount]!);
  const postTitleTf = new Uint8Array(postStart[termCount]!);
  const fill = Uint32Array.from(postStart.subarray(0, termCount));
  lastChunk.fill(-1);
  for (let c = 0; c < chunkCount; c++) {
    for (let p = chunkStart[c]!; p < chunkStart[c + 1]!; p++) {
      const t = tokens[p]!;
      if (lastChunk[t] !== c) {
        lastChunk[t] = c;
        postChunk[fill[t]!] = c;
        fill[t]!++;
      }
      const at = fill[t]! - 1;
      if (postTf[at]! < 0xffff) postTf[at]!++;
      if (p - chunkStart[c]! < titleLength[c]! && postTitleTf[at]! < 0xff) postTitleTf[at]!++;
    }
  }
  return { postStart, postChunk, postTf, postTitleTf, articleDf };
}

/** Facets are counted per query over thousands of articles: tags as numbers, not strings. */
function numberTags(articles: readonly ArticleFacts[]): [string[], Uint32Array, Int32Array] {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const start = new Uint32Array(articles.length + 1);
  const list: number[] = [];
  articles.forEach((article, a) => {
    for (const tag of new Set(article.tags)) {
      let id = ids.get(tag);
      if (id === undefined) ids.set(tag, (id = names.push(tag) - 1));
      list.push(id);
    }
    start[a + 1] = list.length;
  });
  return [names, start, Int32Array.from(list)];
}

/** Chunks are loaded in any order (pages from several shards), so an article's are not contiguous. */
function groupChunksByArticle(chunkArticle: Int32Array, articleCount: number): [Uint32Array, Int32Array] {
  const start = new Uint32Array(articleCount + 1);
  for (const a of chunkArticle) start[a + 1]!++;
  for (let a = 0; a < articleCount; a++) start[a + 1]! += start[a]!;
  const list = new Int32Array(chunkArticle.length);
  const fill = Uint32Array.from(start.subarray(0, articleCount));
  chunkArticle.forEach((a, c) => {
    list[fill[a]!++] = c;
  });
  return [start, list];
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
