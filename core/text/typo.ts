/**
 * Typo candidates for one folded word against a vocabulary that says how common each word is.
 *
 * Candidates are generated from the typed word (Norvig-style edits: delete, swap of neighbours,
 * replace, insert) and looked up in the vocabulary, so the dictionary is the vocabulary itself: it
 * follows every add and remove of the index with no structure of its own to update. Measured on the
 * corpus's 197k Cyrillic surface words (docs/relevance.md, «Typo tolerance»): mnemonist's SymSpell
 * (deletes index) took 95 MB of heap for 1 edit and 423 MB for 2 edits, mnemonist's BK-tree
 * (with damerau-levenshtein) 25 MB but 66–123 ms per 9+-letter word at 2 edits; generating edits
 * costs no memory and ~0.1–2 ms per word.
 *
 * One edit is looked for through the vocabulary's filter when it has one (core/text/word-filter.ts).
 *
 * The engine's rule for how many edits a word may carry: 1 from 5 letters, 2 from 9; a swap of two
 * neighbouring letters counts as one edit (Damerau–Levenshtein, optimal string alignment).
 */
import { forEachDeleteOrSwapHash, forEachEditHash } from './word-filter.js';

/** How common a folded word is (0 = not in the vocabulary). */
export interface Vocabulary {
  frequency(word: string): number;
  /**
   * False only when no vocabulary word has this wordHash (core/text/word-filter.ts): one-edit
   * variants are then looked up only when it is true. Absent = every variant is looked up.
   */
  mayHave?(hash: number): boolean;
}

export interface TypoCandidate {
  word: string;
  distance: 1 | 2;
  frequency: number;
}

/** The ЙЦУКЕН rows (the Russian keyboard), for «a neighbouring key». */
const KEY_ROWS = ['йцукенгшщзхъ', 'фывапролджэ', 'ячсмитьбю'];
const KEY_PLACE = new Map<string, [number, number]>(KEY_ROWS.flatMap((row, r) => [...row].map((key, c) => [key, [r, c]] as [string, [number, number]])));

/** Keys side by side or above/below each other (rows are offset by about half a key). */
export function neighbouringKeys(a: string, b: string): boolean {
  const p = KEY_PLACE.get(a);
  const q = KEY_PLACE.get(b);
  if (!p || !q || a === b) return false;
  if (p[0] === q[0]) return Math.abs(p[1] - q[1]) === 1;
  return Math.abs(p[0] - q[0]) === 1 && q[1] - p[1] >= (q[0] > p[0] ? -1 : 0) && q[1] - p[1] <= (q[0] > p[0] ? 0 : 1);
}

/**
 * Is `typed` one of a hurried reader's usual slips from `meant` (one edit apart): two neighbours
 * swapped, a letter dropped, a letter doubled or struck together with its neighbouring key, or a
 * neighbouring key instead of the right one? Other single edits (a random letter added or
 * replaced) are possible but much rarer.
 */
export function usualSlip(typed: string, meant: string): boolean {
  let i = 0;
  while (i < typed.length && i < meant.length && typed[i] === meant[i]) i++;
  if (typed.length === meant.length) {
    if (typed[i + 1] === meant[i] && typed[i] === meant[i + 1] && typed.slice(i + 2) === meant.slice(i + 2)) return true;
    return typed.slice(i + 1) === meant.slice(i + 1) && neighbouringKeys(typed[i]!, meant[i]!);
  }
  if (typed.length + 1 === meant.length) return true; // dropped
  if (typed.length === meant.length + 1) {
    // typed has an extra letter at i (or at the end of a run of the same letter)
    const extra = typed[i]!;
    const around = [typed[i - 1], typed[i + 1]];
    return around.some((c) => c === extra || (c !== undefined && neighbouringKeys(c, extra)));
  }
  return false;
}

const ONE_TYPO_FROM = 5;
const TWO_TYPOS_FROM = 9;

/** Edits allowed in a word of this length (the engine's minWordSizeForTypos defaults). */
export function allowedEdits(length: number): 0 | 1 | 2 {
  return length >= TWO_TYPOS_FROM ? 2 : length >= ONE_TYPO_FROM ? 1 : 0;
}

const CYRILLIC = 'абвгдежзийклмнопрстуфхцчшщъыьэюя';
const LATIN = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Vocabulary words within the allowed edits of `word`, nearest then most common first. Distance 2
 * is one full edit followed by a delete or a swap (a dropped/doubled letter or swapped pair on top
 * of any slip): the full second edit would be ~500k look-ups per 10-letter word (tens of ms), this
 * is ~15k.
 */
