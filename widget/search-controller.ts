import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SearchResponse } from '../core/api.js';
import { fetchResults } from './fetch-results.js';

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

/**
 * Search-as-you-type: debounce, abort the previous request, and keep only the latest answer, so a
 * slow early response can never overwrite a later query's results.
 */
export class SearchController implements ReactiveController {
  status: SearchStatus = 'idle';
  response: SearchResponse | undefined;
  error: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: AbortController | undefined;
  private generation = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: () => { endpoint: string; debounceMs: number; minLength: number; limit: number },
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.cancel();
  }

  /** Schedule a search after the debounce delay. */
  input(q: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(q), this.options().debounceMs);
  }

  /** Search now. */
  async run(q: string): Promise<void> {
    clearTimeout(this.timer);
    this.inflight?.abort();
    const generation = ++this.generation;
    const { endpoint, minLength, limit } = this.options();
    if (q.trim().length < minLength) {
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
      const response = await fetchResults(endpoint, q.trim(), limit, abort.signal);
      if (generation !== this.generation) return;
      this.response = response;
      this.status = 'done';
      this.error = undefined;
    } catch (error) {
      if (generation !== this.generation || abort.signal.aborted) return;
      this.status = 'error';
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.host.requestUpdate();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.inflight?.abort();
    this.generation++;
  }
}
