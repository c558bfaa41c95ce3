/** Typo and split-word corrections against the ranking index's vocabulary. */
import { inflectedForms } from '../../core/text/inflections.js';
import { foldWord, stemWord } from '../../core/text/stem.js';
import { allowedEdits, splitWord, typoCandidates, usualSlip, type TypoCandidate, type Vocabulary } from '../../core/text/typo.js';
import type { AnalyzedQuery, QueryTerm, TermCorrection } from './analyze.js';

/**
 * Typo tolerance for the in-process ranking: a query word the index has never seen (or far rarer
 * than a word one slip away) also matches the vocabulary words within its allowed edits
 * (core/text/typo.ts), weighted down by distance and up by how common the correction is; a word
 * that is two known words without the space is split into two terms. Chosen on the dev sets with
 * `npm run bench:relevance` (docs/relevance.md, «Typo tolerance»).
 */
const TYPO_PARAMS = {
  /** Weight of a correction at edit distance 1 and 2 (a term found as typed weighs 1). */
  distanceWeight: [1, 0.8, 0.5] as readonly number[],
  /** Corrections weigh (their frequency / the most common correction's) to this power. */
  frequencyPower: 0.5,
  /** Corrections kept per word (distinct stems). */
  maxCorrections: 3,
  /** A known word is also corrected when a word one slip away is this many times more common… */
  rarer: 50,
  /** …and it occurs in at most this many chunks. */
  rareChunks: 3,
  /**
   * Two edits are looked for only in words up to this long: the look-ups grow with the length (6 ms
   * at 12 letters, 28 ms at 20 on this machine), and longer "words" are mostly merged ones, which
   * a split with one slip explains first.
   */
  twoEditsUpTo: 14,
  /**
   * Queries with more terms than this (summaries, headlines) get one-edit corrections and exact
   * splits only, and no rare-word corrections: one unknown word hardly changes their meaning, and
   * their time goes to ranking.
   */
  longQueryTerms: 4,
  /**
   * Queries with more terms than this (a pasted passage, a summary) are not corrected at all: one
   * unknown word among so many barely matters, and corrections there cost more than they found
   * (dev summaries: MRR 0.841 uncorrected, 0.839 corrected).
   */
  correctUpToTerms: 12,
  /** A one-edit correction that is not a usual slip (core/text/typo.ts usualSlip) weighs this much more. */
  unusualSlip: 0.3,
  /** At equal edits, a split beats a one-word correction only when its rarer part is this much more common. */
  splitOverTypo: 10,
};

/**
 * The typo vocabulary: the ranking index's live surface words, frequency = their stem's chunk count
 * (server/ranking/index.ts `vocabulary()`). It is a view of the index, so it follows every `apply`.
 */
export interface RankVocabulary extends Vocabulary {
  /** Does some indexed stem start with this (the word being typed may be unfinished)? */
  completes(prefix: string): boolean;
}

export type TypoKind = 'typo' | 'split';

export interface TypoCorrected {
  query: AnalyzedQuery;
  /** Typed word → what it was read as (one word, or two for a split); only for replaced words. */
  replaced: Map<string, string>;
  kind: TypoKind | undefined;
}

