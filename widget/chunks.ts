import { unsafeCSS, type CSSResult } from 'lit';
import { addStrings } from './i18n.js';

/**
 * The widget's lazy parts, kept out of widget.js (the file a page loads to show the search box) to
 * hold it under 12 KB gzipped: the result panel (results, filters, correction notice), modal
 * mode's dialog, the English strings and search analytics. esbuild
 * emits each as a hashed chunk beside widget.js (scripts/build.ts); the server sends them with CORS
 * and immutable caching (server/routes/static.ts), so `import()` works from any embedding page.
 *
 * Each loads once per page, for every widget on it. A chunk that fails to load (offline, blocked)
 * is not retried: its feature stays absent and the search itself keeps working.
 */
type PanelChunk = typeof import('./lazy/panel.js');
type ModalChunk = typeof import('./lazy/modal.js');
type AnalyticsChunk = typeof import('./lazy/analytics.js');

export const loaded: { panel?: PanelChunk; modal?: ModalChunk; english?: true; analytics?: AnalyticsChunk } = {};

/** The styles of the chunks loaded so far, in load order; each widget adopts the ones it lacks. */
export const chunkStyles: CSSResult[] = [];

function once(load: () => Promise<void>): () => Promise<void> {
  let loading: Promise<void> | undefined;
  return () => (loading ??= load().catch((error: unknown) => console.warn('<news-search>: a part of the widget failed to load', error)));
}

export const loadPanel = once(async () => {
  const chunk = await import('./lazy/panel.js');
  addStrings('ru', chunk.ru);
  chunkStyles.push(unsafeCSS(chunk.styles));
  loaded.panel = chunk;
});

export const loadModal = once(async () => {
  const chunk = await import('./lazy/modal.js');
  chunkStyles.push(unsafeCSS(chunk.styles));
  loaded.modal = chunk;
});

export const loadEnglish = once(async () => {
  addStrings('en', (await import('./lazy/english.js')).en);
  loaded.english = true;
});

/** Search analytics, once an answer said the server collects (news-search.ts decides). */
export const loadAnalytics = once(async () => {
  loaded.analytics = await import('./lazy/analytics.js');
});
