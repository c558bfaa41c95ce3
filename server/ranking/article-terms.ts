import { LRUCache } from 'lru-cache';
import { bm25Idf } from './params.js';
import type { RankingStore } from './store.js';

/** An article's distinct term ids and how often each occurs in it (parallel arrays). */
export interface ArticleTerms {
  terms: Int32Array;
  counts: Int32Array;
}

/**
 * Articles most often read whole by a short query (keyness, feedback: search.ts): their term counts,
 * kept for the most recently read articles, and each term's idf. A one- or two-word query reads its
 * best 20–30 articles whole; decoding their tokens and a log per distinct term was ~17 % of the
 * proxy's CPU per single-word search (node --cpu-prof under bench:api, single-word pool), and the
 * same articles come back for many queries. Everything is dropped when the store changes (its
 * `generation`), so a changed index never scores with stale facts.
 */
export class ArticleTermCache {
  private generation = -1;
  private readonly articles: LRUCache<number, ArticleTerms>;
  private idf = new Float64Array(0);
  private logRatio = new Float64Array(0);
  /** Scratch: counts per term id while an article is read (zero between reads). */
  private scratch = new Int32Array(0);

  /** `capacity`: articles kept (~2 KB each: a news article has a few hundred distinct stems). */
  constructor(
    private readonly store: RankingStore,
    capacity: number,
  ) {
    this.articles = new LRUCache({ max: capacity });
  }

  /** Drops everything once the store has changed; call before each search. */
  check(): void {
    const s = this.store;
    if (this.generation === s.generation && this.idf.length >= s.terms.length) return;
    this.generation = s.generation;
    this.articles.clear();
    if (this.idf.length < s.terms.length) {
      const capacity = s.terms.length + (s.terms.length >> 3);
      this.idf = new Float64Array(capacity);
      this.logRatio = new Float64Array(capacity);
      this.scratch = new Int32Array(capacity);
    }
    this.idf.fill(Number.NaN);
    this.logRatio.fill(Number.NaN);
  }

  get(article: number): ArticleTerms {
    const had = this.articles.get(article);
    if (had) return had;
    const s = this.store;
    const tf = this.scratch;
    const seen: number[] = [];
    for (const c of s.articleChunks(article)) {
      const length = s.decode(c);
      const tokens = s.decodedTerms;
      for (let p = 0; p < length; p++) if (tf[tokens[p]!]!++ === 0) seen.push(tokens[p]!);
    }
    const terms = Int32Array.from(seen);
    const counts = new Int32Array(terms.length);
    for (let i = 0; i < terms.length; i++) {
      counts[i] = tf[terms[i]!]!;
      tf[terms[i]!] = 0;
    }
    const entry = { terms, counts };
    this.articles.set(article, entry);
    return entry;
  }

  /** bm25Idf over articles of term t (keyness). */
  articleIdf(t: number): number {
    let v = this.idf[t]!;
    if (Number.isNaN(v)) v = this.idf[t] = bm25Idf(this.store.articleCount, this.store.articleDf[t]!);
    return v;
  }

  /** log(articles / articles with t) (feedback). */
  logInverseShare(t: number): number {
    let v = this.logRatio[t]!;
    if (Number.isNaN(v)) v = this.logRatio[t] = Math.log(this.store.articleCount / this.store.articleDf[t]!);
    return v;
  }
}