export function correctTypos(query: AnalyzedQuery, vocabulary: RankVocabulary): TypoCorrected {
  const terms: QueryTerm[] = [];
  const replaced = new Map<string, string>();
  let kind: TypoKind | undefined;
  const long = query.terms.length > TYPO_PARAMS.longQueryTerms;
  if (query.terms.length > TYPO_PARAMS.correctUpToTerms) return { query, replaced, kind };
  for (const term of query.terms) {
    const word = term.surface;
    if (word.includes(' ') || allowedEdits(word.length) === 0) {
      terms.push(term);
      continue;
    }
    const frequency = vocabulary.frequency(word);
    if (frequency > 0) {
      terms.push(frequency <= TYPO_PARAMS.rareChunks && !long ? withRareCorrections(term, frequency, vocabulary) : term);
      continue;
    }
    // An unfinished last word («президе») is not a typo while some word starts with it.
    if (term.prefix && vocabulary.completes(word)) {
      terms.push(term);
      continue;
    }
    // Nearest first: one slip or a missing space; two slips only when neither explains the word
    // (each step costs more look-ups than the one before).
    let candidates = typoCandidates(word, vocabulary, 1);
    let split = splitWord(word, vocabulary, 0);
    if (candidates.length === 0 && !split && allowedEdits(word.length) === 2 && !long) split = splitWord(word, vocabulary, 1);
    if (candidates.length === 0 && !split && allowedEdits(word.length) === 2 && word.length <= TYPO_PARAMS.twoEditsUpTo && !long) {
      candidates = typoCandidates(word, vocabulary, 2);
    }
    const best = candidates[0];
    if (split && (!best || split.distance < best.distance || (split.distance === best.distance && split.frequency > best.frequency * TYPO_PARAMS.splitOverTypo))) {
      const [left, right] = split.parts;
      terms.push(splitTerm(left.word, false), splitTerm(right.word, term.prefix));
      replaced.set(word, `${left.word} ${right.word}`);
      kind = 'split';
    } else if (best) {
      const corrections = weighted(word, candidates, vocabulary);
      terms.push({ ...term, corrections });
      replaced.set(word, corrections[0]!.surface);
      kind ??= 'typo';
    } else {
      terms.push(term);
    }
  }
  return { query: { terms }, replaced, kind };
}

/** A known but rare word one slip from a far more common one: both count, the typed one fully. */
function withRareCorrections(term: QueryTerm, frequency: number, vocabulary: Vocabulary): QueryTerm {
  const candidates = typoCandidates(term.surface, vocabulary, 1).filter((c) => c.frequency >= frequency * TYPO_PARAMS.rarer);
  const typedStem = term.alternatives[0]!.join(' ');
  const corrections = weighted(term.surface, candidates, vocabulary).filter((c) => c.stem !== typedStem);
  return corrections.length > 0 ? { ...term, corrections } : term;
}

function weighted(typed: string, candidates: ReturnType<typeof typoCandidates>, vocabulary: Vocabulary): TermCorrection[] {
  const plausibility = (c: TypoCandidate): number => (c.distance === 1 && !usualSlip(typed, c.word) ? TYPO_PARAMS.unusualSlip : 1);
  const top = Math.max(...candidates.map((c) => c.frequency * plausibility(c)));
  const scored = candidates
    .map((c) => ({ c, weight: TYPO_PARAMS.distanceWeight[c.distance]! * Math.pow((c.frequency * plausibility(c)) / top, TYPO_PARAMS.frequencyPower) }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, TYPO_PARAMS.maxCorrections);
  const byStem = new Map<string, TermCorrection>();
  for (const { c, weight } of scored) {
    // Other case forms count only as words the index has seen (inflections.ts generates forms by
    // rule, and a foreign name's rule-made forms stem to short unrelated words).
    const forms = inflectedForms(c.word).filter((f) => vocabulary.frequency(f) > 0);
    for (const stem of [stemWord(c.word), ...forms.map(stemWord)]) {
      const had = byStem.get(stem);
      if (!had || had.weight < weight) byStem.set(stem, { surface: c.word, stem, weight });
    }
  }
  return [...byStem.values()];
}

function splitTerm(word: string, prefix: boolean): QueryTerm {
  return { surface: word, alternatives: [[stemWord(word)]], forms: inflectedForms(word), prefix };
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The typed query with its replaced words rewritten (everything else as typed). */
export function correctedText(q: string, replaced: ReadonlyMap<string, string>): string {
  return q.normalize('NFC').replace(WORD, (token) => {
    const read = replaced.get(foldWord(token));
    if (read === undefined) return token;
    // A capital stays a capital («Находи» → «Находки»).
    return token[0] !== token[0]!.toLowerCase() ? read[0]!.toUpperCase() + read.slice(1) : read;
  });
}
