import type { AnalyzedQuery, QueryTerm } from '../search/analyze.js';
import { bm25, bm25Idf, INDEX_RANK_PARAMS, SHORT_QUERY_PARAMS, VERBOSE_QUERY_PARAMS } from './params.js';
import { withinBudget } from './budget.js';
import type { RankingStore } from './store.js';
import { ArticleTermCache } from './article-terms.js';

/** Which chunks a query may return (the API's filters, as values, not filter strings). */
export interface RankScope {
  articleIds?: readonly string[] | undefined;
  tag?: string | undefined;
  fromTs?: number | undefined;
  toTs?: number | undefined;
}

export interface RankedChunk {
  id: string;
  articleId: string;
  sectionIndex: number;
  score: number;
}

export interface Ranking {
  /** Best first (complete for the first `wanted` at least). */
  chunks: RankedChunk[];
  /** Chunks that match at least one query word in scope. */
  total: number;
  /** Terms with no match at all in the index (probably mistyped). */
  unmatched: QueryTerm[];
  /**
   * Query terms left out by the work bound (INDEX_RANK_PARAMS.maxPostings): the commonest, when
   * all the query's postings together exceed it. 0 for every dev query (docs/api.md).
   */
  dropped: number;
  /** Postings read: at most the work bound. */
  postingsWalked: number;
  /** Chunk counts per facet value over the matching chunks (counted when asked: while the engine fetches the page). */
  facets(): Record<string, Record<string, number>>;
}

type RankParams = typeof INDEX_RANK_PARAMS;

/** Chunks and articles a search has scored so far, in the scorer's preallocated room. */
interface Touched {
  chunks: Int32Array;
  chunkCount: number;
  articles: Int32Array;
  articleCount: number;
}

/** The scorer's zeroed room for counting facets: a chunk count per article, and per tag id. */
interface FacetScratch {
  perArticle: Int32Array;
  perTag: Int32Array;
}

/** Work done by one search. */
interface Walk {
  /** Postings read. */
  postings: number;
}

interface TermMatch {
  term: QueryTerm;
  /** Distinct term ids whose occurrences count for this query term, with their weight. */
  ids: Map<number, number>;
}

/**
 * The scorer (formerly server/search/index-rank.ts, same formulas and parameters). It sums only in
 * orders that do not depend on where chunks sit in the store: per chunk over the query's term ids
 * in query order; per article, each term id's integer counts first, then times its weight. So a
 * store changed in place scores exactly like a fresh build. Buffers are per store and reused
 * (scoring is synchronous); they grow with the store's slots.
 */
export class Scorer {
  private capacity = -1;
  private articleCapacity = -1;
  private termCapacity = -1;
  private chunkTf = new Float32Array(0);
  private chunkScore = new Float64Array(0);
  private articleTf = new Float32Array(0);
  private articleCounts = new Float64Array(0);
  private articleScore = new Float64Array(0);
  private termChunks = new Int32Array(0);
  private termArticles = new Int32Array(0);
  private idArticles = new Int32Array(0);
  private feedbackWeight = new Float64Array(0);
  private feedbackSeen = new Uint8Array(0);
  private keyMark = new Int32Array(0);
  private articleBest = new Float64Array(0);
  // Room for one search's lists: a search allocates no list that grows (per-search garbage made the
  // heap grow to 3–4× what is live between full collections: issue 28).
  private touchedChunkRoom = new Int32Array(0);
  private baseRoom = new Float64Array(0);
  private touchedArticleRoom = new Int32Array(0);
  private articleScoreRoom = new Float64Array(0);
  private articleIdfs: number[] = [];
  private perArticle = new Int32Array(0);
  private perTag = new Int32Array(0);

  /** Term counts of the articles short queries read whole (2,048 articles: ~4 MB at most). */
  private readonly articleTerms: ArticleTermCache;

  constructor(private readonly store: RankingStore) {
    this.articleTerms = new ArticleTermCache(store, 2048);
  }

