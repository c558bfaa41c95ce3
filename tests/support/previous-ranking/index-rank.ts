import type { AnalyzedQuery, QueryTerm } from '../../../server/search/analyze.js';
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
  /** Weight of the stems of the typed word's other case forms (0 = off). */
  inflections: 1,
  /** Bonus per pair of consecutive query words found side by side, in idf units. */
  phrase: 0,
  /** A prefix (as-you-type) match counts this much of a full match. */
  prefixMatch: 0.9,
  /** Prefix expansions stop after this many postings (a 2-letter prefix matches most of the index). */
  prefixPostings: 20_000,
  /** Chunks that get the exact-form refinement. */
  refine: 100,
  /** Pseudo-relevance feedback: words taken from the first ranking's best articles (0 = off)… */
  feedbackTerms: 0,
  /** …from this many articles… */
  feedbackDocs: 10,
  /** …each scoring up to this fraction of a query word… */
  feedback: 0.1,
  /** …weighted by (their score / the best score) to this power… */
  feedbackSharpness: 2,
  /** …and found in at most this share of all articles. */
  feedbackMaxDf: 0.1,
  /** Queries of at most this many terms are "short" (topics, keywords) and use SHORT_QUERY_PARAMS. */
  shortTerms: 2,
};

/**
 * Overrides for short queries (one or two words: a topic, a name): judged more by the passage and
 * less by the article than a headline-like query (dev set: keyword nDCG 0.502 → 0.523, the other
 * query types unchanged).
 */
export const SHORT_QUERY_PARAMS: Partial<typeof INDEX_RANK_PARAMS> = {
  article: 3,
  k1: 1.2,
  articleK1: 1.2,
  articleB: 0.3,
  lead: 1,
  title: 0,
  // Two words side by side are a name or an expression («южная америка»); a one- or two-word topic
  // also takes words from its best articles (keyword nDCG 0.529 → 0.547 with both).
  phrase: 3,
  feedbackTerms: 10,
  feedback: 0.1,
  feedbackMaxDf: 0.05,
};

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
  /** Chunk counts per facet value over the matching chunks (counted when asked: while the engine fetches the page). */
  facets(): Record<string, Record<string, number>>;
}

type RankParams = typeof INDEX_RANK_PARAMS;

/** Chunks and articles whose running scores are non-zero (to reset after the query). */
interface Touched {
  chunks: number[];
  articles: number[];
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
  /** The chunks and articles one term touched (reused: a term touches each at most once). */
  private readonly termChunks: Int32Array;
  private readonly termArticles: Int32Array;
  /** Feedback scratch, per term: count in one article, weight and number of articles seen in. */
  private readonly feedbackTf: Uint32Array;
  private readonly feedbackWeight: Float64Array;
  private readonly feedbackSeen: Uint8Array;
  /** Feedback scratch, per article: its best chunk's score. */
  private readonly articleBest: Float64Array;

  constructor(readonly index: RankIndex) {
    this.chunkTf = new Float32Array(index.chunkCount);
    this.chunkScore = new Float64Array(index.chunkCount);
    this.articleTf = new Float32Array(index.articles.length);
    this.articleScore = new Float64Array(index.articles.length);
    this.termChunks = new Int32Array(index.chunkCount);
    this.termArticles = new Int32Array(index.articles.length);
    this.feedbackTf = new Uint32Array(index.terms.length);
    this.feedbackWeight = new Float64Array(index.terms.length);
    this.feedbackSeen = new Uint8Array(index.terms.length);
    this.articleBest = new Float64Array(index.articles.length);
  }

