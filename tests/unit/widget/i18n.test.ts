import { describe, expect, it } from 'vitest';
import type { CorrectionKind, SearchResponse } from '../../../core/api.js';
import { resultsPage } from '../../../server/pages/results.js';
import { addStrings, fill, formatCount, pickLanguage, resolveStrings } from '../../../widget/i18n.js';
import { en } from '../../../widget/lazy/english.js';
import { ru as panelRu } from '../../../widget/lazy/panel.js';

// What widget/chunks.ts does when the lazy chunks arrive.
addStrings('en', en);
addStrings('ru', panelRu);

describe('widget strings', () => {
  it('counts in Russian with the three plural forms', () => {
    const ru = resolveStrings('ru', undefined);
    const say = (n: number) => formatCount('ru', ru.results, n);
    expect([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map(say)).toEqual([
      '1 результат', '2 результата', '4 результата', '5 результатов', '11 результатов', '12 результатов',
      '14 результатов', '21 результат', '22 результата', '25 результатов', '101 результат', '111 результатов',
    ]);
    expect(say(0)).toBe('0 результатов');
    expect(say(1500)).toBe('1\u00a0500 результатов');
  });

  it('counts in English', () => {
    const en = resolveStrings('en', undefined);
    expect([1, 2, 21].map((n) => formatCount('en', en.results, n))).toEqual(['1 result', '2 results', '21 results']);
  });

  it('is Russian unless the language is English', () => {
    expect(['en', 'en-GB', 'EN'].map(pickLanguage)).toEqual(['en', 'en', 'en']);
    expect(['ru', 'be', '', null, undefined].map(pickLanguage)).toEqual(['ru', 'ru', 'ru', 'ru', 'ru']);
  });

  it('takes overrides per string, ignoring unknown keys and wrong types', () => {
    const s = resolveStrings('ru', { placeholder: 'Найти', retry: 42, nonsense: 'x', results: { one: 'без other' } } as never);
    expect(s.placeholder).toBe('Найти');
    expect(s.retry).toBe('Повторить');
    expect(s.results.many).toBe('{count} результатов');
    expect('nonsense' in s).toBe(false);
    const custom = resolveStrings('ru', { results: { one: '{count} раздел', other: '{count} разделов' } });
    expect(formatCount('ru', custom.results, 5)).toBe('5 разделов');
  });

  it('fills placeholders as plain text', () => {
    expect(fill('по запросу «{query}»', { query: '<b>x</b>' })).toBe('по запросу «<b>x</b>»');
    expect(fill('{unknown} stays', {})).toBe('{unknown} stays');
  });

  it('has every string in both languages once the chunks are in, and the chunks add no stray keys', () => {
    const ruKeys = Object.keys(resolveStrings('ru', undefined)).sort();
    expect(Object.keys(en).sort()).toEqual(ruKeys);
    expect(ruKeys).toContain('byDate');
    expect(resolveStrings('ru', undefined).typoReason).toBe('исправлены опечатки');
  });

  it('words the correction reasons in Russian exactly as the no-JavaScript results page does', () => {
    const kinds: CorrectionKind[] = ['layout', 'translit', 'typo', 'split'];
    const ru = resolveStrings('ru', undefined);
    for (const kind of kinds) {
      const response: SearchResponse = { query: 'q', correctedQuery: 'й', correctionKind: kind, total: 0, limit: 10, offset: 0, processingTimeMs: 1, hits: [], facets: { tags: {}, years: {} } };
      expect(resultsPage(response)).toContain(`(${ru[`${kind}Reason`]})`);
    }
  });
});