  private fit(): void {
    const s = this.store;
    if (this.capacity < s.slotCapacity) {
      this.capacity = s.slotCapacity + (s.slotCapacity >> 3);
      this.chunkTf = new Float32Array(this.capacity);
      this.chunkScore = new Float64Array(this.capacity);
      this.termChunks = new Int32Array(this.capacity);
      this.touchedChunkRoom = new Int32Array(this.capacity);
      this.baseRoom = new Float64Array(this.capacity);
    }
    if (this.articleCapacity < s.articleCapacity) {
      this.articleCapacity = s.articleCapacity + (s.articleCapacity >> 3);
      this.articleTf = new Float32Array(this.articleCapacity);
      this.articleCounts = new Float64Array(this.articleCapacity);
      this.articleScore = new Float64Array(this.articleCapacity);
      this.termArticles = new Int32Array(this.articleCapacity);
      this.idArticles = new Int32Array(this.articleCapacity);
      this.articleBest = new Float64Array(this.articleCapacity);
      this.touchedArticleRoom = new Int32Array(this.articleCapacity);
      this.articleScoreRoom = new Float64Array(this.articleCapacity);
    }
    if (this.termCapacity < s.terms.length) {
      this.termCapacity = s.terms.length + (s.terms.length >> 3);
      this.feedbackWeight = new Float64Array(this.termCapacity);
      this.feedbackSeen = new Uint8Array(this.termCapacity);
      this.keyMark = new Int32Array(this.termCapacity);
    }
  }

  /** Room for a chunk count per article (all zero between uses; facets are counted synchronously). */
  private facetScratch(): FacetScratch {
    if (this.perArticle.length < this.store.articleCapacity) this.perArticle = new Int32Array(this.store.articleCapacity + (this.store.articleCapacity >> 3));
    if (this.perTag.length < this.store.tagNames.length) this.perTag = new Int32Array(this.store.tagNames.length + (this.store.tagNames.length >> 3));
    return { perArticle: this.perArticle, perTag: this.perTag };
  }

  rank(query: AnalyzedQuery, scope: RankScope, wanted: number, facets: readonly string[] = []): Ranking {
    this.fit();
    this.articleTerms.check();
    const s = this.store;
    const allowed = allowedArticles(s, scope);
    const P = paramsFor(query.terms.length);
    const all = query.terms.map((term) => termMatch(s, term));
    const budget = Math.max(P.maxPostings, P.maxPostingsPerChunk * s.chunkCount);
    const matches = withinBudget(s, all, budget);
    const touched: Touched = { chunks: this.touchedChunkRoom, chunkCount: 0, articles: this.touchedArticleRoom, articleCount: 0 };
    const keep = Math.max(P.refine, wanted * 10);
    const walk: Walk = { postings: 0 };
    this.articleIdfs = [];
    const keyCache = new Map<number, number>();
    const idfs = matches.map((match) => this.accumulate(match.ids, 1, P, allowed, touched, walk));
    if (P.feedbackTerms > 0 && P.feedback > 0) {
      const first = this.baseScores(touched.chunks.subarray(0, touched.chunkCount), P);
      for (const [id, weight] of this.feedbackTerms(touched, first, matches, P)) {
        if (walk.postings + s.postingLength(id) > budget) continue; // the work bound holds here too
        this.accumulate(new Map([[id, 1]]), P.feedback * weight, P, allowed, touched, walk, true);
      }
    }
    const touchedChunks = touched.chunks.subarray(0, touched.chunkCount);
    const base = this.baseScores(touchedChunks, P);
    // Ties are broken by chunk id: the order never depends on where chunks sit.
    const ids = s.chunkIds;
    const order = topOrder(base, keep, (x, y) => compareIds(ids[touchedChunks[x]!]!, ids[touchedChunks[y]!]!));
    const surfaces = typedSurfaces(s, matches);
    if (P.key > 0) this.markQuery(matches, 1);
    const refined = order.slice(0, P.refine).map((i) => {
      const c = touchedChunks[i]!;
      const phrase = P.phrase > 0 ? P.phrase * this.phraseIdf(c, matches, idfs) : 0;
      const article = s.chunkArticle[c]!;
      // The first `keyArticles` articles in score order (each read whole) are reordered by keyness.
      const key = P.key > 0 && (keyCache.has(article) || keyCache.size < P.keyArticles) ? P.key * this.keyness(article, matches, P, keyCache) : 0;
      return { c, score: base[i]! + P.exact * this.exactIdf(c, surfaces, idfs) + phrase + key };
    });
    if (P.key > 0) this.markQuery(matches, 0);
    refined.sort((x, y) => y.score - x.score || compareIds(ids[x.c]!, ids[y.c]!));
    const ranked = [...refined, ...order.slice(P.refine).map((i) => ({ c: touchedChunks[i]!, score: base[i]! }))];
    const chunks = ranked.map(({ c, score }) => ({ id: ids[c]!, articleId: s.articleIds[s.chunkArticle[c]!]!, sectionIndex: s.chunkSection[c]!, score }));

    for (const c of touchedChunks) this.chunkScore[c] = 0;
    for (let i = 0; i < touched.articleCount; i++) this.articleScore[touched.articles[i]!] = 0;
    // Facets are counted later (while the engine fetches the page): a copy, as the room is reused.
    const matched = facets.length > 0 ? touchedChunks.slice() : new Int32Array(0);
    return {
      chunks,
      total: touchedChunks.length,
      unmatched: all.filter((m) => m.ids.size === 0).map((m) => m.term),
      dropped: all.length - matches.length,
      postingsWalked: walk.postings,
      facets: () => countFacets(s, matched, facets, this.facetScratch()),
    };
  }

