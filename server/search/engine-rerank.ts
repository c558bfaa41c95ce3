/**
 * The source of candidates and scores while the ranking index is not current (building, over its
 * memory budget, RANKING_MEMORY_MB=0): engine candidates — the stemmed field, rarest words first,
 * in relaxed lists, plus the original text for short queries — re-ranked by BM25 with corpus
 * statistics read from the engine. Slower (2–3 engine round trips) and weaker than the ranking
 * index, far better than the engine's own order, which is why it stays: `npm run bench:relevance --
 * --limit-articles 2000 --fallbacks` (752 dev queries, 2026-12-04) gave MRR@10 headline 0.688 vs
 * 0.458 for the engine alone with the project's settings, summary 0.801 vs 0.522, prefix 0.344 vs
 * 0.271, keyword nDCG@10 0.332 vs 0.280 (the ranking index: 0.804, 0.916, 0.400, 0.346).
 */
import { LRUCache } from 'lru-cache';
import type { MultiSearchQuery, SearchResponse } from 'meilisearch';
import type { ChunkDocument } from '../../core/document.js';
import type { Engine } from '../../core/engine/client.js';
import { words } from '../../core/text/stem.js';
import { bm25, bm25Idf } from '../ranking/params.js';
import { termKey, type AnalyzedQuery, type QueryTerm } from './analyze.js';
import type { EngineQuery } from './engine-query.js';
import { engineFilter, SHORT_QUERY_TERMS, textSearchParams, type Ranked } from './source.js';

/**
 * How many chunks the engine proposes for re-ranking. More finds more (long queries), fewer is
 * faster; 150 kept p95 within budget on the 55k-chunk benchmark (docs/relevance.md).
 */
const RELAXATIONS = [
  { skipRarest: 0, candidates: 100 },
  { skipRarest: 1, candidates: 50 },
  { skipRarest: 2, candidates: 50 },
];
/** Meilisearch reads only the first 10 query words; we send the rarest ones. */
const ENGINE_QUERY_WORDS = 10;
/** What re-ranking needs of a candidate: small, so many candidates cost little. */
const CANDIDATE_FIELDS = ['id', 'articleId', 'stems'] as const;
type CandidateFields = Pick<ChunkDocument, (typeof CANDIDATE_FIELDS)[number]> & Partial<Pick<ChunkDocument, 'sectionTitle' | 'text'>>;

const statsReaders = new WeakMap<Engine, Map<string, TermStatsReader>>();

/** Every engine candidate for the query, re-ranked. */
export async function rankEngineCandidates(engine: Engine, indexUid: string, query: EngineQuery, analyzed: AnalyzedQuery): Promise<Ranked> {
  const reader = statsReader(engine, indexUid);
  // Word counts decide which words the engine is given, so unknown ones are fetched first (one
  // short round trip of exact counts; cached afterwards).
  const counts = reader.missing(analyzed.terms);
  if (counts.length > 0) {
    const { results } = await engine.multiSearch({ queries: counts.map((c) => c.query) });
    reader.absorb(counts, results as SearchResponse[]);
  }
  const wanted = query.offset + query.limit;
  const stats = reader.stats(analyzed.terms);
  // The engine only returns chunks that contain the rarest word it was given (its `frequency`
  // strategy drops common words first). Headline-like queries often have a rare word the text does
  // not use, so further candidate lists leave out the rarest one and the two rarest words.
  const searched: MultiSearchQuery[] = RELAXATIONS.map((relaxation, i) => ({
    indexUid,
    ...engineFilter(query),
    q: stemmedQuery(analyzed, stats, relaxation.skipRarest),
    attributesToSearchOn: ['stems'],
    limit: i === 0 ? Math.max(relaxation.candidates, wanted) : relaxation.candidates,
    facets: i === 0 && query.facets.length > 0 ? query.facets : undefined,
    attributesToRetrieve: [...CANDIDATE_FIELDS],
  })).filter((q, i) => i === 0 || analyzed.terms.length > RELAXATIONS[i]!.skipRarest + 1);
  // Short queries also search the original words: exact forms, typos and prefixes of surface forms.
  // Long ones are left to the stems (the engine is slow on long queries over the text).
  if (analyzed.terms.length <= SHORT_QUERY_TERMS) {
    searched.push({ indexUid, q: query.q, ...textSearchParams(query, wanted, [...CANDIDATE_FIELDS, 'sectionTitle', 'text']) });
  }
  const { results } = await engine.multiSearch({ queries: searched });
  const lists = results as unknown as SearchResponse<CandidateFields>[];
  const ranked = rankCandidates(analyzed, stats, candidates(lists.map((l) => l.hits)));
  return {
    ordered: ranked.map((r) => r.candidate),
    total: Math.max(ranked.length, ...lists.map((l) => l.estimatedTotalHits ?? 0)),
    facetDistribution: () => lists[0]?.facetDistribution ?? {},
    analyzed,
    sections: false,
  };
}

