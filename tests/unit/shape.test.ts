import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_END as E, HIGHLIGHT_START as S } from '../../core/text/normalize.js';
import { sectionUrl, toSegments } from '../../server/search/shape.js';
import { quoteFilterValue } from '../../core/engine/filters.js';

describe('toSegments', () => {
  it('turns highlight markers into segments, even mid-word', () => {
    expect(toSegments(`о ${S}партнёрств${E}е и <b>`)).toEqual([
      { text: 'о ', highlight: false },
      { text: 'партнёрств', highlight: true },
      { text: 'е и <b>', highlight: false },
    ]);
    expect(toSegments('')).toEqual([]);
  });
});

describe('sectionUrl', () => {
  it('appends the encoded anchor', () => {
    expect(sectionUrl('/articles/a#x', 'итоги')).toBe('/articles/a#%D0%B8%D1%82%D0%BE%D0%B3%D0%B8');
  });
});

describe('quoteFilterValue', () => {
  it('escapes backslashes first, then quotes', () => {
    expect(quoteFilterValue('x" OR tag EXISTS OR tag = "')).toBe('"x\\" OR tag EXISTS OR tag = \\""');
    expect(quoteFilterValue('a\\')).toBe('"a\\\\"');
  });
});