  /**
   * Adds one query term's BM25 (chunk and article level, times `scale`) to the running scores and
   * returns its chunk idf. A `rescoreOnly` term (feedback) only changes the scores of chunks and
   * articles the query's own words matched.
   */
  private accumulate(ids: ReadonlyMap<number, number>, scale: number, P: RankParams, allowed: Uint8Array | undefined, touched: Touched, walk: Walk, rescoreOnly = false): number {
    const s = this.store;
    const { postStart, postLength, postChunk, postTf, postTitleTf, chunkArticle, chunkLead } = s;
    const { chunkTf, articleTf, articleCounts, termChunks, termArticles, idArticles } = this;
    let chunkCount = 0;
    let articleCount = 0;
    // Feedback words' frequencies are the corpus's (filters or not): they only reweight.
    let df = 0;
    let articleDf = 0;
    for (const [id, weight] of ids) {
      const from = postStart[id]!;
      const to = from + postLength[id]!;
      walk.postings += to - from;
      df += postLength[id]!;
      articleDf += s.articleDf[id]!;
      let idArticleCount = 0;
      for (let i = from; i < to; i++) {
        const c = postChunk[i]!;
        const a = chunkArticle[c]!;
        if (allowed && !allowed[a]) continue;
        if (rescoreOnly && this.articleScore[a] === 0) continue;
        const count = postTf[i]! + P.title * postTitleTf[i]!;
        if (!rescoreOnly || this.chunkScore[c] !== 0) {
          if (chunkTf[c] === 0) termChunks[chunkCount++] = c;
          chunkTf[c]! += count * weight;
        }
        // Integer counts per article first (exact in any order), weighted once below.
        if (articleCounts[a] === 0) idArticles[idArticleCount++] = a;
        articleCounts[a]! += count * (1 + P.lead * chunkLead[c]!);
      }
      articleCount = this.weighArticles(idArticleCount, weight, articleCount);
    }
    const idf = bm25Idf(s.chunkCount, rescoreOnly ? df : chunkCount);
    const articleIdf = bm25Idf(s.articleCount, rescoreOnly ? articleDf : articleCount);
    if (!rescoreOnly) this.articleIdfs.push(articleIdf);
    this.settle(chunkCount, articleCount, idf, articleIdf, scale, P, touched);
    return idf;
  }

