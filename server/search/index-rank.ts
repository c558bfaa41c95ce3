import type { AnalyzedQuery, QueryTerm } from './analyze.js';
import type { RankIndex } from './rank-index.js';

/**
 * Scoring over the whole ranking index (rank-index.ts): BM25 of each chunk, plus BM25 of its whole
 * article (news queries such as headlines spread their words over several sections; the lead
 * passage counts extra, as news leads restate the headline), plus — for the best chunks — words
 * found exactly as typed. Parameters were chosen on the dev query set with `npm run bench:ranking`
 * (docs/relevance.md lists what was tried, including features that did not help).
 */
export const INDEX_RANK_PARAMS = {
  k1: 2,
  b: 0.75,
  articleK1: 3,
  articleB: 0.5,
  /** Weight of the article's BM25 next to the chunk's own: the article decides the order. */
  article: 10,
  /** Extra weight of an occurrence in a section title (BM25F-style), in term counts. */
  title: 1,
  /** Extra weight of a match in the lead passage, in article term counts. */
  lead: 2,
  /** Bonus per query term found exactly as typed, in idf units. */
  exact: 0.15,
  /** A prefix (as-you-type) match counts this much of a full match. */
  prefixMatch: 0.9,
  /** Prefix expansions stop after this many postings (a 2-letter prefix matches most of the index). */
  prefixPostings: 100_000,
  /** Chunks that get the exact-form refinement. */
  refine: 100,
  /** Queries of at most this many terms are "short" (topics, keywords) and use SHORT_QUERY_PARAMS. */
  shortTerms: 2,
};

/**
 * Overrides for short queries (one or two words: a topic, a name): judged more by the passage and
 * less by the article than a headline-like query (dev set: keyword nDCG 0.502 → 0.523, the other
 * query types unchanged).
 */
export const SHORT_QUERY_PARAMS: Partial<typeof INDEX_RANK_PARAMS> = { article: 3, k1: 1.2, articleK1: 1.2, articleB: 0.3, lead: 1, title: 0 };

/** Which chunks a query may return (the API's filters, as values, not filter strings). */
export interface RankScope {
  articleIds?: readonly string[] | undefined;
  tag?: string | undefined;
  fromTs?: number | undefined;
  toTs?: number | undefined;
}

export interface IndexRanking {
  /** Chunk numbers, best first (complete for the first `wanted` at least). */
  chunks: number[];
  /** Chunks that match at least one query word in scope. */
  total: number;
  /** Terms with no match at all in the index (probably mistyped). */
  unmatched: QueryTerm[];
  facets: Record<string, Record<string, number>>;
}

interface TermMatch {
  term: QueryTerm;
  /** Distinct term ids whose occurrences count for this query term, with their weight. */
  ids: Map<number, number>;
}

/** Reusable per-index buffers: scoring is synchronous, so one set per index is enough. */
export class IndexRanker {
  // Every match adds a positive tf and a positive BM25 term, so 0 means "not touched yet".
  private readonly chunkTf: Float32Array;
  private readonly chunkScore: Float64Array;
  private readonly articleTf: Float32Array;
  private readonly articleScore: Float64Array;

  constructor(readonly index: RankIndex) {
    this.chunkTf = new Float32Array(index.chunkCount);
    this.chunkScore = new Float64Array(index.chunkCount);
    this.articleTf = new Float32Array(index.articles.length);
    this.articleScore = new Float64Array(index.articles.length);
  }

