/**
 * Lazy chunk: search analytics (core/analytics-report.ts is the contract, docs/widget.md what is
 * sent). The entry loads it only after a search answer said the server collects, and never with
 * `analytics="off"` or the reader's Global Privacy Control; each report checks `reporting` again, so
 * switching either on later stops what is pending. Like every chunk it imports nothing at run time from Lit
 * or the entry (the build refuses a shared chunk).
 *
 * The widget's answers arrive per keystroke («с», «со», … «соглашение»); only a *final* query is
 * reported: its results were shown and then a result was chosen, about 2 s passed without input,
 * or the reader left (cleared the field — the second Escape —, closed the dialog, hid the page, removed the widget; the first Escape only collapses the list) after they had
 * been on screen for at least 1 s. A query made final by the pause is sent when the reader moves
 * on (the next query's results, leaving), not at the pause, so a result chosen after reading
 * still counts for it: one report per final query, with its click.
 *
 * Nothing identifies the reader: no id, cookie or storage; `prev` (the previous final query, for
 * reformulations) lives in this object only, for as long as the element does.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AnalyticsReport } from '../../core/analytics-report.js';
import type { SearchResponse } from '../../core/api.js';
import type { SearchFilters } from '../fetch-results.js';

/** What the reporting needs from its element. */
export interface AnalyticsHost extends ReactiveControllerHost, HTMLElement {
  /** The search API's URL; reports go to ANALYTICS_REPORT_PATH beside it. */
  endpoint: string;
  /** False once the page set `analytics="off"` or the reader has Global Privacy Control on. */
  readonly reporting: boolean;
}

/** Results on screen this long without input make their query final. */
export const IDLE_MS = 2000;
/** Leaving counts results as seen once they were on screen this long. */
export const SEEN_MS = 1000;

type Pending = Omit<AnalyticsReport, 'prev' | 'prevMissed' | 'end'>;

interface Candidate {
  /** The query and its filters: a later answer with the same key (show more, "search exactly", retry) continues it. */
  key: string;
  report: Pending;
  shownAt: number;
  /** Set once the query is final by the pause. */
  idle?: true;
}

/** The reporting for one `<news-search>`; the entry tells it what was shown, chosen and paged. */
export class SearchAnalytics implements ReactiveController {
  private current: Candidate | undefined;
  /** The previous final query, kept only while it missed (no result, or no click): reformulations. */
  private prev: Pick<AnalyticsReport, 'prev' | 'prevMissed'> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `reportPath` is core/analytics-report.ts's ANALYTICS_REPORT_PATH, passed in by the entry: the
   * entry imports that module too (the header), and a module both import at run time would become
   * a shared chunk that widget.js loads statically.
   */
  constructor(
    private readonly host: AnalyticsHost,
    private readonly reportPath: string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('input', this.onInput);
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.leave);
  }

  hostDisconnected(): void {
    this.leave();
    this.host.removeEventListener('input', this.onInput);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.leave);
  }

  /** An answer is on screen: `q` as searched, the filters it was searched with. */
  shown(q: string, filters: SearchFilters, response: SearchResponse): void {
    const { exact, ...narrowing } = filters;
    const set = Object.entries(narrowing).filter(([, value]) => value);
    const key = JSON.stringify([q, set]);
    let candidate = this.current;
    if (candidate?.key !== key) {
      this.settle();
      candidate = this.current = { key, shownAt: Date.now(), report: { v: 1, q, total: 0, more: 0 } };
      if (set.length) candidate.report.filters = Object.fromEntries(set);
    }
    const { report } = candidate;
    report.total = response.total;
    if (response.correctedQuery) report.correction = { to: response.correctedQuery, rejected: false };
    else if (exact && report.correction) report.correction.rejected = true;
    if (!candidate.idle) this.wait(candidate);
  }

  /** A result was chosen: `position` 1-based in the whole list shown. */
  chosen(position: number, id: string): void {
    const candidate = this.current;
    if (!candidate) return;
    candidate.report.click = { position, id };
    this.send(candidate, 'click');
  }

  /** "Show more" was used on the results shown. */
  more(): void {
    if (this.current) this.current.report.more++;
  }

  /** The reader left the results: a query final by the pause, or on screen ≥ SEEN_MS, is reported. */
  readonly leave = (): void => {
    const candidate = this.current;
    if (candidate && (candidate.idle || Date.now() - candidate.shownAt >= SEEN_MS)) this.send(candidate, candidate.idle ? 'idle' : 'leave');
    this.drop();
  };

  /** Another query's results replace these: report them if final, otherwise they were a passing prefix. */
  private settle(): void {
    if (this.current?.idle) this.send(this.current, 'idle');
    this.drop();
  }

  private wait(candidate: Candidate): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (candidate.idle = true), IDLE_MS);
  }

  private drop(): void {
    clearTimeout(this.timer);
    this.current = undefined;
  }

  private send(candidate: Candidate, end: AnalyticsReport['end']): void {
    const { q, total, click } = candidate.report;
    const report: AnalyticsReport = { ...candidate.report, ...this.prev, end };
    this.prev = click ? undefined : { prev: q, prevMissed: total ? 'no-click' : 'zero' };
    this.drop();
    if (!this.host.reporting) return;
    // fetch with keepalive outlives a navigation (the chosen result's page) like sendBeacon, but
    // sendBeacon always sends the reader's cookies for the API's host; this sends none. text/plain
    // and no-cors: a simple request, no preflight, nothing to read back.
    const url = new URL(this.reportPath, new URL(this.host.endpoint, document.baseURI));
    fetch(url, {
      method: 'POST',
      body: JSON.stringify(report),
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      keepalive: true,
      credentials: 'omit',
      mode: 'no-cors',
    }).catch(() => undefined);
  }

  /** Typing in the field: the pause starts again; emptying it is leaving. */
  private readonly onInput = (event: Event): void => {
    const field = event.composedPath()[0];
    if (!(field instanceof HTMLInputElement) || field.getAttribute('role') !== 'combobox') return;
    if (!field.value.trim()) return this.leave();
    if (!this.current?.idle) clearTimeout(this.timer);
  };


  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.leave();
  };
}