  /** One id's integer counts per article (in `idArticles`), times its weight, into the term's article counts. */
  private weighArticles(idArticleCount: number, weight: number, articleCount: number): number {
    const { idArticles, articleTf, articleCounts, termArticles } = this;
    for (let i = 0; i < idArticleCount; i++) {
      const a = idArticles[i]!;
      if (articleTf[a] === 0) termArticles[articleCount++] = a;
      articleTf[a]! += articleCounts[a]! * weight;
      articleCounts[a] = 0;
    }
    return articleCount;
  }

  /** The term's BM25 from its counts (in `termChunks`, `termArticles`) into the running scores; clears the counts. */
  private settle(chunkCount: number, articleCount: number, idf: number, articleIdf: number, scale: number, P: RankParams, touched: Touched): void {
    const s = this.store;
    const { chunkTf, articleTf, termChunks, termArticles, chunkScore, articleScore } = this;
    const { chunkTokenLength, articleLength } = s;
    const averageChunk = s.averageChunkLength;
    const averageArticle = s.averageArticleLength;
    const { k1, b, articleK1, articleB } = P;
    for (let i = 0; i < chunkCount; i++) {
      const c = termChunks[i]!;
      if (chunkScore[c] === 0) touched.chunks[touched.chunkCount++] = c;
      chunkScore[c]! += scale * bm25(idf, chunkTf[c]!, k1, b, chunkTokenLength[c]! / averageChunk);
      chunkTf[c] = 0;
    }
    for (let i = 0; i < articleCount; i++) {
      const a = termArticles[i]!;
      if (articleScore[a] === 0) touched.articles[touched.articleCount++] = a;
      articleScore[a]! += scale * bm25(articleIdf, articleTf[a]!, articleK1, articleB, articleLength[a]! / averageArticle);
      articleTf[a] = 0;
    }
  }

  /** Each touched chunk's score so far: its own BM25 plus its article's, weighted. */
  private baseScores(touchedChunks: Int32Array, P: RankParams): Float64Array {
    const base = this.baseRoom.subarray(0, touchedChunks.length);
    for (let i = 0; i < touchedChunks.length; i++) {
      const c = touchedChunks[i]!;
      // Rounded so that sums taken in another order (several shards) tie exactly.
      base[i] = Math.round((this.chunkScore[c]! + P.article * this.articleScore[this.store.chunkArticle[c]!]!) * 1e9) / 1e9;
    }
    return base;
  }

  /**
   * Pseudo-relevance feedback (RM3-style): the words that characterise the best articles of the
   * first ranking — frequent in them, rare in the corpus — with weights in (0, 1].
   */
  private feedbackTerms(touched: Touched, scores: Float64Array, matches: readonly TermMatch[], P: RankParams): [number, number][] {
    const s = this.store;
    const { articles, docWeights } = this.feedbackArticles(touched, scores, P);
    if (articles.length < P.feedbackDocs) return [];
    const queryIds = new Set(matches.flatMap((m) => [...m.ids.keys()]));
    const { articleDf } = s;
    const { feedbackWeight: weight, feedbackSeen: seen } = this;
    const candidates: number[] = [];
    const na = s.articleCount;
    const cache = this.articleTerms;
    for (const [k, a] of articles.entries()) {
      const { terms, counts } = cache.get(a);
      const length = Math.max(1, s.articleLength[a]!);
      for (let i = 0; i < terms.length; i++) {
        const t = terms[i]!;
        const df = articleDf[t]!;
        if (df > na * P.feedbackMaxDf || queryIds.has(t)) continue;
        if (seen[t]!++ === 0) candidates.push(t);
        weight[t]! += docWeights[k]! * (counts[i]! / length) * cache.logInverseShare(t);
      }
    }
    const best = candidates
      .filter((t) => seen[t]! >= 2)
      .map((t) => [t, weight[t]!] as [number, number])
      .sort((x, y) => y[1] - x[1] || compareIds(s.terms[x[0]]!, s.terms[y[0]]!))
      .slice(0, P.feedbackTerms);
    for (const t of candidates) {
      weight[t] = 0;
      seen[t] = 0;
    }
    const top = best[0]?.[1] ?? 1;
    return best.map(([t, w]) => [t, w / top]);
  }

