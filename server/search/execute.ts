import type { MultiSearchQuery, SearchParams, SearchResponse } from 'meilisearch';
import type { ChunkDocument } from '../../core/document.js';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { EngineError } from '../../core/errors.js';
import { words } from '../../core/text/stem.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import { analyzeQuery, termKey, type AnalyzedQuery, type QueryTerm } from './analyze.js';
import { markAll, markSnippet, plainSnippet, wordMatcher, type WordMatcher } from './mark.js';
import type { RankingIndex } from '../ranking/index.js';
import { SECTIONS_PER_ARTICLE, type EngineQuery } from './query.js';
import type { RankingFollower } from '../ranking/follower.js';
import { rankCandidates, type Candidate } from './rank.js';
import { TermStatsReader, type TermStats } from './term-stats.js';
import { correctedText, correctTypos, type TypoKind } from './typo.js';

/** Words around the match in a snippet. */
export const SNIPPET_WORDS = 32;

/**
 * How many chunks the engine proposes for re-ranking. More finds more (long queries), fewer is
 * faster; 150 kept p95 within budget on the 55k-chunk benchmark (docs/relevance.md).
 */
export const RELAXATIONS = [
  { skipRarest: 0, candidates: 100 },
  { skipRarest: 1, candidates: 50 },
  { skipRarest: 2, candidates: 50 },
];
/** Candidates from the original-text query (exact words, typos, prefixes of surface forms). */
export const TEXT_CANDIDATES = 30;
/** The original (unstemmed) searchable fields: exact forms, typos, surface prefixes. */
export const TEXT_FIELDS = ['articleTitle', 'sectionTitle', 'text'] as const;
/** Meilisearch reads only the first 10 query words; we send the rarest ones. */
const ENGINE_QUERY_WORDS = 10;

export const RETRIEVED_FIELDS = [
  'id',
  'articleId',
  'articleTitle',
  'articleUrl',
  'date',
  'tags',
  'sectionTitle',
  'sectionIndex',
  'sectionAnchor',
  'text',
] as const;

/** A hit as shape.ts reads it: stored fields plus `_formatted` text with HIGHLIGHT_* markers. */
export type EngineHit = Partial<ChunkDocument> & { _formatted?: Partial<Record<keyof ChunkDocument, unknown>> };

export interface EngineResult {
  hits: EngineHit[];
  total: number;
  processingTimeMs: number;
  facetDistribution: Record<string, Record<string, number>>;
  /**
   * With `distinct: articleId` from the ranking index: the best chunks of the page's articles, in
   * rank order, so group=article needs no second search for them.
   */
  sectionHits?: EngineHit[];
  /** Set when mistyped words were read as others (server/search/typo.ts): the query as read. */
  correctedQuery?: string;
  correctionKind?: TypoKind;
}

/** What re-ranking needs of a candidate: small, so many candidates cost little. */
const CANDIDATE_FIELDS = ['id', 'articleId', 'stems'] as const;
type CandidateFields = Pick<ChunkDocument, (typeof CANDIDATE_FIELDS)[number]> & Partial<Pick<ChunkDocument, 'sectionTitle' | 'text'>>;
/** Queries with at most this many words also search the original text. */
const SHORT_QUERY_TERMS = 4;

const statsReaders = new WeakMap<Engine, Map<string, TermStatsReader>>();

/**
 * Run an EngineQuery. Relevance-ordered queries with words go through morphology: ranked over the
 * whole index by the in-process ranking index when it is kept (server/ranking/), otherwise from
 * engine candidates — the stemmed field (rarest words first) and the original text — re-ranked by
 * BM25 with corpus statistics (rank.ts); either way highlighted on the original text (mark.ts).
 * Sorted and empty queries are the engine's alone. Highlights use private-use markers, so no HTML
 * ever travels.
 */
export async function executeSearch(engine: Engine, indexUid: string, query: EngineQuery, ranking?: RankingFollower): Promise<EngineResult> {
  const analyzed = analyzeQuery(query.q);
  try {
    if (analyzed.terms.length === 0 || query.sort) return await engineOnly(engine, indexUid, query);
    const ranker = ranking?.current();
    if (ranker && (query.filter.length === 0 || query.scope)) return await rankedByIndex(engine, indexUid, query, analyzed, ranker);
    return await morphological(engine, indexUid, query, analyzed);
  } catch (error) {
    const engineError = toEngineError(error, 'search');
    // An index with no documents yet has no searchable fields, and the engine refuses to search `stems`.
    if (engineError instanceof EngineError && engineError.engineCode === 'invalid_search_attributes_to_search_on') {
      return { hits: [], total: 0, processingTimeMs: 0, facetDistribution: {} };
    }
    throw engineError;
  }
}