function statsReader(engine: Engine, indexUid: string): TermStatsReader {
  let byIndex = statsReaders.get(engine);
  if (!byIndex) statsReaders.set(engine, (byIndex = new Map()));
  let reader = byIndex.get(indexUid);
  if (!reader) byIndex.set(indexUid, (reader = new TermStatsReader(indexUid)));
  return reader;
}

/**
 * The stemmed words for the engine, rarest first (the engine reads only the first ten), with the
 * word being typed kept last so the engine still matches it as a prefix.
 */
function stemmedQuery(analyzed: AnalyzedQuery, stats: TermStats, skipRarest = 0): string {
  const typing = analyzed.terms.filter((t) => t.prefix);
  // Unknown counts (first sight of a word): longer stems are usually rarer.
  const rarity = (t: QueryTerm): number => stats.df.get(termKey(t)) ?? stats.documents / termKey(t).length ** 2;
  const complete = analyzed.terms.filter((t) => !t.prefix).sort((a, b) => rarity(a) - rarity(b));
  const chosen = [...complete.slice(skipRarest, skipRarest + ENGINE_QUERY_WORDS - typing.length), ...typing];
  return chosen.map((t) => t.alternatives[0]!.join(' ')).join(' ');
}

function candidates(lists: CandidateFields[][]): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const had = byId.get(hit.id);
      const exactWords = hit.text === undefined ? undefined : new Set(words(`${hit.sectionTitle ?? ''} ${hit.text}`));
      if (had) {
        had.engineRank = Math.min(had.engineRank, rank);
        had.exactWords ??= exactWords;
      } else {
        byId.set(hit.id, { id: hit.id, articleId: hit.articleId, stems: hit.stems ?? '', exactWords, engineRank: rank });
      }
    });
  }
  return [...byId.values()];
}

/**
 * The re-ranking: BM25 over the candidates' stemmed field, plus two signals the engine's
 * bucket sort lacks: how much of the query the candidate's whole article covers (news queries
 * such as headlines spread their words over several sections) and exact (unstemmed) word matches,
 * so that «партнер» ranks the section saying «партнер» above one saying «партнера».
 */
const RANK_PARAMS = {
  k1: 2,
  b: 0.75,
  /**
   * Weight of the article's query coverage next to the chunk's own BM25: high, so the article
   * decides the order and the chunk BM25 orders sections within it (docs/relevance.md has the sweep).
   */
  article: 10,
  /** Bonus per query term found exactly as typed, in idf units. */
  exact: 0.15,
  /** A prefix (as-you-type) match counts this much of a full match. */
  prefixMatch: 0.9,
};

interface Candidate {
  id: string;
  articleId: string;
  /** Space-separated stems (the indexer's `stems` field). */
  stems: string;
  /** Folded words of the original text, when the candidate came with it (exact-match bonus). */
  exactWords: ReadonlySet<string> | undefined;
  /** Best position of this candidate in the engine's own rankings (0 = first). */
  engineRank: number;
}

interface Scored<C extends Candidate> {
  candidate: C;
  score: number;
}

interface TermWeight {
  term: QueryTerm;
  idf: number;
}

function rankCandidates<C extends Candidate>(query: AnalyzedQuery, stats: TermStats, candidates: readonly C[]): Scored<C>[] {
  const weights = termWeights(query, stats);
  const parsed = candidates.map((c) => ({ candidate: c, tokens: c.stems ? c.stems.split(' ') : [] }));
  const avgLength = Math.max(1, parsed.reduce((sum, p) => sum + p.tokens.length, 0) / Math.max(1, parsed.length));
  const perChunk = parsed.map(({ candidate, tokens }) => {
    const tfs = weights.map(({ term }) => termFrequency(term, tokens));
    return { candidate, tfs, length: tokens.length };
  });

  // Article coverage: for each article, which query terms occur in any of its candidate chunks.
  const articleTf = new Map<string, number[]>();
  for (const { candidate, tfs } of perChunk) {
    const sums = articleTf.get(candidate.articleId) ?? new Array<number>(weights.length).fill(0);
    tfs.forEach((tf, i) => (sums[i]! += tf));
    articleTf.set(candidate.articleId, sums);
  }

  const { k1, b } = RANK_PARAMS;
  return perChunk
    .map(({ candidate, tfs, length }) => {
      let chunkScore = 0;
      let exact = 0;
      tfs.forEach((tf, i) => {
        const { term, idf } = weights[i]!;
        if (tf > 0) chunkScore += bm25(idf, tf, k1, b, length / avgLength);
        if (candidate.exactWords?.has(term.surface)) exact += idf;
      });
      const coverage = articleTf.get(candidate.articleId)!.reduce((sum, tf, i) => sum + (tf > 0 ? weights[i]!.idf * (tf / (tf + k1)) : 0), 0);
      // Candidates with no stem match (typo-only) keep the engine's order, below every real match.
      const score = chunkScore + RANK_PARAMS.article * coverage + RANK_PARAMS.exact * exact + 1e-3 / (1 + candidate.engineRank);
      return { candidate, score };
    })
    .sort((x, y) => y.score - x.score || x.candidate.engineRank - y.candidate.engineRank);
}

