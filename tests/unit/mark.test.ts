import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldWord, stemWord } from '../../core/text/stem.js';
import { analyzeQuery, type AnalyzedQuery } from '../../server/search/analyze.js';
import { markAll, wordMatcher } from '../../server/search/mark.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/text/normalize.js';

/** The matching rule stated plainly (no shortcuts): what the fast matcher must agree with. */
function reference(query: AnalyzedQuery, word: string): boolean {
  const folded = foldWord(word);
  const stem = stemWord(folded);
  return query.terms.some((term) => {
    const typed = term.alternatives[0]![0]!;
    return (
      term.surface.split(' ').includes(folded) ||
      term.forms.includes(folded) ||
      term.alternatives.some((alternative) => alternative.includes(stem)) ||
      (term.prefix && term.surface.length >= 2 && folded.startsWith(term.surface)) ||
      (term.prefix && typed.length >= 4 && stem.startsWith(typed))
    );
  });
}

const WORDS = ['Соглашение', 'соглашения', 'СОГЛАШЕНИЙ', 'партнёр', 'Партнеры', 'Ёлка', 'елки', 'ёж', 'NATO', 'nato', 'İstanbul', 'istanbul', 'K', 'k', '2025', 'мир', 'Мира', 'мирный', 'ﬁnal', 'ǅemal', 'Ωmega', 'ωmega', 'караваны', 'каравану', 'ß', 'SS', 'журнал', 'Журнала', 'Татьяна', 'Татьяну', 'герой', 'героя', 'героев'];

describe('highlight matcher', () => {
  it('marks exactly the words the plain rule marks, whatever the case, ё or alphabet', () => {
    const word = fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit: fc.constantFrom(...'аАеЕёЁкКиİıKkßΩω0'), minLength: 1, maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.array(word, { maxLength: 30 }), (queryWords, typing, text) => {
        const query = analyzeQuery(queryWords.join(' ') + (typing ? '' : ' '));
        const matcher = wordMatcher(query);
        for (const w of text) {
          for (const token of w.match(/[\p{L}\p{N}]+/gu) ?? []) expect(matcher.matches(token), `${queryWords.join(' ')} / ${token}`).toBe(reference(query, token));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('marks the case forms of a word Snowball stems apart («Татьяна» → «Татьяну», «журнал» → «журнала»)', () => {
    // Neither word is the last one typed, so no prefix matching is involved.
    const matcher = wordMatcher(analyzeQuery('журнал татьяна ларина'));
    expect(['Татьяну', 'Татьяны', 'журналы', 'Журналом', 'журналист', 'Тать'].map((w) => matcher.matches(w))).toEqual([true, true, true, true, false, false]);
  });

  it('finds the same words as the regular expression /[\\p{L}\\p{N}]+/u in any text (astral letters, marks, lone surrogates)', () => {
    const unit = fc.constantFrom('а', 'Ё', 'ё', 'е', 'A', 'z', '1', ' ', '-', '\u0301', '𝐀', '😀', '\uD800', '\uDC00', 'ß', 'İ', '٣', '_', 'ж', 'у', 'р', 'н', 'а', 'л');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 2 }), fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ unit, maxLength: 4 })), { maxLength: 12 }), (queryWords, parts) => {
        const text = parts.join('');
        const matcher = wordMatcher(analyzeQuery(queryWords.join(' ')));
        let expected = '';
        let at = 0;
        for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
          if (!matcher.matches(m[0])) continue;
          expected += text.slice(at, m.index) + HIGHLIGHT_START + m[0] + HIGHLIGHT_END;
          at = m.index + m[0].length;
        }
        expect(markAll(text, matcher)).toBe(expected + text.slice(at));
      }),
      { numRuns: 2000 },
    );
  });
});
