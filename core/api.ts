/**
 * The public HTTP API contract. The widget imports these *types only* (erased by esbuild), so no
 * runtime code from here reaches the bundle.
 */

/** A run of text; `highlight` marks the words that matched the query. Never HTML. */
export interface Segment {
  text: string;
  highlight: boolean;
}

export interface SearchHit {
  id: string;
  article: { id: string; title: string; url: string; date: string | null; tags: string[] };
  section: { title: string; index: number; anchor: string };
  /** Article url + `#anchor`. */
  url: string;
  snippet: Segment[];
  titleHighlight: Segment[];
}

export interface SearchResponse {
  query: string;
  total: number;
  limit: number;
  offset: number;
  processingTimeMs: number;
  hits: SearchHit[];
}

export interface ErrorBody {
  error: { code: string; message: string };
}