  rank(query: AnalyzedQuery, scope: RankScope, wanted: number, facets: readonly string[] = []): IndexRanking {
    const index = this.index;
    const allowed = allowedArticles(index, scope);
    const matches = query.terms.map((term) => this.termMatch(term));
    const touched: Touched = { chunks: [], articles: [] };
    const P = query.terms.length <= INDEX_RANK_PARAMS.shortTerms ? { ...INDEX_RANK_PARAMS, ...SHORT_QUERY_PARAMS } : INDEX_RANK_PARAMS;
    const idfs = matches.map((match) => this.accumulate(match.ids, 1, P, allowed, touched));
    if (P.feedbackTerms > 0 && P.feedback > 0) {
      const first = this.baseScores(touched.chunks, P);
      for (const [id, weight] of this.feedbackTerms(touched, first, matches, P)) {
        this.accumulate(new Map([[id, 1]]), P.feedback * weight, P, allowed, touched, true);
      }
    }
    const touchedChunks = touched.chunks;
    const base = this.baseScores(touchedChunks, P);
    const keep = Math.max(P.refine, wanted * 10);
    // Ties are broken by chunk id, so the order never depends on the order chunks were loaded in
    // (one engine or several shards rank alike).
    const ids = index.chunkIds;
    const order = topOrder(base, keep, (x, y) => compareIds(ids[touchedChunks[x]!]!, ids[touchedChunks[y]!]!));
    const surfaces = this.typedSurfaces(matches);
    const refined = order.slice(0, P.refine).map((i) => {
      const c = touchedChunks[i]!;
      return { c, score: base[i]! + P.exact * this.exactIdf(c, surfaces, idfs) + P.phrase * this.phraseIdf(c, matches, idfs) };
    });
    refined.sort((x, y) => y.score - x.score || compareIds(ids[x.c]!, ids[y.c]!));
    const chunks = [...refined.map((r) => r.c), ...order.slice(P.refine).map((i) => touchedChunks[i]!)];

    for (const c of touchedChunks) this.chunkScore[c] = 0;
    for (const a of touched.articles) this.articleScore[a] = 0;
    return { chunks, total: touchedChunks.length, unmatched: matches.filter((m) => m.ids.size === 0).map((m) => m.term), facets: () => countFacets(index, touchedChunks, facets) };
  }

  /**
   * Adds one query term's BM25 (chunk and article level, times `scale`) to the running scores and
   * returns its chunk idf. `ids` are the term ids that count for it, with their tf weights. A
   * `rescoreOnly` term (feedback) only changes the scores of chunks and articles the query's own
   * words matched: it reorders results, never adds one without a query word.
   */
  private accumulate(ids: ReadonlyMap<number, number>, scale: number, P: RankParams, allowed: Uint8Array | undefined, touched: Touched, rescoreOnly = false): number {
    const index = this.index;
    const { postStart, postChunk, postTf, postTitleTf } = index.postings;
    const { chunkArticle, chunkLead } = index;
    const { chunkTf, articleTf, termChunks, termArticles } = this;
    let chunkCount = 0;
    let articleCount = 0;
    // Feedback words' frequencies are the corpus's (filters or not): they only reweight.
    let df = 0;
    let articleDf = 0;
    for (const [id, weight] of ids) {
      const to = postStart[id + 1]!;
      df += to - postStart[id]!;
      articleDf += index.postings.articleDf[id]!;
      for (let i = postStart[id]!; i < to; i++) {
        const c = postChunk[i]!;
        const a = chunkArticle[c]!;
        if (allowed && !allowed[a]) continue;
        if (rescoreOnly && this.articleScore[a] === 0) continue;
        const tf = (postTf[i]! + P.title * postTitleTf[i]!) * weight;
        if (!rescoreOnly || this.chunkScore[c] !== 0) {
          if (chunkTf[c] === 0) termChunks[chunkCount++] = c;
          chunkTf[c]! += tf;
        }
        if (articleTf[a] === 0) termArticles[articleCount++] = a;
        articleTf[a]! += tf * (1 + P.lead * chunkLead[c]!);
      }
    }
    // Document frequencies of the whole match (synonyms and prefix completions together);
    // corpus-wide when unfiltered, which is what idf means.
    const idf = bm25Idf(index.chunkCount, rescoreOnly ? df : chunkCount);
    const articleIdf = bm25Idf(index.articles.length, rescoreOnly ? articleDf : articleCount);
    for (let i = 0; i < chunkCount; i++) {
      const c = termChunks[i]!;
      if (this.chunkScore[c] === 0) touched.chunks.push(c);
      this.chunkScore[c]! += scale * bm25(idf, chunkTf[c]!, P.k1, P.b, index.chunkLength(c) / index.averageChunkLength);
      chunkTf[c] = 0;
    }
    for (let i = 0; i < articleCount; i++) {
      const a = termArticles[i]!;
      if (this.articleScore[a] === 0) touched.articles.push(a);
      this.articleScore[a]! += scale * bm25(articleIdf, articleTf[a]!, P.articleK1, P.articleB, index.articleLength[a]! / index.averageArticleLength);
      articleTf[a] = 0;
    }
    return idf;
  }

