import { createRequire } from 'node:module';
import { detachString } from './detach.js';
import { foldYo } from './normalize.js';
import { isStopWord } from './stopwords.js';

/**
 * Morphology shared by the indexer (the `stems` field) and the API (queries, re-ranking,
 * highlighting): NFC, case folding, ё→е, words split at anything that is not a letter or digit
 * (so hyphenated words give their parts, as the engine's tokenizer does), Russian Snowball stems
 * for Cyrillic words; Latin words and numbers are kept as they are (lower case).
 */

interface Stemmer {
  stem(word: string): string;
}
// snowball-stemmers is CommonJS without types.
const snowball = createRequire(import.meta.url)('snowball-stemmers') as { newStemmer(lang: string): Stemmer };
const russian = snowball.newStemmer('russian');

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /[а-я]/;
/** Stems of very short words are not words; keep them whole. */
const MIN_STEM_INPUT = 3;

/** One word as the engine's folded form: NFC, lower case, ё→е. */
export function foldWord(word: string): string {
  return foldYo(word.normalize('NFC').toLowerCase());
}

/** Folded words of a text, in order (stop words included). */
export function words(text: string): string[] {
  return (text.normalize('NFC').match(WORD) ?? []).map(foldWord);
}

/**
 * News repeats its words: the corpus has ~300k distinct word forms in 7.9M words, and Snowball was
 * over half of the indexer's CPU, so word → result is memoised. Each memo is a plain Map emptied
 * when it reaches its cap: that bounds memory (a long-running server meets an unbounded
 * vocabulary) at the price of re-stemming after a reset.
 */
const MEMO_LIMIT = 400_000;
/**
 * Lookups in a 300k-entry Map miss the CPU cache; a few thousand words make half of all tokens
 * (Zipf). So each memo has a small front Map, filled with the first HOT_LIMIT words met a second
 * time — in news, mostly the common ones — and looked up first.
 */
const HOT_LIMIT = 8192;

/** Empties of every memo, for clearStemMemos(). */
const memoClears: (() => void)[] = [];

/**
 * Forgets every memoised word (they are refilled as words come). A server calls it after reading a
 * whole index: the memos then hold every word form of the archive (~300k at 50k chunks, tens of MB
 * of heap) that only the next full read would use again.
 */
export function clearStemMemos(): void {
  for (const clear of memoClears) clear();
}

function memoised<R>(compute: (key: string) => R): (key: string) => R {
  const memo = new Map<string, R>();
  const hot = new Map<string, R>();
  memoClears.push(() => {
    memo.clear();
    hot.clear();
  });
  return (key) => {
    const hotHit = hot.get(key);
    if (hotHit !== undefined) return hotHit;
    const hit = memo.get(key);
    if (hit !== undefined) {
      if (hot.size < HOT_LIMIT) hot.set(key, hit);
      return hit;
    }
    const value = compute(key);
    if (memo.size >= MEMO_LIMIT) {
      memo.clear();
      hot.clear();
    }
    // The memo outlives the texts its words came from: keep copies, not slices of those texts.
    const kept = typeof value === 'string' ? (detachString(value) as R) : value;
    memo.set(detachString(key), kept);
    return kept;
  };
}

/** The stem of one folded word. */
export const stemWord: (folded: string) => string = memoised((folded) =>
  folded.length < MIN_STEM_INPUT || !CYRILLIC.test(folded) ? folded : russian.stem(folded),
);

/** A word as it occurs in (NFC) text → its stem, or null for a stop word. */
const indexTerm = memoised<string | null>((token) => {
  const folded = foldWord(token);
  return isStopWord(folded) ? null : stemWord(folded);
});

/** A word as it occurs in (NFC) text → its folded form, or null for a stop word. */
const indexWord = memoised<string | null>((token) => {
  const folded = foldWord(token);
  return isStopWord(folded) ? null : folded;
});

/** Folded words of a text without stop words, in order: the words `stems()` stems, one for one. */
export function indexWords(text: string): string[] {
  const out: string[] = [];
  for (const token of text.normalize('NFC').match(WORD) ?? []) {
    const word = indexWord(token);
    if (word !== null) out.push(word);
  }
  return out;
}

/** Stems of a text without stop words, in order. */
export function stems(text: string): string[] {
  const out: string[] = [];
  appendStems(text, out);
  return out;
}

function appendStems(text: string, out: string[]): void {
  const tokens = text.normalize('NFC').match(WORD);
  if (tokens === null) return;
  for (const token of tokens) {
    const term = indexTerm(token);
    if (term !== null) out.push(term);
  }
}

/** The derived searchable fields of a chunk, stored next to the original text. */
export interface SearchFields {
  /** Stems of the section title and the passage, space-separated (the title first). */
  stems: string;
}

export function searchFields(sectionTitle: string, text: string): SearchFields {
  const out = stems(sectionTitle);
  appendStems(text, out);
  return { stems: out.join(' ') };
}
