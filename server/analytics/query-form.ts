/**
 * What a query becomes before anything about it is kept: personal data masked, and the analysed
 * form it is grouped by (case, ё/е and word forms together: the same folding and stems the search
 * uses, core/text/stem.ts), so «Путина», «путин» and «ПУТИН» are one row.
 */
import { normalizeQuery } from '../../core/text/normalize.js';
import { stems, words } from '../../core/text/stem.js';

/**
 * Masks, in this order (a URL may hold an e-mail or digits; a phone number is a digit run with
 * separators). Each replaces the whole match with a fixed placeholder, so nothing of it is kept.
 */
const MASKS: readonly (readonly [RegExp, string])[] = [
  [/\b(?:https?:\/\/|www\.)\S+/giu, '[url]'],
  [/\b[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+\b/giu, '[email]'],
  // Phone numbers: +7 (912) 345-67-89, 8-912-345-67-89, 912 345 67 89 … (7+ digits with separators).
  [/\+?\d(?:[\s().-]*\d){6,}/gu, '[phone]'],
  // Any remaining run of 5+ digits (card, passport, account numbers); years (4 digits) stay.
  [/\d{5,}/gu, '[digits]'],
  [/\b[\p{L}\p{N}-]+\.(?:ru|рф|com|org|net|su|info|io)(?:\/\S*)?/giu, '[url]'],
];

/** The query as it may be stored and shown: normalized, personal data replaced by placeholders. */
export function maskQuery(q: string): string {
  return maskNormalized(normalizeQuery(q));
}

/** maskQuery() of a query already normalized (normalizeQuery: the search's own form of it). */
export function maskNormalized(text: string): string {
  for (const [pattern, placeholder] of MASKS) text = text.replace(pattern, placeholder);
  return text.slice(0, 200);
}

const PLACEHOLDER = /(\[(?:url|email|phone|digits)\])/u;

/**
 * The analysed form of a masked query: the search's own stems (core/text/stem.ts: case, ё/е, word
 * forms, stop words left out) with the placeholders kept as they are; a query of stop words only
 * keeps its folded words. '' for none.
 */
export function queryKey(masked: string): string {
  const out: string[] = [];
  for (const part of masked.split(PLACEHOLDER)) {
    if (PLACEHOLDER.test(part)) out.push(part);
    else out.push(...stems(part));
  }
  return (out.length > 0 ? out : words(masked)).join(' ');
}
