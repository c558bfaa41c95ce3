/** Query text → terms (stems, case forms, synonyms, the prefix being typed). */
import { inflectedForms } from '../../core/text/inflections.js';
import { isStopWord } from '../../core/text/stopwords.js';
import { stemWord, words } from '../../core/text/stem.js';
import { NO_SYNONYMS, type SynonymTable } from '../../core/text/synonyms.js';

/** One query concept: a word, or a multi-word expression with its synonyms. */
export interface QueryTerm {
  /** Folded surface form(s) as typed, for the exact-match bonus. */
  surface: string;
  /** Stem sequences that count as this term: the typed one first, then synonyms. */
  alternatives: string[][];
  /**
   * Other case forms of a one-word term (core/text/inflections.ts: Snowball stems some forms
   * apart); ranking counts those found in the index, highlighting marks them.
   */
  forms: string[];
  /**
   * The query's last word, which the reader may still be typing: it also matches any word that
   * starts with it (as-you-type).
   */
  prefix: boolean;
  /**
   * Stems of vocabulary words a mistyped (unknown or far rarer) word probably meant, each with the
   * weight its matches count with (server/search/typo.ts); absent when the word was not corrected.
   */
  corrections?: TermCorrection[];
}

export interface TermCorrection {
  /** The corrected word, folded. */
  surface: string;
  stem: string;
  /** In (0, 1]: down with edit distance, up with how common the correction is. */
  weight: number;
}

export interface AnalyzedQuery {
  terms: QueryTerm[];
}

/**
 * Distinct terms ranked per query; the rest of a longer query is ignored. Pasted summaries whole
 * analyse to up to 81 terms; 128 touches none of them. Fewer cost quality: a cap of 32 lowered
 * summary MRR@10 0.841 → 0.805, and 64 on whole summaries 0.854 → 0.851 (in process, 2026-12-04).
 * The bound on a query's work is the ranking's `maxPostings` (rarest terms first,
 * server/ranking/params.ts; docs/api.md), whatever the number of terms.
 */
export const MAX_QUERY_TERMS = 128;

/**
 * Folded words → terms: stop words dropped (unless nothing else is left), synonyms attached (the
 * groups the editors published: server/search/synonyms.ts).
 */
export function analyzeQuery(q: string, synonyms: SynonymTable = NO_SYNONYMS): AnalyzedQuery {
  const all = words(q);
  const kept = all.filter((w) => !isStopWord(w));
  const typed = kept.length > 0 ? kept : all;
  const lastTyped = all.at(-1);
  const terms: QueryTerm[] = [];
  for (let i = 0; i < typed.length; ) {
    const match = longestSynonym(typed, i, synonyms);
    const span = match?.span ?? 1;
    const group = typed.slice(i, i + span);
    const stemmed = group.map(stemWord);
    const isLast = i + span === typed.length && group.at(-1) === lastTyped;
    terms.push({
      surface: group.join(' '),
      alternatives: [stemmed, ...(match?.others ?? [])],
      forms: span === 1 ? inflectedForms(group[0]!) : [],
      prefix: isLast && span === 1,
    });
    i += span;
  }
  return { terms: dedupe(terms).slice(0, MAX_QUERY_TERMS) };
}

function longestSynonym(typed: string[], at: number, synonyms: SynonymTable): { span: number; others: readonly string[][] } | undefined {
  for (let span = Math.min(synonyms.longest, typed.length - at); span >= 1; span--) {
    const key = typed.slice(at, at + span).map(stemWord).join(' ');
    const others = synonyms.index.get(key);
    if (others) return { span, others };
  }
  return undefined;
}

function dedupe(terms: QueryTerm[]): QueryTerm[] {
  const seen = new Map<string, QueryTerm>();
  for (const term of terms) {
    const key = term.alternatives[0]!.join(' ');
    const had = seen.get(key);
    if (had) had.prefix ||= term.prefix;
    else seen.set(key, term);
  }
  return [...seen.values()];
}

/** The key under which a term's statistics are kept. */
export function termKey(term: QueryTerm): string {
  return term.alternatives[0]!.join(' ');
}
