/**
 * The public HTTP API contract. The widget imports these *types only* (erased by esbuild), so no
 * runtime code from here reaches the bundle. The validating schema lives in server/search/validate-request.ts
 * and the OpenAPI document in server/http/openapi.ts; both follow these types. The query length
 * limit is in core/query-length.ts.
 */

/** A run of text; `highlight` marks the words that matched the query. Never HTML. */
export interface Segment {
  text: string;
  highlight: boolean;
}

export type SortOrder = 'relevance' | 'date';
/** `section`: every matching section is a hit; `article`: one hit per article with its best sections. */
export type GroupBy = 'section' | 'article';

/** The search parameters, as accepted by `GET /api/search?…` and as the JSON body of `POST /api/search`. */
export interface SearchParams {
  q?: string;
  /** 1–50, default 10. */
  limit?: number;
  /** 0–1000, default 0. */
  offset?: number;
  /** Only sections of this article id. */
  article?: string;
  /** Only articles carrying this tag (case-insensitive). */
  tag?: string;
  /** Inclusive date bounds, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  sort?: SortOrder;
  group?: GroupBy;
  /** `true`: search exactly what was typed (no keyboard-layout, transliteration, typo or split-word correction). */
  exact?: boolean;
}

/** One matching section of an article (in `SearchHit.sections` when grouping by article). */
export interface SectionMatch {
  title: string;
  index: number;
  anchor: string;
  url: string;
  snippet: Segment[];
  titleHighlight: Segment[];
}

export interface SearchHit {
  id: string;
  article: { id: string; title: string; url: string; date: string | null; tags: string[] };
  section: { title: string; index: number; anchor: string };
  /** Article url + `#anchor`. */
  url: string;
  snippet: Segment[];
  titleHighlight: Segment[];
  /** With `group=article` only: the article's best-matching sections, best first (the first is `section`). */
  sections?: SectionMatch[];
}

export interface SearchFacets {
  /** Matching sections per tag. */
  tags: Record<string, number>;
  /** Matching sections per publication year. */
  years: Record<string, number>;
}

export interface SearchResponse {
  query: string;
  /** Estimated number of matching sections (`group=article`: articles). */
  total: number;
  limit: number;
  offset: number;
  processingTimeMs: number;
  hits: SearchHit[];
  facets: SearchFacets;
  /**
   * Present only when the hits are for a corrected query: a keyboard-layout or transliteration
   * conversion of a query that found (almost) nothing (`ghbdtn` → «привет»), and/or mistyped words
   * read as the vocabulary words they are one or two slips from («исследоавния» → «исследования»),
   * or two words typed without the space split («германмладший» → «герман младший»).
   * Repeat the request with `exact=true` to search what was typed.
   */
  correctedQuery?: string;
  /** With `correctedQuery`: which correction — `layout`, `translit`, `typo` or `split`. */
  correctionKind?: CorrectionKind;
  /**
   * Present (true) only when the archive is spread over several engines and some did not answer:
   * the hits, total and facets cover the other shards only. Absent on complete answers.
   */
  partial?: true;
  /** With `partial`: the names of the shards that did not answer. */
  failedShards?: string[];
}

/** How `correctedQuery` was found. */
export type CorrectionKind = 'layout' | 'translit' | 'typo' | 'split';

/** Why the query was read differently, in Russian: the no-JS results page and the widget say it alike. */
export const CORRECTION_REASONS_RU: Readonly<Record<CorrectionKind, string>> = {
  layout: 'запрос набран в другой раскладке клавиатуры',
  translit: 'запрос набран латиницей',
  typo: 'исправлены опечатки',
  split: 'слитно набранные слова разделены',
};

export interface ArticleResponse {
  id: string;
  title: string;
  url: string;
  date: string | null;
  tags: string[];
  sections: { title: string; index: number; anchor: string; text: string }[];
}

export interface ErrorBody {
  error: { code: string; message: string };
}