async function engineOnly(engine: Engine, indexUid: string, query: EngineQuery): Promise<EngineResult> {
  const params: SearchParams = {
    ...common(query),
    limit: query.limit,
    offset: query.offset,
    sort: query.sort,
    distinct: query.distinct,
    facets: query.facets.length > 0 ? query.facets : undefined,
    attributesToRetrieve: [...RETRIEVED_FIELDS],
    ...engineHighlight(),
  };
  const result = await engine.index(indexUid).search<EngineHit>(query.q, params);
  return {
    hits: collapse(result.hits, query),
    total: result.estimatedTotalHits ?? result.hits.length,
    processingTimeMs: result.processingTimeMs,
    facetDistribution: result.facetDistribution ?? {},
  };
}

async function morphological(engine: Engine, indexUid: string, query: EngineQuery, analyzed: AnalyzedQuery): Promise<EngineResult> {
  const started = performance.now();
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
    ...common(query),
    q: stemmedQuery(analyzed, stats, relaxation.skipRarest),
    attributesToSearchOn: ['stems'],
    limit: i === 0 ? Math.max(relaxation.candidates, wanted) : relaxation.candidates,
    facets: i === 0 && query.facets.length > 0 ? query.facets : undefined,
    attributesToRetrieve: [...CANDIDATE_FIELDS],
  })).filter((q, i) => i === 0 || analyzed.terms.length > RELAXATIONS[i]!.skipRarest + 1);
  // Short queries also search the original words: exact forms, typos and prefixes of surface forms.
  // Long ones are left to the stems (the engine is slow on long queries over the text).
  if (analyzed.terms.length <= SHORT_QUERY_TERMS) {
    searched.push({
      indexUid,
      ...common(query),
      q: query.q,
      attributesToSearchOn: [...TEXT_FIELDS],
      limit: Math.max(TEXT_CANDIDATES, wanted),
      attributesToRetrieve: [...CANDIDATE_FIELDS, 'sectionTitle', 'text'],
    });
  }
  const { results } = await engine.multiSearch({ queries: searched });
  const lists = results as unknown as SearchResponse<CandidateFields>[];
  const ranked = rankCandidates(analyzed, stats, candidates(lists.map((l) => l.hits)));
  const pageIds = collapse(ranked.map((r) => r.candidate), query)
    .slice(query.offset, wanted)
    .map((c) => c.id);
  const matcher = wordMatcher(analyzed);
  const hits = (await fetchHits(engine, indexUid, pageIds)).map((hit) => formatHit(hit, matcher));
  return {
    hits,
    total: Math.max(ranked.length, ...lists.map((l) => l.estimatedTotalHits ?? 0)),
    processingTimeMs: Math.round(performance.now() - started),
    facetDistribution: lists[0]?.facetDistribution ?? {},
  };
}

/**
 * Ranking over the whole index in process; the engine is asked only for the page's stored fields
 * and, when a word of a short query is unknown to the index (probably mistyped) or nothing
 * matched, for its typo-tolerant matches on the original text, which follow the real matches.
 */