  private feedbackArticles(touched: Touched, scores: Float64Array, P: RankParams): { articles: number[]; docWeights: number[] } {
    const { chunkArticle, articleIds } = this.store;
    const best = this.articleBest;
    for (let i = 0; i < touched.chunkCount; i++) {
      const a = chunkArticle[touched.chunks[i]!]!;
      if (scores[i]! > best[a]!) best[a] = scores[i]!;
    }
    const candidates = touched.articles.subarray(0, touched.articleCount);
    const articleScores = this.articleScoreRoom.subarray(0, candidates.length);
    for (let i = 0; i < candidates.length; i++) {
      articleScores[i] = best[candidates[i]!]!;
      best[candidates[i]!] = 0;
    }
    const order = topOrder(articleScores, P.feedbackDocs, (x, y) => compareIds(articleIds[candidates[x]!]!, articleIds[candidates[y]!]!));
    const top = articleScores[order[0] ?? 0] ?? 1;
    return { articles: order.map((i) => candidates[i]!), docWeights: order.map((i) => Math.pow(articleScores[i]! / top, P.feedbackSharpness)) };
  }

  /** Σ idf of the pairs of consecutive query words that stand side by side in the chunk. */
  private phraseIdf(chunk: number, matches: readonly TermMatch[], idfs: readonly number[]): number {
    if (matches.length < 2) return 0;
    const to = this.store.decode(chunk);
    const tokens = this.store.decodedTerms;
    let sum = 0;
    for (let m = 0; m + 1 < matches.length; m++) {
      const left = matches[m]!.ids;
      const right = matches[m + 1]!.ids;
      for (let p = 0; p + 1 < to; p++) {
        if (left.has(tokens[p]!) && right.has(tokens[p + 1]!)) {
          sum += (idfs[m]! + idfs[m + 1]!) / 2;
          break;
        }
      }
    }
    return sum;
  }

  /**
   * Marks (on) or unmarks the query's term ids for `keyness`: a bit per query term (the first 31),
   * since one id can count for two terms (a prefix completion or a case form of the other word).
   */
  private markQuery(matches: readonly TermMatch[], on: 0 | 1): void {
    matches.slice(0, 31).forEach((match, m) => {
      for (const id of match.ids.keys()) this.keyMark[id] = on ? this.keyMark[id]! | (1 << m) : 0;
    });
  }

  /**
   * Keyness: how much the query's words are what the article is about. Each query word's tf·idf in
   * the article is compared with the article's other words'; with `above` of them ahead of it, the
   * word adds idf × keyRank / (keyRank + above). Editors tag an article with its main subjects, and
   * a word the article mentions often but after many others is a side subject; a word it lacks
   * adds nothing. Query words are marked in `keyMark` (term id → bits of its query terms) by the caller.
   */
  private keyness(article: number, matches: readonly TermMatch[], P: RankParams, cache: Map<number, number>): number {
    const had = cache.get(article);
    if (had !== undefined) return had;
    const s = this.store;
    const { keyMark } = this;
    const { terms, counts: termCounts } = this.articleTerms.get(article);
    const counts = new Float64Array(matches.length);
    for (let i = 0; i < terms.length; i++) {
      const bits = keyMark[terms[i]!]!;
      if (bits === 0) continue;
      for (let m = 0; m < counts.length; m++) if (bits & (1 << m)) counts[m]! += termCounts[i]! * matches[m]!.ids.get(terms[i]!)!;
    }
    const na = s.articleCount;
    const values = counts.map((count, m) => count * this.articleIdfs[m]!);
    const above = new Int32Array(matches.length);
    // A word that could not beat the weakest query word found even at the highest idf needs no idf.
    const found = values.filter((v) => v > 0);
    const bound = found.length > 0 ? Math.min(...found) / bm25Idf(na, 0) : Infinity;
    for (let i = 0; i < terms.length; i++) {
      const count = termCounts[i]!;
      if (count <= bound || keyMark[terms[i]!] !== 0) continue;
      const v = count * this.articleTerms.articleIdf(terms[i]!);
      for (let m = 0; m < values.length; m++) if (v > values[m]!) above[m]!++;
    }
    let sum = 0;
    for (let m = 0; m < values.length; m++) if (values[m]! > 0) sum += this.articleIdfs[m]! * (P.keyRank / (P.keyRank + above[m]!));
    cache.set(article, sum);
    return sum;
  }

