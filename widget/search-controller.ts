import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SearchResponse } from '../core/api.js';
import { clipQuery } from '../core/query-length.js';
import { fetchResults, SearchFailed, type SearchFilters } from './fetch-results.js';

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

export interface SearchOptions {
  endpoint: string;
  debounceMs: number;
  minLength: number;
  pageSize: number;
  /** Read when a search starts; "show more" and "retry" keep the filters of the results they extend. */
  filters: SearchFilters;
}

/** The API's largest `limit` and `offset` (the documented contract). */
export const MAX_LIMIT = 50;
export const MAX_OFFSET = 1000;
/** A request slower than this shows the loading state; faster ones go straight to their results. */
export const SLOW_AFTER_MS = 150;

interface Attempt {
  q: string;
  limit: number;
  offset: number;
  filters: SearchFilters;
  /** The results shown so far, which the answer extends ("show more"). */
  previous: SearchResponse | undefined;
}

/**
 * Search-as-you-type, shaped like `@lit/task`: debounce, abort the previous request, and keep only
 * the latest run's answer (a run counter compared after the await), so a slow early response can
 * never overwrite a later query's results.
 *
 * "Show more" asks for the next page by `offset`. A server that predates `offset` rejects it as an
 * unknown parameter; then, and from then on, the next page comes from a larger `limit` instead.
 */
export class SearchController implements ReactiveController {
  status: SearchStatus = 'idle';
  response: SearchResponse | undefined;
  error: string | undefined;
  /** The query of the latest run (trimmed). */
  query = '';
  /** The pending request has taken long enough to show a loading indicator. */
  slow = false;
  /** The latest answer said the server collects search analytics. */
  collects = false;
  private slowTimer: ReturnType<typeof setTimeout> | undefined;
  /** The latest run: its query, page and filters. */
  attempt: Attempt | undefined;
  private offsetPaging = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The query waiting for the debounce. */
  private pending: string | undefined;
  /** The search to run again when the element is back on the page (it was taken off mid-search). */
  private resume: (() => Promise<void>) | undefined;
  /** The HTTP status of the last failure (0: network). */
  private failedStatus = 0;
  private inflight: AbortController | undefined;
  private run = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: () => SearchOptions,
    private readonly onResults: (response: SearchResponse) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    const resume = this.resume;
    this.resume = undefined;
    void resume?.();
  }

  /**
   * Moved or re-added while a search was pending or on its way: the request is aborted, and the
   * same search runs again when the element is back, so it never stays on old results under
   * the loading state.
   */
  hostDisconnected(): void {
    const { pending, attempt } = this;
    if (pending !== undefined) this.resume = () => this.search(pending);
    else if (this.status === 'loading' && attempt) this.resume = () => this.execute(attempt);
    this.cancel();
  }

  /** Schedule a search after the debounce delay (or now, with a debounce of 0). */
  input(q: string): void {
    clearTimeout(this.timer);
    const { debounceMs } = this.options();
    if (debounceMs <= 0) return void this.search(q);
    this.pending = q;
    this.timer = setTimeout(() => void this.search(q), debounceMs);
  }

  /** Search now, from the first page. */
  search(q: string): Promise<void> {
    const { pageSize, filters } = this.options();
    return this.execute({ q: clipQuery(q.trim()), limit: pageSize, offset: 0, filters, previous: undefined });
  }

  /** Ask again exactly as last time (after an error). */
  retry(): Promise<void> {
    return this.attempt ? this.execute(this.attempt) : Promise.resolve();
  }

  /** A retry can help: the failure was the network or the server, not a request the API refuses (4xx). */
  get canRetry(): boolean {
    const status = this.failedStatus;
    return status < 400 || status > 499 || status === 408 || status === 429;
  }

  get canShowMore(): boolean {
    const shown = this.response?.hits.length ?? 0;
    if (this.status !== 'done' || shown >= (this.response?.total ?? 0)) return false;
    return this.offsetPaging ? shown <= MAX_OFFSET : shown < MAX_LIMIT;
  }

  /** The next page of the same query, added under the results already shown. */
  showMore(): Promise<void> {
    const previous = this.response;
    const filters = this.attempt?.filters;
    if (!previous || !filters || this.status !== 'done') return Promise.resolve();
    const { pageSize } = this.options();
    return this.offsetPaging
      ? this.execute({ q: this.query, limit: pageSize, offset: previous.hits.length, filters, previous })
      : this.execute({ q: this.query, limit: Math.min(MAX_LIMIT, previous.hits.length + pageSize), offset: 0, filters, previous: undefined });
  }

  /** Forget the query and the results. */
  reset(): void {
    this.cancel();
    this.query = '';
    this.attempt = undefined;
    this.response = undefined;
    this.error = undefined;
    this.status = 'idle';
    this.host.requestUpdate();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.pending = undefined;
    clearTimeout(this.slowTimer);
    this.slow = false;
    this.inflight?.abort();
    this.run++;
  }

  private async execute(attempt: Attempt): Promise<void> {
    this.cancel();
    const run = this.run;
    const { endpoint, minLength } = this.options();
    this.query = attempt.q;
    this.attempt = attempt;
    if (attempt.q.length < minLength) {
      this.status = 'idle';
      this.response = undefined;
      this.host.requestUpdate();
      return;
    }
    const abort = new AbortController();
    this.inflight = abort;
    // No re-render when a request starts: the previous results stay as they are, and a fast answer
    // replaces them in one update, leaving the main thread free while the response is on its way.
    // Only a slow request shows the loading state.
    this.status = 'loading';
    this.slowTimer = setTimeout(() => {
      this.slow = true;
      this.host.requestUpdate();
    }, SLOW_AFTER_MS);
    try {
      const { response, collects } = await fetchResults(endpoint, attempt, abort.signal);
      if (run !== this.run) return;
      this.settle();
      this.collects = collects;
      this.response = attempt.previous ? appendPage(attempt.previous, response) : response;
      this.status = 'done';
      this.error = undefined;
      this.onResults(this.response);
    } catch (error) {
      if (run !== this.run) return;
      this.settle();
      if (attempt.offset > 0 && rejectsOffset(error)) {
        this.offsetPaging = false;
        return this.showMoreByLimit(attempt);
      }
      this.status = 'error';
      this.error = error instanceof Error ? error.message : String(error);
      this.failedStatus = error instanceof SearchFailed ? error.status : 0;
    }
    this.host.requestUpdate();
  }

  private settle(): void {
    clearTimeout(this.slowTimer);
    this.slow = false;
  }

  private showMoreByLimit(attempt: Attempt): Promise<void> {
    const limit = Math.min(MAX_LIMIT, attempt.offset + attempt.limit);
    return this.execute({ ...attempt, limit, offset: 0, previous: undefined });
  }
}

/** The next page under the current one; a hit that moved between pages (the index changed) shows once. */
function appendPage(previous: SearchResponse, page: SearchResponse): SearchResponse {
  const seen = new Set(previous.hits.map((h) => h.id));
  return { ...page, offset: previous.offset, hits: [...previous.hits, ...page.hits.filter((h) => !seen.has(h.id))] };
}

function rejectsOffset(error: unknown): boolean {
  return error instanceof SearchFailed && error.code === 'invalid_parameter' && error.message.includes('offset');
}