async function rankedByIndex(engine: Engine, indexUid: string, query: EngineQuery, typed: AnalyzedQuery, ranker: RankingIndex): Promise<EngineResult> {
  const started = performance.now();
  const wanted = query.offset + query.limit;
  const typos = query.asTyped ? undefined : correctTypos(typed, ranker.vocabulary());
  const analyzed = typos?.query ?? typed;
  const correction = typos?.kind && { correctedQuery: correctedText(query.q, typos.replaced), correctionKind: typos.kind };
  const ranking = ranker.search(analyzed, query.scope ?? {}, wanted, query.facets);
  const ordered: RankedChunk[] = ranking.chunks.map(({ id, articleId, sectionIndex }) => ({ id, articleId, sectionIndex }));
  let total = ranking.total;
  // Long queries keep their meaning without one unknown word (and the engine is slow on long
  // queries over the text), so only short ones, or ones with too few matches, ask it for typos.
  const mistyped = ranking.unmatched.length > 0 && analyzed.terms.length <= SHORT_QUERY_TERMS;
  if (mistyped || ordered.length === 0) {
    const engineTypos = await engine.index(indexUid).search<RankedChunk>(query.q, {
      ...common(query),
      attributesToSearchOn: [...TEXT_FIELDS],
      limit: Math.max(TEXT_CANDIDATES, wanted),
      attributesToRetrieve: ['id', 'articleId', 'sectionIndex'],
    });
    const known = new Set(ordered.map((o) => o.id));
    const added = engineTypos.hits.filter((hit) => !known.has(hit.id));
    ordered.push(...added);
    total += added.length;
  }
  const page = collapse(ordered, query).slice(query.offset, wanted);
  const pageIds = page.map((c) => c.id);
  const sectionIds = query.distinct === 'articleId' ? bestChunksOf(new Set(page.map((c) => c.articleId)), ordered) : [];
  const matcher = wordMatcher(analyzed);
  const fetching = fetchHits(engine, indexUid, [...new Set([...pageIds, ...sectionIds])]);
  const facetDistribution = ranking.facets(); // while the engine works
  const fetched = new Map((await fetching).map((hit) => [hit.id, formatHit(hit, matcher)]));
  const hits = pageIds.flatMap((id) => fetched.get(id) ?? []);
  const sectionHits = query.distinct === 'articleId' ? sectionIds.flatMap((id) => fetched.get(id) ?? []) : undefined;
  return { hits, total, processingTimeMs: Math.round(performance.now() - started), facetDistribution, ...(sectionHits && { sectionHits }), ...correction };
}

type RankedChunk = Pick<ChunkDocument, 'id' | 'articleId' | 'sectionIndex'>;

/** The best chunk of each of the first SECTIONS_PER_ARTICLE sections of these articles, in ranked order. */
function bestChunksOf(articles: ReadonlySet<string>, ordered: readonly RankedChunk[]): string[] {
  const sections = new Map<string, Set<number>>();
  const ids: string[] = [];
  for (const chunk of ordered) {
    if (!articles.has(chunk.articleId)) continue;
    let seen = sections.get(chunk.articleId);
    if (!seen) sections.set(chunk.articleId, (seen = new Set()));
    if (seen.size >= SECTIONS_PER_ARTICLE || seen.has(chunk.sectionIndex)) continue;
    seen.add(chunk.sectionIndex);
    ids.push(chunk.id);
  }
  return ids;
}

/** The stored fields of the page's chunks, in the given order. */
async function fetchHits(engine: Engine, indexUid: string, ids: string[]): Promise<EngineHit[]> {
  if (ids.length === 0) return [];
  const result = await engine.index(indexUid).search<EngineHit>('', {
    filter: [`id IN [${ids.map(filterString).join(', ')}]`],
    limit: ids.length,
    attributesToRetrieve: [...RETRIEVED_FIELDS],
  });
  const byId = new Map(result.hits.map((h) => [h.id, h]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A safe filter literal (meilisearch-facts §8: backslash first, then the quote). */
function filterString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function common(query: EngineQuery): Pick<SearchParams, 'filter' | 'matchingStrategy'> {
  return { filter: query.filter.length > 0 ? query.filter : undefined, matchingStrategy: 'frequency' };
}

/** The engine-side highlight/crop options (markers, not HTML); the cluster path uses the same. */
export function engineHighlight(): SearchParams {
  return {
    attributesToHighlight: ['text', 'sectionTitle', 'articleTitle'],
    attributesToCrop: ['text'],
    cropLength: SNIPPET_WORDS,
    cropMarker: '…',
    highlightPreTag: HIGHLIGHT_START,
    highlightPostTag: HIGHLIGHT_END,
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
export function stemmedQuery(analyzed: AnalyzedQuery, stats: TermStats, skipRarest = 0): string {
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

/** Honour an optional `distinct` attribute (one hit per value), which a federated list cannot do itself. */
function collapse<H extends Partial<ChunkDocument>>(hits: H[], query: EngineQuery): H[] {
  const attribute = (query as EngineQuery & { distinct?: string }).distinct;
  if (!attribute) return hits;
  const seen = new Set<unknown>();
  return hits.filter((hit) => {
    const value = (hit as Record<string, unknown>)[attribute];
    if (seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}

function formatHit(hit: EngineHit, matcher: WordMatcher): EngineHit {
  const text = hit.text ?? '';
  return {
    ...hit,
    _formatted: {
      text: markSnippet(text, matcher, SNIPPET_WORDS) ?? plainSnippet(text, SNIPPET_WORDS),
      sectionTitle: markAll(hit.sectionTitle ?? '', matcher),
      articleTitle: markAll(hit.articleTitle ?? '', matcher),
    },
  };
}
