import { ANALYTICS_HEADER } from '../core/analytics-report.js';
import type { ErrorBody, SearchResponse, SortOrder } from '../core/api.js';

/** The API answered with an error, or could not be reached. `status` is 0 for network failures. */
export class SearchFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The API's error code (`invalid_parameter`, `engine_unavailable`, …), or `network`. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** The reader's narrowing of a search; only what is set is sent, so older servers keep answering. */
export interface SearchFilters {
  /** Search what was typed: no keyboard-layout/transliteration correction. */
  exact?: boolean;
  tag?: string;
  /** Inclusive `YYYY-MM-DD` bounds. */
  from?: string;
  to?: string;
  sort?: SortOrder;
}

export interface SearchParams {
  q: string;
  limit: number;
  /** Sent only when > 0, so servers that predate paging by offset keep answering the first page. */
  offset: number;
  filters: SearchFilters;
}

export interface Answer {
  response: SearchResponse;
  /** The server collects search analytics (its ANALYTICS_HEADER): the widget may report (lazy/analytics.ts). */
  collects: boolean;
}

/** The widget's one search call: `GET endpoint?q&limit[&offset][&filters]` → SearchResponse (the core/api.ts contract). */
export async function fetchResults(endpoint: string, params: SearchParams, signal: AbortSignal): Promise<Answer> {
  const url = new URL(endpoint, document.baseURI);
  url.searchParams.set('q', params.q);
  url.searchParams.set('limit', String(params.limit));
  if (params.offset > 0) url.searchParams.set('offset', String(params.offset));
  const { exact, ...narrowing } = params.filters;
  if (exact) url.searchParams.set('exact', '1');
  for (const [name, value] of Object.entries(narrowing)) if (value) url.searchParams.set(name, value);
  let res: Response;
  try {
    // No cookies: a search needs none, and the site's cookies are the reader's, not ours to receive.
    res = await fetch(url, { signal, credentials: 'omit', headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new SearchFailed('network error', 0, 'network');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
    const message = body?.error?.message ?? `HTTP ${res.status}`;
    // The endpoint's own query string is kept; when the API refuses it, say so to the site's developer.
    if (res.status === 400 && new URL(endpoint, document.baseURI).search) {
      console.error(`<news-search>: the API refuses the endpoint attribute's parameters (${endpoint}): ${message}`);
    }
    throw new SearchFailed(message, res.status, body?.error?.code ?? 'http');
  }
  return { response: (await res.json()) as SearchResponse, collects: res.headers.get(ANALYTICS_HEADER) === '1' };
}
