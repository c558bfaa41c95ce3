/**
 * Scoring over the whole ranking index (search.ts): BM25 of each chunk, plus BM25 of its whole
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
  /**
   * Keyness (search.ts `keyness`; on for short queries, SHORT_QUERY_PARAMS): the first `keyArticles`
   * articles of the ranking get key × Σ over query words of idf × keyRank / (keyRank + the number of
   * the article's other words whose tf·idf beats the query word's). Editors tag an article with what
   * it is about: its top words. Measured (kw17, short: key 0.5): RT keyword nDCG@10 0.5480 → 0.5500
   * (+41/−29 queries), keyword+typo 0.4592 → 0.4610 (+29/−10); NG keyword 0.5282 → 0.5330 (+50/−30),
   * NG headline 0.7189 → 0.7206 (+2/−0); headline, summary unchanged, prefix +2/−0. Cost: the
   * articles are read whole (~0.6 ms per short query in process for 20 articles).
   */
  key: 0,
  keyRank: 3,
  /** Articles reordered by keyness (20: the same figures as every article of the best 100 chunks, at half the time). */
  keyArticles: 20,
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
  /**
   * The work bound: postings a query's terms may have together (rarest terms first, the commonest
   * left out beyond it); a search reads at most this. The longest dev query
   * reads 219,603 (49,479 chunks); 512 characters of the commonest words 436,399 (docs/api.md).
   */
  maxPostings: 300_000,
  /**
   * …or this many per chunk of the index, whichever is more: a common word's postings grow with the
   * archive, so an absolute bound alone would leave out ever rarer words of long queries as it grows
   * (6 × 49,479 dev chunks ≈ 300,000: the same bound on the dev set; 3.5M at 10× the corpus).
   */
  maxPostingsPerChunk: 6,
  /** Queries of at most this many terms are "short" (topics, keywords) and use SHORT_QUERY_PARAMS. */
  shortTerms: 2,
  /** Queries of at least this many terms are pasted passages (summaries) and use VERBOSE_QUERY_PARAMS. */
  verboseTerms: 20,
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
  // Is the topic one of the article's top words? (the measurement is beside `key` above)
  key: 0.5,
  feedbackTerms: 10,
  feedback: 0.1,
  feedbackMaxDf: 0.05,
};

/**
 * Overrides for pasted passages (20+ terms: summaries have 16–81, headlines at most 16): a tighter
 * work bound. Their rarest words decide; the commonest, left out first, add little but cost the
 * most postings. Dev summaries (whole, in process, 2026-12-04): at 300k / 150k / 100k / 50k
 * postings MRR@10 0.854 / 0.854 / 0.854 / 0.857, search p50 12.0 / 11.0 / 9.7 / 6.7 ms.
 */
export const VERBOSE_QUERY_PARAMS: Partial<typeof INDEX_RANK_PARAMS> = {
  maxPostings: 50_000,
  maxPostingsPerChunk: 1,
};

export function bm25Idf(documents: number, df: number): number {
  return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
}

/** One term's BM25 contribution; `relativeLength` = document length / average length. */
export function bm25(idf: number, tf: number, k1: number, b: number, relativeLength: number): number {
  return (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + b * relativeLength));
}

