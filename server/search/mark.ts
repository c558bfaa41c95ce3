/** Highlights and snippets on the original text, by folded form, stem and prefix. */
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';
import { foldWord, stemWord } from '../../core/text/stem.js';
import type { AnalyzedQuery } from './analyze.js';

/**
 * Highlighting done on the original text with the query's stems, so inflected forms are marked
 * («соглашение» marks «соглашения») and offsets are JS string offsets of the text we return —
 * no engine byte offsets involved (meilisearch-facts §4).
 */
export interface WordMatcher {
  matches(word: string): boolean;
  /**
   * False when no word starting with this UTF-16 code unit can match: most words of a text are
   * rejected on it without being cut out of the text.
   */
  mayStartWith(code: number): boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function wordMatcher(query: AnalyzedQuery): WordMatcher {
  const exact = new Set<string>();
  const stems = new Set<string>();
  const prefixes: string[] = [];
  const stemPrefixes: string[] = [];
  const formPrefixes: string[] = [];
  for (const term of query.terms) {
    for (const w of term.surface.split(' ')) exact.add(w);
    // The typed word's other case forms, as ranking counts them.
    for (const form of term.forms) exact.add(form);
    if (term.forms.length > 0) formPrefixes.push(commonPrefix(term.forms));
    for (const alternative of term.alternatives) for (const stem of alternative) stems.add(stem);
    for (const correction of term.corrections ?? []) stems.add(correction.stem);
    if (term.prefix && term.surface.length >= 2) prefixes.push(term.surface);
    // As ranking does: the word being typed also matches words whose stem starts with its stem
    // (Snowball cuts «караваны» to «карава», which «каравану» (stem «караван») starts with).
    const stem = term.alternatives[0]![0]!;
    if (term.prefix && stem.length >= 4) stemPrefixes.push(stem);
  }
  // Snowball only cuts endings, so a stem is a prefix of its word (checked on the corpus's 232k
  // distinct words): a word can match only if it starts with one of these. Most words of a text
  // are rejected by that test alone, without stemming (a lookup in a 400k-entry memo).
  const starts = [...new Set([...query.terms.flatMap((t) => t.surface.split(' ')), ...formPrefixes, ...stems, ...prefixes, ...stemPrefixes])];
  const decide = (word: string): boolean => {
    const folded = foldWord(word);
    if (!starts.some((s) => folded.startsWith(s))) return false;
    if (exact.has(folded) || prefixes.some((p) => folded.startsWith(p))) return true;
    const stem = stemWord(folded);
    return stems.has(stem) || stemPrefixes.some((p) => stem.startsWith(p));
  };
  const firstLetters = possibleFirstLetters(starts);
  const mayStartWith = (code: number): boolean => !firstLetters || !simplyFolded(code) || firstLetters.has(code);
  // One matcher marks every hit of a response: words repeat, so each distinct word is decided once.
  const decided = new Map<string, boolean>();
  return {
    matches(word: string): boolean {
      if (!mayStartWith(word.charCodeAt(0))) return false;
      let hit = decided.get(word);
      if (hit === undefined) decided.set(word, (hit = decide(word)));
      return hit;
    },
    mayStartWith,
  };
}

/** The longest prefix all the words share. */
function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const word of words) while (!word.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * ASCII and Cyrillic letters fold alone (lower case, ё→е) to one character, and a word (letters and
 * digits only, no combining marks) cannot compose them with what follows: the folded word starts
 * with the folded first letter. Others (Kelvin sign, İ, Hangul…) take the full path.
 */
function simplyFolded(code: number): boolean {
  return code < 0x80 || (code >= 0x400 && code < 0x500);
}

/** Unfolded first letters (code units) of words that can start with one of `starts`; undefined = any may. */
function possibleFirstLetters(starts: readonly string[]): Set<number> | undefined {
  if (starts.some((s) => s === '')) return undefined;
  const letters = new Set<string>();
  for (const s of starts) {
    const first = s[0]!;
    letters.add(first).add(first.toUpperCase());
    if (first === 'е') letters.add('ё').add('Ё');
  }
  return new Set([...letters].map((l) => l.charCodeAt(0)));
}

/**
 * The words of the text scanned last, in parallel arrays reused by every scan (scanning and
 * wrapping are synchronous): an object per word was ~2,000 allocations per single-word search, and
 * spans() the largest part of highlighting (issue 28).
 */
const scanned = { start: new Int32Array(1024), end: new Int32Array(1024), hit: new Uint8Array(1024), count: 0, hits: 0 };

function pushSpan(start: number, end: number, hit: boolean): void {
  if (scanned.count === scanned.start.length) {
    const grown = (from: Int32Array) => Int32Array.from({ length: from.length * 2 }, (_, i) => from[i] ?? 0);
    scanned.start = grown(scanned.start);
    scanned.end = grown(scanned.end);
    const hits = new Uint8Array(scanned.hit.length * 2);
    hits.set(scanned.hit);
    scanned.hit = hits;
  }
  scanned.start[scanned.count] = start;
  scanned.end[scanned.count] = end;
  scanned.hit[scanned.count++] = hit ? 1 : 0;
  if (hit) scanned.hits++;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Whether the code point at `i` is a letter or digit (what WORD matches), and its length in code units. */
function wordCharLength(text: string, i: number): number {
  const code = text.charCodeAt(i);
  // The common cases without a regular expression: ASCII, Russian letters and ё/Ё.
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ? 1 : 0;
  if ((code >= 0x410 && code <= 0x44f) || code === 0x401 || code === 0x451) return 1;
  const point = text.codePointAt(i)!;
  const length = point > 0xffff ? 2 : 1;
  return WORD_CHAR.test(text.slice(i, i + length)) ? length : 0;
}

/**
 * The words of a text (maximal runs of letters and digits, as WORD) with whether each matched,
 * into `scanned`. A hand-written scan rather than `matchAll(WORD)`: it is most of a search's
 * highlighting CPU, and a word whose first letter cannot match is never cut out of the text.
 */
function spans(text: string, matcher: WordMatcher): void {
  scanned.count = 0;
  scanned.hits = 0;
  let i = 0;
  while (i < text.length) {
    const first = wordCharLength(text, i);
    if (first === 0) {
      i++;
      continue;
    }
    const start = i;
    i += first;
    for (let step = wordCharLength(text, i); step > 0 && i < text.length; step = wordCharLength(text, i)) i += step;
    pushSpan(start, i, matcher.mayStartWith(text.charCodeAt(start)) && matcher.matches(text.slice(start, i)));
  }
}

/** The whole text with matched words wrapped in HIGHLIGHT_START/END. */
export function markAll(text: string, matcher: WordMatcher): string {
  spans(text, matcher);
  return wrap(text, 0, text.length, 0, scanned.count);
}

/**
 * A window of about `words` words around the densest matches, marked, with `…` where text was cut.
 * Returns undefined when no word matched (the caller may use the engine's typo-aware snippet).
 */
export function markSnippet(text: string, matcher: WordMatcher, words: number): string | undefined {
  spans(text, matcher);
  if (scanned.hits === 0) return undefined;
  const { hit, count } = scanned;
  let best = 0;
  let bestHits = -1;
  let hits = 0;
  for (let i = 0; i < count; i++) {
    if (hit[i]) hits++;
    if (i >= words && hit[i - words]) hits--;
    const start = Math.max(0, i - words + 1);
    // Prefer the earliest densest window, and one that does not start on the first match exactly.
    if (hits > bestHits) {
      bestHits = hits;
      best = start;
    }
  }
  // Give the first match a few words of context before it when the window allows.
  let firstHit = best;
  while (firstHit < count && !hit[firstHit]) firstHit++;
  if (firstHit === count) firstHit = -1;
  const lead = Math.min(4, firstHit - best < 4 ? firstHit : 0);
  const from = Math.max(0, Math.min(best, firstHit - lead));
  const to = Math.min(count, from + words);
  const startChar = from === 0 ? 0 : scanned.start[from]!;
  const endChar = to === count ? text.length : scanned.end[to - 1]!;
  const body = wrap(text, startChar, endChar, from, to);
  return `${from > 0 ? '…' : ''}${body}${to < count ? '…' : ''}`;
}

/** The first `words` words, unmarked. */
export function plainSnippet(text: string, words: number): string {
  const all = [...text.matchAll(WORD)];
  if (all.length <= words) return text;
  const last = all[words - 1]!;
  return `${text.slice(0, last.index + last[0].length)}…`;
}

/** Characters `from`–`to` of the text with the matched words among scanned words `first`–`last` (exclusive) wrapped. */
function wrap(text: string, from: number, to: number, first: number, last: number): string {
  let out = '';
  let at = from;
  for (let w = first; w < last; w++) {
    if (!scanned.hit[w]) continue;
    const start = scanned.start[w]!;
    const end = scanned.end[w]!;
    out += text.slice(at, start) + HIGHLIGHT_START + text.slice(start, end) + HIGHLIGHT_END;
    at = end;
  }
  return out + text.slice(at, to);
}