  /** Σ idf of the query words found exactly as typed in the chunk (`surfaces`: surface id → term). */
  private exactIdf(chunk: number, surfaces: ReadonlyMap<number, number>, idfs: readonly number[]): number {
    const to = this.store.decode(chunk);
    const surface = this.store.decodedSurfaces;
    let found = 0;
    let sum = 0;
    for (let p = 0; p < to && found < surfaces.size; p++) {
      const term = surfaces.get(surface[p]!);
      // A bit per query term, so each counts once (queries have far fewer than 32 terms).
      if (term === undefined || found & (1 << term)) continue;
      found |= 1 << term;
      sum += idfs[term]!;
    }
    return sum;
  }
}

/** The parameters for a query of `terms` terms: short (a topic), verbose (a pasted passage) or the defaults. */
function paramsFor(terms: number): RankParams {
  if (terms <= INDEX_RANK_PARAMS.shortTerms) return { ...INDEX_RANK_PARAMS, ...SHORT_QUERY_PARAMS };
  if (terms >= INDEX_RANK_PARAMS.verboseTerms) return { ...INDEX_RANK_PARAMS, ...VERBOSE_QUERY_PARAMS };
  return INDEX_RANK_PARAMS;
}

/** Surface ids of the query words as typed → their term's number (the first 31 terms). */
function typedSurfaces(s: RankingStore, matches: readonly TermMatch[]): Map<number, number> {
  const surfaces = new Map<number, number>();
  matches.slice(0, 31).forEach((match, term) => {
    const id = s.liveSurface(match.term.surface);
    if (id >= 0 && !surfaces.has(id)) surfaces.set(id, term);
  });
  return surfaces;
}

function termMatch(s: RankingStore, term: QueryTerm): TermMatch {
  const ids = new Map<number, number>();
  for (const alternative of term.alternatives) {
    // Multi-word synonyms count through their rarest word: cheap, and close enough for ranking.
    const known = alternative.map((stem) => s.liveTerm(stem));
    if (known.some((id) => id === undefined)) continue;
    const rarest = (known as number[]).reduce((best, id) => (s.postingLength(id) < s.postingLength(best) ? id : best));
    ids.set(rarest, 1);
  }
  if (INDEX_RANK_PARAMS.inflections > 0) addInflections(s, term, ids);
  addCorrections(s, term, ids);
  if (term.prefix && term.surface.length >= 2) addPrefixCompletions(s, term, ids);
  return { term, ids };
}

/** The stems of the typed word's other case forms that occur in the index (core/text/inflections.ts). */
function addInflections(s: RankingStore, term: QueryTerm, ids: Map<number, number>): void {
  for (const form of term.forms) {
    const surface = s.liveSurface(form);
    if (surface < 0) continue;
    const stem = s.surfaceStem[surface]!;
    if (stem >= 0 && !ids.has(stem)) ids.set(stem, INDEX_RANK_PARAMS.inflections);
  }
}

/** The stems of a mistyped word's corrections (server/search/typo.ts), each with its weight. */
function addCorrections(s: RankingStore, term: QueryTerm, ids: Map<number, number>): void {
  for (const correction of term.corrections ?? []) {
    const id = s.liveTerm(correction.stem);
    if (id !== undefined && !ids.has(id)) ids.set(id, correction.weight);
  }
}

