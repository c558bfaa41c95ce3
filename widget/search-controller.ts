import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SearchResponse } from '../core/api.js';
import { fetchResults } from './fetch-results.js';

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

export interface SearchOptions {
  endpoint: string;
  debounceMs: number;
  minLength: number;
  pageSize: number;
}

/** The API's largest `limit`; "show more" raises the limit up to it. */
export const MAX_LIMIT = 50;

/**
 * Search-as-you-type, shaped like `@lit/task`: debounce, abort the previous request, and keep only
 * the latest run's answer (a run counter compared after the await), so a slow early response can
 * never overwrite a later query's results.
 */
export class SearchController implements ReactiveController {
  status: SearchStatus = 'idle';
  response: SearchResponse | undefined;
  error: string | undefined;
  /** The query of the latest run (trimmed). */
  query = '';
  private limit = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: AbortController | undefined;
  private run = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: () => SearchOptions,
    private readonly onResults: (response: SearchResponse) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** Schedule a search after the debounce delay (or now, with a debounce of 0). */
  input(q: string): void {
    clearTimeout(this.timer);
    const { debounceMs } = this.options();
    if (debounceMs <= 0) void this.search(q);
    else this.timer = setTimeout(() => void this.search(q), debounceMs);
  }

  /** Search now, from the first page. */
  search(q: string): Promise<void> {
    return this.execute(q.trim(), this.options().pageSize);
  }

  /** Ask again for the same query (after an error). */
  retry(): Promise<void> {
    return this.execute(this.query, this.limit || this.options().pageSize);
  }

  get canShowMore(): boolean {
    const r = this.response;
    return this.status === 'done' && !!r && r.hits.length < r.total && this.limit < MAX_LIMIT;
  }

  /** One more page of the same query. */
  showMore(): Promise<void> {
    return this.execute(this.query, Math.min(MAX_LIMIT, this.limit + this.options().pageSize));
  }

  /** Forget the query and the results. */
  reset(): void {
    this.cancel();
    this.query = '';
    this.response = undefined;
    this.error = undefined;
    this.status = 'idle';
    this.host.requestUpdate();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.inflight?.abort();
    this.run++;
  }

  private async execute(q: string, limit: number): Promise<void> {
    this.cancel();
    const run = this.run;
    const { endpoint, minLength } = this.options();
    this.query = q;
    this.limit = limit;
    if (q.length < minLength) {
      this.status = 'idle';
      this.response = undefined;
      this.host.requestUpdate();
      return;
    }
    const abort = new AbortController();
    this.inflight = abort;
    this.status = 'loading';
    this.host.requestUpdate();
    try {
      const response = await fetchResults(endpoint, { q, limit }, abort.signal);
      if (run !== this.run) return;
      this.response = response;
      this.status = 'done';
      this.error = undefined;
      this.onResults(response);
    } catch (error) {
      if (run !== this.run) return;
      this.status = 'error';
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.host.requestUpdate();
  }
}
