/**
 * Candidate case forms of a Russian word, for the query side of matching. Snowball does not
 * always give a word's forms one stem: «журнал» → «журна» but «журнала» → «журнал», «Татьяна» →
 * «татья» but «Татьяну» → «татьян», «герой» → «гер» but «героя» → «геро». A query typed in the
 * nominative (editors' keywords, names) then misses most of the text, which uses other cases.
 * These forms are only candidates: the caller keeps the ones that occur in its own vocabulary
 * (real words of the indexed text) and takes their stems too.
 */

/** Noun, adjective and name endings (singular and plural, all cases), longest first. */
const ENDINGS = [
  'ого', 'его', 'ому', 'ему', 'ыми', 'ими', 'ами', 'ями',
  'ой', 'ей', 'ом', 'ем', 'ов', 'ев', 'ам', 'ям', 'ах', 'ях', 'ым', 'им', 'ых', 'их', 'ую', 'юю', 'ая', 'яя', 'ое', 'ее', 'ые', 'ие', 'ый', 'ий',
  'а', 'я', 'у', 'ю', 'е', 'и', 'ы', 'о', 'ь', 'й',
];
const CYRILLIC_WORD = /^[а-я]+$/;
/** Shorter bases give unrelated words («мир» → «мира», «миру» are fine; «ил» → «ила» is not). */
const MIN_BASE = 3;

/** The word and the word without each ending it has (at least MIN_BASE letters long). */
export function inflectionBases(folded: string): string[] {
  if (!CYRILLIC_WORD.test(folded) || folded.length < MIN_BASE) return [];
  const bases = new Set([folded]);
  for (const ending of ENDINGS) {
    if (folded.endsWith(ending) && folded.length - ending.length >= MIN_BASE) bases.add(folded.slice(0, -ending.length));
  }
  return [...bases];
}

/** Other forms of a folded word: each base alone and with every ending. */
export function inflectedForms(folded: string): string[] {
  const forms = new Set<string>();
  for (const base of inflectionBases(folded)) {
    forms.add(base);
    for (const ending of ENDINGS) forms.add(base + ending);
  }
  forms.delete(folded);
  return [...forms];
}
