import { rus } from 'stopword';
import { foldYo } from './normalize.js';

/**
 * Russian stop words (the `stopword` package's list, ё folded). They carry no topic, so they are left
 * out of the stemmed field and of the ranking; the engine also ignores them in queries.
 */
export const RUSSIAN_STOP_WORDS: ReadonlySet<string> = new Set(rus.map((w) => foldYo(w.toLowerCase())));

export function isStopWord(folded: string): boolean {
  return RUSSIAN_STOP_WORDS.has(folded);
}