  /** Each touched chunk's score so far: its own BM25 plus its article's, weighted. */
  private baseScores(touchedChunks: readonly number[], P: RankParams): Float64Array {
    const base = new Float64Array(touchedChunks.length);
    for (let i = 0; i < touchedChunks.length; i++) {
      const c = touchedChunks[i]!;
      // Rounded so that sums taken in another order (chunks loaded from several shards) tie exactly.
      base[i] = Math.round((this.chunkScore[c]! + P.article * this.articleScore[this.index.chunkArticle[c]!]!) * 1e9) / 1e9;
    }
    return base;
  }

  /**
   * Pseudo-relevance feedback (RM3-style): the words that characterise the best articles of the
   * first ranking — frequent in them, rare in the corpus — with weights in (0, 1]. A one- or
   * two-word topic query («арктика») says little; its best articles say what the topic is about
   * («шельф», «ледокол»), and articles using those words are likelier to be about it too.
   */
  private feedbackTerms(touched: Touched, scores: Float64Array, matches: readonly TermMatch[], P: RankParams): [number, number][] {
    const index = this.index;
    const { articles, docWeights } = this.feedbackArticles(touched, scores, P);
    if (articles.length < P.feedbackDocs) return [];
    const queryIds = new Set(matches.flatMap((m) => [...m.ids.keys()]));
    const { tokens, chunkStart } = index;
    const { articleDf } = index.postings;
    const { feedbackTf: tf, feedbackWeight: weight, feedbackSeen: seen } = this;
    const candidates: number[] = [];
    const na = index.articles.length;
    for (const [k, a] of articles.entries()) {
      const articleTerms: number[] = [];
      for (const c of index.articleChunks(a)) {
        for (let p = chunkStart[c]!; p < chunkStart[c + 1]!; p++) if (tf[tokens[p]!]!++ === 0) articleTerms.push(tokens[p]!);
      }
      const length = Math.max(1, index.articleLength[a]!);
      for (const t of articleTerms) {
        const count = tf[t]!;
        tf[t] = 0;
        const df = articleDf[t]!;
        if (df > na * P.feedbackMaxDf || queryIds.has(t)) continue;
        if (seen[t]!++ === 0) candidates.push(t);
        weight[t]! += docWeights[k]! * (count / length) * Math.log(na / df);
      }
    }
    const best = candidates
      .filter((t) => seen[t]! >= 2)
      .map((t) => [t, weight[t]!] as [number, number])
      .sort((x, y) => y[1] - x[1] || compareIds(index.terms[x[0]]!, index.terms[y[0]]!))
      .slice(0, P.feedbackTerms);
    for (const t of candidates) {
      weight[t] = 0;
      seen[t] = 0;
    }
    const top = best[0]?.[1] ?? 1;
    return best.map(([t, w]) => [t, w / top]);
  }

  /**
   * The first ranking's best articles (by their best chunk), with weights (score / best score) to
   * the power `feedbackSharpness`. Ties go by article id, so shards rank alike.
   */
  private feedbackArticles(touched: Touched, scores: Float64Array, P: RankParams): { articles: number[]; docWeights: number[] } {
    const { chunkArticle, articles } = this.index;
    const best = this.articleBest;
    touched.chunks.forEach((c, i) => {
      const a = chunkArticle[c]!;
      if (scores[i]! > best[a]!) best[a] = scores[i]!;
    });
    const candidates = touched.articles;
    const articleScores = Float64Array.from(candidates, (a) => best[a]!);
    for (const a of candidates) best[a] = 0;
    const order = topOrder(articleScores, P.feedbackDocs, (x, y) => compareIds(articles[candidates[x]!]!.id, articles[candidates[y]!]!.id));
    const top = articleScores[order[0] ?? 0] ?? 1;
    return { articles: order.map((i) => candidates[i]!), docWeights: order.map((i) => Math.pow(articleScores[i]! / top, P.feedbackSharpness)) };
  }

