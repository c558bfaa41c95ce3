/**
 * The contract between the widget and the server's search analytics (docs/analytics.md). The
 * widget imports these types only (erased by esbuild); the server validates the body itself.
 *
 * One report per *final* query of a widget session (not per keystroke): the results were shown and
 * then a result was chosen (`click`), about 2 s passed without input (`idle`), or the reader left
 * (cleared, Esc, page hidden) after the results had been on screen for at least 1 s (`leave`).
 *
 * Sent with fetch(keepalive) or navigator.sendBeacon as `text/plain;charset=UTF-8` (no CORS
 * preflight), credentials omitted, to ANALYTICS_REPORT_PATH beside the search endpoint
 * (`…/api/search` → `…/api/analytics/events`). The server answers 204 whether or not it counted the
 * report (a report for a query it never answered in the last day is dropped), 400 naming the field
 * for a malformed body, 413 over ANALYTICS_REPORT_MAX_BYTES, 404 when analytics is off.
 *
 * The widget sends only after a search answer carried `ANALYTICS_HEADER: 1` (the server collects),
 * and never with `analytics="off"` or `navigator.globalPrivacyControl`. Nothing identifies the
 * reader: no id, no cookie, no storage; `prev` lives in the widget's memory only.
 */
export interface AnalyticsReport {
  v: 1;
  /** The final query as typed (the widget's clipped text, ≤ MAX_QUERY_CHARS). */
  q: string;
  /** The filter parameters of that search, as sent (`tag`, `from`, `to`, `sort`, `group`, `article`); absent = none. */
  filters?: { tag?: string; from?: string; to?: string; sort?: 'relevance' | 'date'; group?: 'section' | 'article'; article?: string };
  /** `total` of the answer shown. */
  total: number;
  /** A correction was shown (the answer's corrected query); `rejected`: the reader chose "search exactly". */
  correction?: { to: string; rejected: boolean };
  /** The result chosen: 1-based position in the whole list shown (page 2 continues at 11), and its hit id. */
  click?: { position: number; id: string };
  /** How many times "show more" was used. */
  more: number;
  /**
   * The previous final query of this widget session, sent only when it missed (`prevMissed`): a
   * reformulation is a zero-result or unclicked query followed by a clicked one. Absent for the
   * first query and after a clicked one.
   */
  prev?: string;
  /** How the previous final query missed: `zero` results, or results and `no-click`. Sent with `prev`, ignored without it (a `prev` without it, from an older widget, is no reformulation). */
  prevMissed?: 'zero' | 'no-click';
  /** What made the query final. */
  end: 'click' | 'idle' | 'leave';
}

/** Relative to the search endpoint's directory: `/api/search` → `/api/analytics/events`. */
export const ANALYTICS_REPORT_PATH = 'analytics/events';
/** Search answers carry this header (value `1`) when the server collects analytics. */
export const ANALYTICS_HEADER = 'x-search-analytics';
/** Room for the three texts (`q`, `correction.to`, `prev`) at 1,500 characters each even \u-escaped (12 bytes a character outside the BMP), plus the rest. */
export const ANALYTICS_REPORT_MAX_BYTES = 3 * 1500 * 12 + 4096;
