/**
 * Text normalisation shared by the indexer and the API, so that documents and queries meet in the
 * same form. Meilisearch 1.21 folds case itself but does not merge ё/е (meilisearch-facts §1).
 */

/** Private-use characters we use as highlight markers; they must never occur in indexed text. */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uE000\uE001]/g;

/** Clean text for storage and display: NFC, no control or marker characters, unified spaces. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(CONTROL, '').replace(/[\u00A0\u2007\u202F]/g, ' ');
}

/** Fold ё→е in both cases, preserving case. */
export function foldYo(text: string): string {
  return text.replace(/ё/g, 'е').replace(/Ё/g, 'Е');
}

/** The form of a query sent to the engine. */
export function normalizeQuery(q: string): string {
  return cleanText(q).replace(/\s+/g, ' ').trim();
}