  rank(query: AnalyzedQuery, scope: RankScope, wanted: number, facets: readonly string[] = []): IndexRanking {
    const index = this.index;
    const allowed = allowedArticles(index, scope);
    const matches = query.terms.map((term) => this.termMatch(term));
    const touchedChunks: number[] = [];
    const touchedArticles: number[] = [];
    const idfs: number[] = [];
    const P = query.terms.length <= INDEX_RANK_PARAMS.shortTerms ? { ...INDEX_RANK_PARAMS, ...SHORT_QUERY_PARAMS } : INDEX_RANK_PARAMS;
    const n = index.chunkCount;
    const na = index.articles.length;

    for (const match of matches) {
      const termChunks: number[] = [];
      const termArticles: number[] = [];
      for (const [id, weight] of match.ids) {
        const { chunks, tfs, titleTfs } = index.posting(id);
        for (let i = 0; i < chunks.length; i++) {
          const c = chunks[i]!;
          const a = index.chunkArticle[c]!;
          if (allowed && !allowed[a]) continue;
          if (this.chunkTf[c] === 0) termChunks.push(c);
          const tf = (tfs[i]! + P.title * titleTfs[i]!) * weight;
          this.chunkTf[c]! += tf;
          if (this.articleTf[a] === 0) termArticles.push(a);
          this.articleTf[a]! += tf * (1 + P.lead * index.chunkLead[c]!);
        }
      }
      // Document frequencies of the whole match (synonyms and prefix completions together);
      // corpus-wide when unfiltered, which is what idf means.
      const idf = bm25Idf(n, termChunks.length);
      const articleIdf = bm25Idf(na, termArticles.length);
      idfs.push(idf);
      for (const c of termChunks) {
        if (this.chunkScore[c] === 0) touchedChunks.push(c);
        this.chunkScore[c]! += bm25(idf, this.chunkTf[c]!, P.k1, P.b, index.chunkLength(c) / index.averageChunkLength);
        this.chunkTf[c] = 0;
      }
      for (const a of termArticles) {
        if (this.articleScore[a] === 0) touchedArticles.push(a);
        this.articleScore[a]! += bm25(articleIdf, this.articleTf[a]!, P.articleK1, P.articleB, index.articleLength[a]! / index.averageArticleLength);
        this.articleTf[a] = 0;
      }
    }

    const base = new Float64Array(touchedChunks.length);
    for (let i = 0; i < touchedChunks.length; i++) {
      const c = touchedChunks[i]!;
      // Rounded so that sums taken in another order (chunks loaded from several shards) tie exactly.
      base[i] = Math.round((this.chunkScore[c]! + P.article * this.articleScore[index.chunkArticle[c]!]!) * 1e9) / 1e9;
    }
    const keep = Math.max(P.refine, wanted * 10);
    // Ties are broken by chunk id, so the order never depends on the order chunks were loaded in
    // (one engine or several shards rank alike).
    const ids = index.chunkIds;
    const order = topOrder(base, keep, (x, y) => compareIds(ids[touchedChunks[x]!]!, ids[touchedChunks[y]!]!));
    const refined = order.slice(0, P.refine).map((i) => {
      const c = touchedChunks[i]!;
      return { c, score: base[i]! + P.exact * this.exactIdf(c, matches, idfs) };
    });
    refined.sort((x, y) => y.score - x.score || compareIds(ids[x.c]!, ids[y.c]!));
    const chunks = [...refined.map((r) => r.c), ...order.slice(P.refine).map((i) => touchedChunks[i]!)];
    const facetCounts = countFacets(index, touchedChunks, facets);

    for (const c of touchedChunks) this.chunkScore[c] = 0;
    for (const a of touchedArticles) this.articleScore[a] = 0;
    return { chunks, total: touchedChunks.length, unmatched: matches.filter((m) => m.ids.size === 0).map((m) => m.term), facets: facetCounts };
  }

  /** Σ idf of the query words found exactly as typed in the chunk. */
  private exactIdf(chunk: number, matches: readonly TermMatch[], idfs: readonly number[]): number {
    const index = this.index;
    let sum = 0;
    matches.forEach((match, term) => {
      const surface = index.surfaceIds.get(match.term.surface);
      if (surface === undefined) return;
      for (let p = index.chunkStart[chunk]!; p < index.chunkStart[chunk + 1]!; p++) {
        if (index.surface[p] === surface) {
          sum += idfs[term]!;
          return;
        }
      }
    });
    return sum;
  }

  private termMatch(term: QueryTerm): TermMatch {
    const index = this.index;
    const ids = new Map<number, number>();
    for (const alternative of term.alternatives) {
      // Multi-word synonyms count through their rarest word: cheap, and close enough for ranking.
      const known = alternative.map((stem) => index.termIds.get(stem));
      if (known.some((id) => id === undefined)) continue;
      const rarest = (known as number[]).reduce((best, id) => (postingLength(index, id) < postingLength(index, best) ? id : best));
      ids.set(rarest, 1);
    }
    if (term.prefix && term.surface.length >= 2) addPrefixCompletions(index, term, ids);
    return { term, ids };
  }
}