function termWeights(query: AnalyzedQuery, stats: TermStats): TermWeight[] {
  const n = stats.documents;
  const known = query.terms.map((t) => stats.df.get(termKey(t)) ?? 0);
  // A prefix still being typed has no exact count of its own: give it a middling rarity.
  const fallbackDf = Math.max(1, Math.round(n / 100));
  return query.terms.map((term, i) => {
    const df = known[i]! > 0 ? known[i]! : term.prefix ? fallbackDf : 1;
    return { term, idf: bm25Idf(n, df) };
  });
}

/** Occurrences of any alternative of the term (phrases for multi-word ones) in the stem sequence. */
export function termFrequency(term: QueryTerm, tokens: readonly string[]): number {
  let tf = 0;
  for (const alternative of term.alternatives) {
    if (alternative.length === 1) {
      const stem = alternative[0]!;
      for (const token of tokens) if (token === stem) tf++;
    } else {
      tf += phraseCount(alternative, tokens);
    }
  }
  if (term.prefix) {
    // As-you-type: words that start with what was typed count too (a little less than a full match).
    const typed = term.surface;
    const stem = term.alternatives[0]![0]!;
    let partial = 0;
    for (const token of tokens) {
      if (token !== stem && (token.startsWith(typed) || (stem.length >= 4 && token.startsWith(stem)))) partial++;
    }
    tf += partial * RANK_PARAMS.prefixMatch;
  }
  return tf;
}

function phraseCount(phrase: readonly string[], tokens: readonly string[]): number {
  let count = 0;
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((p, j) => tokens[i + j] === p)) count++;
  }
  return count;
}

/**
 * Term statistics for ranking, read from the index itself: the document frequency of a stem is the
 * exact hit count of a phrase query (no typos, no prefix) on the `stems` field — exact because the
 * index raises `pagination.maxTotalHits` (core/engine/settings.ts) — and N is the hit count of the
 * empty query. Nothing is stored beside the index, so the figures are always in step with what the
 * indexer wrote, and the search-only key suffices. Counts are cached briefly: they move only when
 * the index changes, and a slightly stale idf ranks the same.
 */
interface TermStats {
  /** Number of chunks in the index (corpus-wide: filters do not apply to idf). */
  documents: number;
  /** termKey → chunks containing the term's typed stem(s); absent = unknown. */
  df: Map<string, number>;
}

const CACHE_TTL_MS = 60_000;
const DOCUMENTS_KEY = '\u0000documents';

interface CountRequest {
  key: string;
  query: MultiSearchQuery;
}

export class TermStatsReader {
  private readonly cache = new LRUCache<string, number>({ max: 50_000, ttl: CACHE_TTL_MS });

  constructor(private readonly indexUid: string) {}

  /** The count queries still needed for these terms. */
  missing(terms: readonly QueryTerm[]): CountRequest[] {
    const wanted = new Map<string, string>([[DOCUMENTS_KEY, '']]);
    for (const term of terms) if (!term.prefix) wanted.set(termKey(term), `"${termKey(term)}"`);
    return [...wanted]
      .filter(([key]) => !this.cache.has(key))
      .map(([key, q]) => ({
        key,
        query: { indexUid: this.indexUid, q, attributesToSearchOn: ['stems'], limit: 0 },
      }));
  }

  /** Take the answers to `missing()`'s queries, in order. */
  absorb(requests: readonly CountRequest[], results: readonly SearchResponse[]): void {
    requests.forEach((request, i) => this.cache.set(request.key, results[i]?.estimatedTotalHits ?? 0));
  }

  /** What is known now (call after absorb). */
  stats(terms: readonly QueryTerm[]): TermStats {
    const df = new Map<string, number>();
    for (const term of terms) {
      // The word being typed has no count of its own (termWeights gives it a middling rarity): a
      // cached count left by an earlier search of the finished word made the same query rank
      // differently from one minute to the next (scripts/compare-answers.ts: 90 of 4,400 answers).
      if (term.prefix) continue;
      const count = this.cache.get(termKey(term));
      if (count !== undefined) df.set(termKey(term), count);
    }
    return { documents: Math.max(1, this.cache.get(DOCUMENTS_KEY) ?? 1), df };
  }
}
