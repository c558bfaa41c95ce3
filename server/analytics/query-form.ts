/**
 * What a query becomes before anything about it is kept: personal data masked, and the analysed
 * form it is grouped by (case, ё/е and word forms together: the same folding and stems the search
 * uses, core/text/stem.ts), so «Путина», «путин» and «ПУТИН» are one row.
 */
import { normalizeQuery } from '../../core/text/normalize.js';
import { foldWord, stemWord } from '../../core/text/stem.js';

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
  let text = normalizeQuery(q);
  for (const [pattern, placeholder] of MASKS) text = text.replace(pattern, placeholder);
  return text.slice(0, 200);
}

const TOKEN = /\[(?:url|email|phone|digits)\]|[\p{L}\p{N}]+/gu;

/** The analysed form of a masked query: folded words, Russian stems, in order; '' for none. */
export function queryKey(masked: string): string {
  const tokens = masked.normalize('NFC').match(TOKEN);
  if (!tokens) return '';
  return tokens.map((t) => (t.startsWith('[') ? t : stemWord(foldWord(t)))).join(' ');
}
