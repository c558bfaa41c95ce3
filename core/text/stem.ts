import { createRequire } from 'node:module';
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

/** The stem of one folded word. */
export function stemWord(folded: string): string {
  if (folded.length < MIN_STEM_INPUT || !CYRILLIC.test(folded)) return folded;
  return russian.stem(folded);
}

/** Stems of a text without stop words, in order. */
export function stems(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) if (!isStopWord(word)) out.push(stemWord(word));
  return out;
}

/** The derived searchable fields of a chunk, stored next to the original text. */
export interface SearchFields {
  /** Stems of the section title and the passage, space-separated (the title first). */
  stems: string;
}

export function searchFields(sectionTitle: string, text: string): SearchFields {
  return { stems: [...stems(sectionTitle), ...stems(text)].join(' ') };
}