export function typoCandidates(word: string, vocabulary: Vocabulary, maxEdits = allowedEdits(word.length)): TypoCandidate[] {
  if (maxEdits === 0) return [];
  const alphabet = /[а-я]/.test(word) ? CYRILLIC : /[a-z]/.test(word) ? LATIN : '';
  if (!alphabet) return [];
  const found = new Map<string, TypoCandidate>();
  const mayHave = vocabulary.mayHave?.bind(vocabulary);
  if (maxEdits === 1 && mayHave) {
    // Only the variants the vocabulary's filter may hold are built and looked up.
    forEachEditHash(word, alphabet, (hash, make) => mayHave(hash) && consider(found, word, make(), 1, vocabulary));
    return sortCandidates(found);
  }
  const first = edits1(word, alphabet);
  for (const edited of first) consider(found, word, edited, 1, vocabulary);
  if (maxEdits >= 2) {
    for (const once of first) {
      if (mayHave) forEachDeleteOrSwapHash(once, (hash, make) => mayHave(hash) && consider(found, word, make(), 2, vocabulary));
      else for (const twice of deletesAndSwaps(once)) consider(found, word, twice, 2, vocabulary);
    }
  }
  return sortCandidates(found);
}

/** `edited` as a candidate for `typed` when the vocabulary knows it (the nearest distance found first stays). */
function consider(found: Map<string, TypoCandidate>, typed: string, edited: string, distance: 1 | 2, vocabulary: Vocabulary): void {
  if (edited === typed || found.has(edited)) return;
  const frequency = vocabulary.frequency(edited);
  if (frequency > 0) found.set(edited, { word: edited, distance, frequency });
}

function sortCandidates(found: Map<string, TypoCandidate>): TypoCandidate[] {
  return [...found.values()].sort((a, b) => a.distance - b.distance || b.frequency - a.frequency || (a.word < b.word ? -1 : 1));
}

/** Every string one delete, neighbour swap, replacement or insertion away (duplicates removed). */
export function edits1(word: string, alphabet: string): Set<string> {
  const out = new Set<string>(deletesAndSwaps(word));
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    for (const letter of alphabet) {
      out.add(head + letter + word.slice(i));
      if (i < word.length && letter !== word[i]) out.add(head + letter + word.slice(i + 1));
    }
  }
  out.delete(word);
  return out;
}

function deletesAndSwaps(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) {
    out.push(word.slice(0, i) + word.slice(i + 1));
    if (i + 1 < word.length && word[i] !== word[i + 1]) out.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  }
  return out;
}

export interface SplitPart {
  word: string;
  distance: 0 | 1 | 2;
  frequency: number;
}

export interface WordSplit {
  /** The two words, each as found in the vocabulary (after its own correction, if any). */
  parts: [SplitPart, SplitPart];
  /** Edits: the missing space counts one, plus the edits inside the parts. */
  distance: number;
  /** The rarer part's frequency. */
  frequency: number;
}

/** Shortest part of a split word: two-letter «words» split almost anything. */
const MIN_PART = 3;

/**
 * Two words typed without the space («германмладший»): the split whose parts need the fewest
 * edits, then whose rarer part is the most common. With `partEdits` 1, one of the two parts may
 * itself carry one slip («германмладишй»); the other must be known as it is (that keeps the
 * look-ups to a few hundred per split point).
 */
export function splitWord(word: string, vocabulary: Vocabulary, partEdits: 0 | 1 = 1): WordSplit | undefined {
  let best: WordSplit | undefined;
  for (let at = MIN_PART; at + MIN_PART <= word.length; at++) {
    const leftWord = word.slice(0, at);
    const rightWord = word.slice(at);
    const leftExact = exact(leftWord, vocabulary);
    const rightExact = exact(rightWord, vocabulary);
    let parts: [SplitPart, SplitPart] | undefined;
    if (leftExact && rightExact) parts = [leftExact, rightExact];
    else if (partEdits > 0 && leftExact) parts = withOneSlip(rightWord, vocabulary, (right) => [leftExact, right]);
    else if (partEdits > 0 && rightExact) parts = withOneSlip(leftWord, vocabulary, (left) => [left, rightExact]);
    if (!parts) continue;
    const distance = 1 + parts[0].distance + parts[1].distance;
    const frequency = Math.min(parts[0].frequency, parts[1].frequency);
    if (!best || distance < best.distance || (distance === best.distance && frequency > best.frequency)) best = { parts, distance, frequency };
  }
  return best;
}

function exact(part: string, vocabulary: Vocabulary): SplitPart | undefined {
  const frequency = vocabulary.frequency(part);
  return frequency > 0 ? { word: part, distance: 0, frequency } : undefined;
}

function withOneSlip(part: string, vocabulary: Vocabulary, pair: (part: SplitPart) => [SplitPart, SplitPart]): [SplitPart, SplitPart] | undefined {
  const corrected = typoCandidates(part, vocabulary, allowedEdits(part.length) > 0 ? 1 : 0)[0];
  return corrected && pair(corrected);
}
