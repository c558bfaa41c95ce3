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

interface WordSpan {
  start: number;
  end: number;
  hit: boolean;
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
 * The words of a text (maximal runs of letters and digits, as WORD) with whether each matched.
 * A hand-written scan rather than `matchAll(WORD)`: it is most of a search's highlighting CPU, and
 * a word whose first letter cannot match is never cut out of the text.
 */
function spans(text: string, matcher: WordMatcher): WordSpan[] {
  const out: WordSpan[] = [];
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
    const hit = matcher.mayStartWith(text.charCodeAt(start)) && matcher.matches(text.slice(start, i));
    out.push({ start, end: i, hit });
  }
  return out;
}

/** The whole text with matched words wrapped in HIGHLIGHT_START/END. */
export function markAll(text: string, matcher: WordMatcher): string {
  return wrap(text, 0, text.length, spans(text, matcher));
}

/**
 * A window of about `words` words around the densest matches, marked, with `…` where text was cut.
 * Returns undefined when no word matched (the caller may use the engine's typo-aware snippet).
 */
export function markSnippet(text: string, matcher: WordMatcher, words: number): string | undefined {
  const all = spans(text, matcher);
  if (!all.some((s) => s.hit)) return undefined;
  let best = 0;
  let bestHits = -1;
  let hits = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.hit) hits++;
    if (i >= words && all[i - words]!.hit) hits--;
    const start = Math.max(0, i - words + 1);
    // Prefer the earliest densest window, and one that does not start on the first match exactly.
    if (hits > bestHits) {
      bestHits = hits;
      best = start;
    }
  }
  // Give the first match a few words of context before it when the window allows.
  const firstHit = all.findIndex((s, i) => i >= best && s.hit);
  const lead = Math.min(4, firstHit - best < 4 ? firstHit : 0);
  const from = Math.max(0, Math.min(best, firstHit - lead));
  const to = Math.min(all.length, from + words);
  const startChar = from === 0 ? 0 : all[from]!.start;
  const endChar = to === all.length ? text.length : all[to - 1]!.end;
  const body = wrap(text, startChar, endChar, all.slice(from, to));
  return `${from > 0 ? '…' : ''}${body}${to < all.length ? '…' : ''}`;
}

/** The first `words` words, unmarked. */
export function plainSnippet(text: string, words: number): string {
  const all = [...text.matchAll(WORD)];
  if (all.length <= words) return text;
  const last = all[words - 1]!;
  return `${text.slice(0, last.index + last[0].length)}…`;
}

function wrap(text: string, from: number, to: number, words: WordSpan[]): string {
  let out = '';
  let at = from;
  for (const w of words) {
    if (!w.hit) continue;
    out += text.slice(at, w.start) + HIGHLIGHT_START + text.slice(w.start, w.end) + HIGHLIGHT_END;
    at = w.end;
  }
  return out + text.slice(at, to);
}
