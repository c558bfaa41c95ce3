import type { ErrorBody, SearchResponse } from '../core/api.js';

export class SearchFailed extends Error {}

export async function fetchResults(endpoint: string, q: string, limit: number, signal: AbortSignal): Promise<SearchResponse> {
  const url = new URL(endpoint, document.baseURI);
  url.searchParams.set('q', q);
  url.searchParams.set('limit', String(limit));
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
    throw new SearchFailed(body?.error?.message ?? `HTTP ${res.status}`);
  }
  return (await res.json()) as SearchResponse;
}
