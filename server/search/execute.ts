import type { MultiSearchQuery, SearchParams, SearchResponse } from 'meilisearch';
import type { ChunkDocument } from '../../core/document.js';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { words } from '../../core/text/stem.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import { analyzeQuery, termKey, type AnalyzedQuery } from './analyze.js';
import { markAll, markSnippet, plainSnippet, wordMatcher } from './mark.js';
import type { EngineQuery } from './query.js';
import { rankCandidates, type Candidate } from './rank.js';
import { TermStatsReader, type TermStats } from './term-stats.js';

/** Words around the match in a snippet. */
export const SNIPPET_WORDS = 32;

/**
 * How many chunks the engine proposes for re-ranking. More finds more (long queries), fewer is
 * faster; 150 kept p95 within budget on the 55k-chunk benchmark (docs/relevance.md).
 */
export const CANDIDATES = 150;
/** Candidates from the original-text query (exact words, typos, prefixes of surface forms). */
export const TEXT_CANDIDATES = 30;
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
}

type RawHit = EngineHit & { id: string; articleId: string };
type CandidateHit = Candidate & { hit: RawHit };

const statsReaders = new WeakMap<Engine, Map<string, TermStatsReader>>();

/**
 * Run an EngineQuery. Relevance-ordered queries with words go through morphology: candidates from
 * the stemmed field (rarest words first) and from the original text, re-ranked by BM25 with
 * corpus statistics (rank.ts), highlighted on the original text (mark.ts). Sorted and empty
 * queries are the engine's alone. Highlights use private-use markers, so no HTML ever travels.
 */
export async function executeSearch(engine: Engine, indexUid: string, query: EngineQuery): Promise<EngineResult> {
  const analyzed = analyzeQuery(query.q);
  try {
    if (analyzed.terms.length === 0 || query.sort) return await engineOnly(engine, indexUid, query);
    return await morphological(engine, indexUid, query, analyzed);
  } catch (error) {
    throw toEngineError(error, 'search');
  }
}

async function engineOnly(engine: Engine, indexUid: string, query: EngineQuery): Promise<EngineResult> {
  const params: SearchParams = {
    ...common(query),
    limit: query.limit,
    offset: query.offset,
    sort: query.sort,
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
  const stats = await statsReader(engine, indexUid).read(analyzed.terms);
  const wanted = query.offset + query.limit;
  const { results } = await engine.multiSearch({
    queries: [
      {
        indexUid,
        ...common(query),
        q: stemmedQuery(analyzed, stats),
        attributesToSearchOn: ['stems'],
        limit: Math.max(CANDIDATES, wanted),
        facets: query.facets.length > 0 ? query.facets : undefined,
        attributesToRetrieve: [...RETRIEVED_FIELDS, 'stems'],
      },
      {
        indexUid,
        ...common(query),
        q: query.q,
        attributesToSearchOn: ['articleTitle', 'sectionTitle', 'text'],
        limit: Math.max(TEXT_CANDIDATES, wanted),
        attributesToRetrieve: [...RETRIEVED_FIELDS, 'stems'],
        ...engineHighlight(),
      },
    ] satisfies MultiSearchQuery[],
  });
  const [stemmed, original] = results as unknown as [SearchResponse<RawHit>, SearchResponse<RawHit>];
  const ranked = rankCandidates(analyzed, stats, candidates([stemmed.hits, original.hits]));
  const matcher = wordMatcher(analyzed);
  const page = collapse(
    ranked.map((r) => r.candidate.hit),
    query,
  ).slice(query.offset, wanted);
  return {
    hits: page.map((hit) => formatHit(hit, matcher)),
    total: Math.max(stemmed.estimatedTotalHits ?? 0, original.estimatedTotalHits ?? 0, ranked.length),
    processingTimeMs: Math.round(performance.now() - started),
    facetDistribution: stemmed.facetDistribution ?? {},
  };
}

function common(query: EngineQuery): Pick<SearchParams, 'filter' | 'matchingStrategy'> {
  return { filter: query.filter.length > 0 ? query.filter : undefined, matchingStrategy: 'frequency' };
}

function engineHighlight(): SearchParams {
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
  if (!reader) byIndex.set(indexUid, (reader = new TermStatsReader(engine, indexUid)));
  return reader;
}

/**
 * The stemmed words for the engine, rarest first (the engine reads only the first ten), with the
 * word being typed kept last so the engine still matches it as a prefix.
 */
export function stemmedQuery(analyzed: AnalyzedQuery, stats: TermStats): string {
  const typing = analyzed.terms.filter((t) => t.prefix);
  const complete = analyzed.terms
    .filter((t) => !t.prefix)
    .sort((a, b) => (stats.df.get(termKey(a)) ?? 0) - (stats.df.get(termKey(b)) ?? 0));
  const chosen = [...complete.slice(0, ENGINE_QUERY_WORDS - typing.length), ...typing];
  return chosen.map((t) => t.alternatives[0]!.join(' ')).join(' ');
}

function candidates(lists: RawHit[][]): CandidateHit[] {
  const byId = new Map<string, CandidateHit>();
  for (const list of lists) {
    list.forEach((hit, rank) => {
      const had = byId.get(hit.id);
      if (had) {
        had.engineRank = Math.min(had.engineRank, rank);
        had.hit._formatted ??= hit._formatted;
        return;
      }
      byId.set(hit.id, {
        id: hit.id,
        articleId: hit.articleId,
        stems: hit.stems ?? '',
        exactWords: new Set(words(`${hit.sectionTitle ?? ''} ${hit.text ?? ''}`)),
        engineRank: rank,
        hit,
      });
    });
  }
  return [...byId.values()];
}

/** Honour an optional `distinct` attribute (one hit per value), which a federated list cannot do itself. */
function collapse<H extends EngineHit>(hits: H[], query: EngineQuery): H[] {
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

function formatHit(hit: RawHit, matcher: ReturnType<typeof wordMatcher>): EngineHit {
  const { stems: _stems, _formatted: engineFormatted, ...stored } = hit;
  const text = stored.text ?? '';
  const snippet = markSnippet(text, matcher, SNIPPET_WORDS) ?? (engineFormatted?.text as string | undefined) ?? plainSnippet(text, SNIPPET_WORDS);
  return {
    ...stored,
    _formatted: {
      text: snippet,
      sectionTitle: markAll(stored.sectionTitle ?? '', matcher),
      articleTitle: markAll(stored.articleTitle ?? '', matcher),
    },
  };
}
