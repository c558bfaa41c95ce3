import { describe, expect, it } from 'vitest';
import { indexWords, searchFields, stems, stemWord } from '../../core/text/stem.js';
import { isStopWord } from '../../core/text/stopwords.js';
import { engineSynonyms, stemmedGroups, synonymIndex, synonymTable } from '../../core/text/synonyms.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { markAll, markSnippet, wordMatcher } from '../../server/search/mark.js';
import { termFrequency } from '../../server/search/engine-rerank.js';
import { HIGHLIGHT_END as E, HIGHLIGHT_START as S } from '../../core/text/normalize.js';

describe('Russian stems', () => {
  it('gives every case form of a noun one stem', () => {
    const forms = ['соглашение', 'соглашения', 'соглашений', 'соглашением', 'соглашениями'];
    expect(new Set(forms.map(stemWord))).toEqual(new Set(['соглашен']));
  });

  it('merges ё and е spellings', () => {
    expect(stems('партнёр партнер ПАРТНЁРАМ')).toEqual(['партнер', 'партнер', 'партнер']);
  });

  it('leaves Latin words, numbers and very short words as they are', () => {
    expect(stems('iPhone 16 ТВ')).toEqual(['iphone', '16', 'тв']);
  });

  it('drops Russian stop words', () => {
    expect(isStopWord('и')).toBe(true);
    expect(isStopWord('соглашение')).toBe(false);
    expect(stems('и в соглашении о партнерстве')).toEqual(['соглашен', 'партнерств']);
  });

  it('searchFields puts the section title stems before the text stems', () => {
    expect(searchFields('Россия — ключевой партнер', 'Подписаны соглашения.')).toEqual({ stems: 'росс ключев партнер подписа соглашен' });
  });
});

describe('synonyms', () => {
  it('are stemmed, so any inflected form of a group member finds the others', () => {
    const synonyms = engineSynonyms([['Беларусь', 'Белоруссия', 'РБ']]);
    expect(synonyms[stemWord('белоруссии')]).toEqual(expect.arrayContaining([stemWord('беларусь'), 'рб']));
  });

  it('keep multi-word expressions as stem sequences', () => {
    expect(stemmedGroups([['США', 'Соединённые Штаты']])).toEqual([[['сша'], ['соединен', 'штат']]]);
    expect(synonymIndex([['США', 'Соединённые Штаты']]).get('соединен штат')).toEqual([['сша']]);
  });

  it('expand a query: «Белоруссии» also counts «Беларусь» and «РБ»', () => {
    const [term] = analyzeQuery('Белоруссии', synonymTable([['Беларусь', 'Белоруссия', 'РБ']])).terms;
    expect(termFrequency(term!, stems('Беларусь и РБ'))).toBe(2);
  });

  it('a multi-word query expression is one term', () => {
    const { terms } = analyzeQuery('санкции Соединённых Штатов', synonymTable([['США', 'Соединённые Штаты']]));
    expect(terms.map((t) => t.surface)).toEqual(['санкции', 'соединенных штатов']);
    expect(termFrequency(terms[1]!, stems('США ввели санкции'))).toBe(1);
  });
});

describe('query analysis and highlighting', () => {
  it('drops stop words but keeps a query made only of them', () => {
    expect(analyzeQuery('о соглашении').terms.map((t) => t.surface)).toEqual(['соглашении']);
    expect(analyzeQuery('и').terms.map((t) => t.surface)).toEqual(['и']);
  });

  it('treats the last word as a prefix being typed', () => {
    const { terms } = analyzeQuery('подписано соглаш');
    expect(terms.map((t) => t.prefix)).toEqual([false, true]);
    expect(termFrequency(terms[1]!, stems('соглашения подписаны'))).toBeGreaterThan(0);
  });

  it('marks inflected forms in the original text with correct offsets', () => {
    const matcher = wordMatcher(analyzeQuery('соглашение партнёр'));
    expect(markAll('Подписание Соглашений с партнерами', matcher)).toBe(`Подписание ${S}Соглашений${E} с ${S}партнерами${E}`);
  });

  it('crops a snippet around the matches and says where text was cut', () => {
    const text = `${'слово '.repeat(50)}здесь подписано соглашение о сотрудничестве ${'текст '.repeat(50)}`.trim();
    const snippet = markSnippet(text, wordMatcher(analyzeQuery('соглашения')), 10)!;
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain(`${S}соглашение${E}`);
    expect(markSnippet(text, wordMatcher(analyzeQuery('договор')), 10)).toBeUndefined();
  });
});

describe('indexWords', () => {
  it('gives the folded words that stems() stems, one for one, stop words left out', () => {
    const text = 'Партнёры и СОГЛАШЕНИЯ: в 2024 году iPhone-15 — «Гродно-Инвест»';
    expect(indexWords(text)).toEqual(['партнеры', 'соглашения', '2024', 'году', 'iphone', '15', 'гродно', 'инвест']);
    expect(indexWords(text).map(stemWord)).toEqual(stems(text));
  });
});
