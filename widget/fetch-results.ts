import type { ErrorBody, SearchResponse } from '../core/api.js';

/** The API answered with an error, or could not be reached. `status` is 0 for network failures. */
export class SearchFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface SearchParams {
  q: string;
  limit: number;
}

/** The widget's one HTTP call: `GET endpoint?q&limit` → SearchResponse (the core/api.ts contract). */
export async function fetchResults(endpoint: string, params: SearchParams, signal: AbortSignal): Promise<SearchResponse> {
  const url = new URL(endpoint, document.baseURI);
  url.searchParams.set('q', params.q);
  url.searchParams.set('limit', String(params.limit));
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new SearchFailed('network error', 0);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
    throw new SearchFailed(body?.error?.message ?? `HTTP ${res.status}`, res.status);
  }
  return (await res.json()) as SearchResponse;
}