  /**
   * Σ idf of the pairs of consecutive query words that stand side by side in the chunk (stop words
   * are not in the token stream, so «южная америка» and «Южной Америке» both count): a name or a
   * fixed expression read as one, not two words somewhere in the passage.
   */
  private phraseIdf(chunk: number, matches: readonly TermMatch[], idfs: readonly number[]): number {
    if (matches.length < 2) return 0;
    const { tokens, chunkStart } = this.index;
    let sum = 0;
    for (let m = 0; m + 1 < matches.length; m++) {
      const left = matches[m]!.ids;
      const right = matches[m + 1]!.ids;
      for (let p = chunkStart[chunk]!; p + 1 < chunkStart[chunk + 1]!; p++) {
        if (left.has(tokens[p]!) && right.has(tokens[p + 1]!)) {
          sum += (idfs[m]! + idfs[m + 1]!) / 2;
          break;
        }
      }
    }
    return sum;
  }

  /** Σ idf of the query words found exactly as typed in the chunk (`surfaces`: surface id → term). */
  private exactIdf(chunk: number, surfaces: ReadonlyMap<number, number>, idfs: readonly number[]): number {
    const { surface, chunkStart } = this.index;
    let found = 0;
    let sum = 0;
    for (let p = chunkStart[chunk]!; p < chunkStart[chunk + 1]! && found < surfaces.size; p++) {
      const term = surfaces.get(surface[p]!);
      // A bit per query term, so each counts once (queries have far fewer than 32 terms).
      if (term === undefined || found & (1 << term)) continue;
      found |= 1 << term;
      sum += idfs[term]!;
    }
    return sum;
  }

  /** Surface ids of the query words as typed → their term's number (the first 31 terms). */
  private typedSurfaces(matches: readonly TermMatch[]): Map<number, number> {
    const surfaces = new Map<number, number>();
    matches.slice(0, 31).forEach((match, term) => {
      const id = this.index.surfaceIds.get(match.term.surface);
      if (id !== undefined && !surfaces.has(id)) surfaces.set(id, term);
    });
    return surfaces;
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
    if (INDEX_RANK_PARAMS.inflections > 0) addInflections(index, term, ids);
    addCorrections(index, term, ids);
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

/**
 * The stems of the typed word's other case forms that occur in the index (core/text/inflections.ts:
 * Snowball gives some words' forms different stems).
 */
function addInflections(index: RankIndex, term: QueryTerm, ids: Map<number, number>): void {
  for (const form of term.forms) {
    const surface = index.surfaceIds.get(form);
    if (surface === undefined) continue;
    const stem = index.surfaceStem[surface]!;
    if (stem >= 0 && !ids.has(stem)) ids.set(stem, INDEX_RANK_PARAMS.inflections);
  }
}

/** The stems of a mistyped word's corrections (server/search/typo.ts), each with its weight. */
function addCorrections(index: RankIndex, term: QueryTerm, ids: Map<number, number>): void {
  for (const correction of term.corrections ?? []) {
    const id = index.termIds.get(correction.stem);
    if (id !== undefined && !ids.has(id)) ids.set(id, correction.weight);
  }
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
  if (out['tags']) out['tags'] = countTags(index, articles, perArticle);
  const years = out['year'];
  if (years) {
    for (const a of articles) {
      const year = index.articles[a]!.year;
      if (year !== null) years[year] = (years[year] ?? 0) + perArticle[a]!;
    }
  }
  return out;
}

function countTags(index: RankIndex, articles: readonly number[], perArticle: Uint32Array): Record<string, number> {
  const { articleTagStart, articleTagList, tagNames } = index;
  const perTag = new Uint32Array(tagNames.length);
  const seen: number[] = [];
  for (const a of articles) {
    for (let i = articleTagStart[a]!; i < articleTagStart[a + 1]!; i++) {
      const tag = articleTagList[i]!;
      if (perTag[tag] === 0) seen.push(tag);
      perTag[tag]! += perArticle[a]!;
    }
  }
  // In first-seen order, as the string-keyed count gave (JSON key order is part of the response).
  const counts: Record<string, number> = {};
  for (const tag of seen) counts[tagNames[tag]!] = perTag[tag]!;
  return counts;
}
