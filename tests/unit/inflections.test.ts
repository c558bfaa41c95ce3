import { describe, expect, it } from 'vitest';
import { inflectedForms, inflectionBases } from '../../core/text/inflections.js';
import { stemWord } from '../../core/text/stem.js';

describe('case forms of a query word', () => {
  it('covers the forms Snowball stems apart from the nominative', () => {
    for (const [word, form] of [
      ['журнал', 'журналы'],
      ['татьяна', 'татьяну'],
      ['герой', 'героя'],
      ['локомотив', 'локомотиве'],
      ['максим', 'максимом'],
    ] as const) {
      expect(stemWord(word)).not.toBe(stemWord(form));
      expect(inflectedForms(word)).toContain(form);
    }
  });

  it('takes endings off only when a base of three letters is left, and leaves non-Cyrillic words alone', () => {
    expect(inflectionBases('мир')).toEqual(['мир']);
    expect(inflectionBases('илья')).toEqual(['илья', 'иль']);
    expect(inflectionBases('ил')).toEqual([]);
    expect(inflectedForms('nato')).toEqual([]);
    expect(inflectedForms('2017')).toEqual([]);
    expect(inflectedForms('журнал')).not.toContain('журнал');
  });
});
