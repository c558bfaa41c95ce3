import { describe, expect, it } from 'vitest';
import { cleanText, foldYo, HIGHLIGHT_END, HIGHLIGHT_START, normalizeQuery } from '../../core/text/normalize.js';
import { foldWord, words } from '../../core/text/stem.js';

describe('text normalisation', () => {
  it('folds ё to е in both cases and keeps the case of other letters', () => {
    expect(foldYo('Ёлка и партнёр')).toBe('Елка и партнер');
    expect(foldWord('ПАРТНЁР')).toBe('партнер');
  });

  it('composes decomposed letters (NFC) before folding, so й and ё typed as two code points match', () => {
    const decomposedYo = 'е\u0308лка';
    const decomposedI = 'и\u0306';
    expect(words(`${decomposedYo} ${decomposedI}`)).toEqual(['елка', 'й']);
  });

  it('folds case, including Latin words inside Russian text', () => {
    expect(words('Компания Apple представила iPhone в МОСКВЕ')).toEqual(['компания', 'apple', 'представила', 'iphone', 'в', 'москве']);
  });

  it('splits hyphenated words into their parts, like the engine tokenizer', () => {
    expect(words('торгово-экономический потенциал, Санкт-Петербург')).toEqual(['торгово', 'экономический', 'потенциал', 'санкт', 'петербург']);
  });

  it('keeps numbers as words and drops punctuation', () => {
    expect(words('В 2025 году — более 16,5 млн долларов (№ 4).')).toEqual(['в', '2025', 'году', 'более', '16', '5', 'млн', 'долларов', '4']);
  });

  it('cleanText removes control and highlight-marker characters and unifies spaces', () => {
    expect(cleanText(`a\u0007b${HIGHLIGHT_START}c${HIGHLIGHT_END}\u00A0d`)).toBe('abc d');
    expect(normalizeQuery('  партнер \n  соглашение ')).toBe('партнер соглашение');
  });
});
