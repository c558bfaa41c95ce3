/** Wrong keyboard layout or transliteration: searched converted when that finds far more. */
import { correctionCandidates, type CorrectionKind } from '../../core/text/layout.js';

/** A query that finds this many hits as typed was meant as typed (an English word, a brand). */
const FEW_HITS = 3;
/** The converted query must find at least this many times more than the original to replace it. */
const DOMINANCE = 5;

export interface Corrected<T> {
  result: T;
  /** Set when a converted query (wrong layout / transliteration) was searched instead. */
  correctedQuery: string | undefined;
  correctionKind: CorrectionKind | undefined;
}

/**
 * Search the query as typed; if it finds nothing or far less than a keyboard-layout or
 * transliteration conversion of it, answer with the conversion. Deciding by what the engine finds
 * (not by a dictionary) keeps `Sputnik` or `iPhone` as typed whenever they have results.
 */
export async function searchWithCorrection<T extends { total: number }>(
  q: string,
  run: (query: string) => Promise<T>,
): Promise<Corrected<T>> {
  const original = await run(q);
  const asTyped = { result: original, correctedQuery: undefined, correctionKind: undefined };
  if (original.total >= FEW_HITS) return asTyped;
  let best: { result: T; query: string; kind: CorrectionKind } | undefined;
  for (const candidate of correctionCandidates(q)) {
    const result = await run(candidate.query);
    if (result.total > (best?.result.total ?? 0)) best = { result, query: candidate.query, kind: candidate.kind };
  }
  if (best && best.result.total >= Math.max(1, original.total * DOMINANCE)) {
    return { result: best.result, correctedQuery: best.query, correctionKind: best.kind };
  }
  return asTyped;
}