export function bm25Idf(documents: number, df: number): number {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

/** One term's BM25 contribution; `relativeLength` = document length / average length. */
export function bm25(idf: number, tf: number, k1: number, b: number, relativeLength: number): number {
  return (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + b * relativeLength));
}

function addPrefixCompletions(index: RankIndex, term: QueryTerm, ids: Map<number, number>): void {
  const stem = term.alternatives[0]![0]!;
  const completions = new Set<number>(index.termsWithPrefix(term.surface));
  if (stem.length >= 4) for (const id of index.termsWithPrefix(stem)) completions.add(id);
  // The most frequent completions first: as-you-type, the common word is the likely one.
  const byFrequency = [...completions].filter((id) => !ids.has(id)).sort((a, b) => postingLength(index, b) - postingLength(index, a));
  let budget = INDEX_RANK_PARAMS.prefixPostings;
  for (const id of byFrequency) {
    budget -= postingLength(index, id);
    if (budget < 0) break;
    ids.set(id, INDEX_RANK_PARAMS.prefixMatch);
  }
}

function postingLength(index: RankIndex, term: number): number {
  return index.postings.postStart[term + 1]! - index.postings.postStart[term]!;
}

function allowedArticles(index: RankIndex, scope: RankScope): Uint8Array | undefined {
  if (!scope.articleIds && scope.tag === undefined && scope.fromTs === undefined && scope.toTs === undefined) return undefined;
  const allowed = new Uint8Array(index.articles.length);
  const candidates = scope.articleIds
    ? scope.articleIds.flatMap((id) => index.articleNumber.get(id) ?? [])
    : index.articles.map((_, a) => a);
  for (const a of candidates) {
    const article = index.articles[a]!;
    if (scope.tag !== undefined && !article.tags.includes(scope.tag)) continue;
    if (scope.fromTs !== undefined && (article.dateTs === null || article.dateTs < scope.fromTs)) continue;
    if (scope.toTs !== undefined && (article.dateTs === null || article.dateTs > scope.toTs)) continue;
    allowed[a] = 1;
  }
  return allowed;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Positions in `scores` of the best `keep`, best first (equal scores in `tieBreak` order): a
 * bounded min-heap, O(n log keep).
 */
function topOrder(scores: Float64Array, keep: number, tieBreak: (x: number, y: number) => number): number[] {
  const heap: number[] = [];
  // "a ranks below b"
  const less = (a: number, b: number): boolean => scores[a]! < scores[b]! || (scores[a] === scores[b] && tieBreak(a, b) > 0);
  const siftDown = (from: number): void => {
    for (let i = from; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (heap.length < keep) {
      heap.push(i);
      for (let j = heap.length - 1; j > 0; ) {
        const parent = (j - 1) >> 1;
        if (!less(heap[j]!, heap[parent]!)) break;
        [heap[j], heap[parent]] = [heap[parent]!, heap[j]!];
        j = parent;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((x, y) => scores[y]! - scores[x]! || tieBreak(x, y));
}

/** Chunk counts per tag and per year over the matching chunks, as the engine's facetDistribution. */
function countFacets(index: RankIndex, chunks: readonly number[], facets: readonly string[]): Record<string, Record<string, number>> {
  if (facets.length === 0) return {};
  const perArticle = new Uint32Array(index.articles.length);
  const articles: number[] = [];
  for (const c of chunks) {
    const a = index.chunkArticle[c]!;
    if (perArticle[a]!++ === 0) articles.push(a);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const facet of facets) out[facet] = {};
  const tags = out['tags'];
  const years = out['year'];
  for (const a of articles) {
    const count = perArticle[a]!;
    const article = index.articles[a]!;
    if (tags) for (const tag of article.tags) tags[tag] = (tags[tag] ?? 0) + count;
    if (years && article.year !== null) years[article.year] = (years[article.year] ?? 0) + count;
  }
  return out;
}