function addPrefixCompletions(s: RankingStore, term: QueryTerm, ids: Map<number, number>): void {
  const stem = term.alternatives[0]![0]!;
  const completions = new Set<number>(s.termsWithPrefix(term.surface));
  if (stem.length >= 4) for (const id of s.termsWithPrefix(stem)) completions.add(id);
  // The most frequent completions first: as-you-type, the common word is the likely one.
  const byFrequency = [...completions].filter((id) => !ids.has(id)).sort((a, b) => s.postingLength(b) - s.postingLength(a));
  let budget = INDEX_RANK_PARAMS.prefixPostings;
  for (const id of byFrequency) {
    budget -= s.postingLength(id);
    if (budget < 0) break;
    ids.set(id, INDEX_RANK_PARAMS.prefixMatch);
  }
}

function allowedArticles(s: RankingStore, scope: RankScope): Uint8Array | undefined {
  if (!scope.articleIds && scope.tag === undefined && scope.fromTs === undefined && scope.toTs === undefined) return undefined;
  const allowed = new Uint8Array(s.articleCapacity);
  const tag = scope.tag === undefined ? undefined : s.knownTag(scope.tag);
  if (tag === -1) return allowed; // no article has it
  const candidates = scope.articleIds ? scope.articleIds.flatMap((id) => s.articleNumber.get(id) ?? []) : s.articleNumber.values();
  for (const a of candidates) {
    if (tag !== undefined && !s.articleTags[a]!.includes(tag)) continue;
    const date = s.articleDate[a]!;
    if (scope.fromTs !== undefined && (Number.isNaN(date) || date < scope.fromTs)) continue;
    if (scope.toTs !== undefined && (Number.isNaN(date) || date > scope.toTs)) continue;
    allowed[a] = 1;
  }
  return allowed;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Positions in `scores` of the best `keep`, best first (equal scores in `tieBreak` order): a bounded min-heap. */
function topOrder(scores: Float64Array, keep: number, tieBreak: (x: number, y: number) => number): number[] {
  const heap: number[] = [];
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

/**
 * Chunk counts per tag and per year over the matching chunks, as the engine's facetDistribution
 * (tags in name order, so the answer does not depend on where chunks sit).
 */
function countFacets(s: RankingStore, chunks: Int32Array, facets: readonly string[], { perArticle, perTag }: FacetScratch): Record<string, Record<string, number>> {
  if (facets.length === 0) return {};
  // Counted in typed arrays, not Maps: a long query matches most chunks, and the facets are
  // asked for by default (a Map here was ~11 % of an API search's CPU on dev summaries). The arrays
  // are the scorer's, zeroed again below: allocating one per search was ~5 % of a single-word search.
  // Tags by id, sorted by name rank, put in by assignment: a Map by name, a sort by name and
  // Object.fromEntries cost 337 µs per single-word query, this 105 µs (issue 28, in process).
  const articles: number[] = [];
  for (const c of chunks) {
    const a = s.chunkArticle[c]!;
    if (perArticle[a]!++ === 0) articles.push(a);
  }
  const out: Record<string, Record<string, number>> = {};
  for (const facet of facets) out[facet] = {};
  if (out['tags']) {
    const tags: number[] = [];
    for (const a of articles) {
      for (const t of s.articleTags[a]!) {
        if (perTag[t] === 0) tags.push(t);
        perTag[t]! += perArticle[a]!;
      }
    }
    const names = s.tagNames;
    const ranks = s.tagNameRanks();
    tags.sort((x, y) => ranks[x]! - ranks[y]!); // name order
    const counts: Record<string, number> = {};
    for (const t of tags) {
      const name = names[t]!;
      // A tag named `__proto__` stays a key (an assignment would set the prototype).
      if (name === '__proto__') Object.defineProperty(counts, name, { value: perTag[t]!, enumerable: true, writable: true, configurable: true });
      else counts[name] = perTag[t]!;
      perTag[t] = 0;
    }
    out['tags'] = counts;
  }
  const years = out['year'];
  if (years) {
    for (const a of articles) {
      const year = s.articleYear[a]!;
      if (year !== -2147483648) years[year] = (years[year] ?? 0) + perArticle[a]!;
    }
  }
  for (const a of articles) perArticle[a] = 0;
  return out;
}
