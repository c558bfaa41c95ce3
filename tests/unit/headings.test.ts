import { describe, expect, it } from 'vitest';
import type { ChunkFingerprint } from '../../core/document.js';
import { splitPassages } from '../../indexer/chunks.js';
import { isHeading } from '../../indexer/headings.js';
import { plainTextToParagraphs } from '../../indexer/parse/body.js';
import { diffArticle, engineState } from '../../indexer/plan.js';
import { splitSections } from '../../indexer/sections.js';

const TEXT = 'Обычный абзац текста, который заканчивается точкой.';
const headingsOf = (paragraphs: string[]) => splitSections('Заголовок статьи', paragraphs).slice(1).map((s) => s.title);

describe('heading rules on real-looking news text', () => {
  it('accepts quotations, dashes and colons inside headings', () => {
    expect(headingsOf([TEXT, '«Мы не отступим»', TEXT, 'Россия — ключевой партнер', TEXT, 'Германия: интрига до конца', TEXT])).toEqual([
      '«Мы не отступим»',
      'Россия — ключевой партнер',
      'Германия: интрига до конца',
    ]);
  });

  it('rejects a line broken mid-sentence (the next continues in lower case or with punctuation)', () => {
    expect(isHeading('Министр сообщил, что проект', 'будет завершен в срок.', TEXT)).toBe(false);
    expect(isHeading('Заявление министра', ') было опубликовано вчера.', TEXT)).toBe(false);
    expect(isHeading('Продолжение фразы', TEXT, 'Начало фразы без точки')).toBe(false);
  });

  it('rejects one-line paragraphs that end a sentence or a clause, and dangling conjunctions', () => {
    for (const line of ['Это обычное предложение.', 'Он спросил?', 'Вот что он сказал:', 'Решение принято —', 'Власти и'])
      expect(isHeading(line, TEXT, TEXT), line).toBe(false);
  });

  it('rejects fragments and foreign-language lines', () => {
    expect(isHeading('The FAKE NEWS media (failing', TEXT, TEXT)).toBe(false);
    expect(isHeading('Breaking news from London', TEXT, TEXT)).toBe(false);
    expect(isHeading('(51)', TEXT, TEXT)).toBe(false);
    expect(isHeading('«Начало цитаты — сказал он', TEXT, TEXT)).toBe(false);
  });

  it('the last line and over-long lines are never headings', () => {
    expect(isHeading('Короткая строка', undefined, TEXT)).toBe(false);
    expect(isHeading(`Очень ${'длинная '.repeat(15)}строка`, TEXT, TEXT)).toBe(false);
  });

  it('an article without headings is one section, split into bounded passages that keep its title', () => {
    const long = Array.from({ length: 12 }, (_, i) => `Абзац номер ${i} ${'с подробностями о событиях. '.repeat(8)}`.trim());
    const sections = splitSections('Заголовок статьи', long);
    expect(sections).toHaveLength(1);
    expect(sections[0]!.title).toBe('Заголовок статьи');
    const passages = splitPassages(sections[0]!);
    expect(passages.length).toBeGreaterThan(1);
    // Passages end at paragraph boundaries: each one starts a paragraph.
    for (const p of passages) expect(p).toMatch(/^Абзац номер \d+/);
  });

  it('headings without text after them are dropped; repeated titles get unique anchors', () => {
    const sections = splitSections('Т', [TEXT, 'Итоги', TEXT, 'Итоги', TEXT]);
    expect(sections.map((s) => s.anchor)).toEqual(['lead', 'итоги', 'итоги-2']);
    expect(splitSections('Т', [TEXT, 'Пустой раздел', 'Ещё раздел', TEXT], [1, 2]).map((s) => s.anchor)).toEqual(['lead', 'еще-раздел']);
    expect(splitSections('Т', [TEXT, 'Lead', TEXT], [1]).map((s) => s.anchor)).toEqual(['lead', 'lead-2']);
  });

  it('uses the source markup instead of guessing when headings are marked', () => {
    const sections = splitSections('Т', ['Вступление.', 'Раздел с точкой.', 'Текст раздела.'], [1]);
    expect(sections.map((s) => s.title)).toEqual(['Т', 'Раздел с точкой.']);
  });
});

describe('plain content lines (corpus layout)', () => {
  it('drops indented captions and credits, related-article widgets, embed remains and player code', () => {
    const content = [
      'Первый абзац статьи.',
      ' Подпись к фотографии ',
      ' Reuters ',
      ' Также по теме ',
      ' Заголовок другой статьи ',
      ' Анонс другой статьи, который обрывается... ',
      'pic.twitter.com/AbCdEf123',
      '— Some Person (@someone) ',
      'October 2, 2017',
      'Апр 25 2017 в 2:23 PDT',
      'jwplayer.key="x";',
      'Раздел статьи',
      'Текст раздела.',
    ].join('\n');
    expect(plainTextToParagraphs(content)).toEqual(['Первый абзац статьи.', 'Раздел статьи', 'Текст раздела.']);
  });

  it('keeps an indented line that reads like prose, and joins lines cut around a link', () => {
    const content = ['Расцвет дипломатии приходится на период правления ', 'Екатерины II', ', которая усилила влияние страны.', ' Это длинный абзац с отступом, но он заканчивается как предложение.'].join('\n');
    expect(plainTextToParagraphs(content)).toEqual([
      'Расцвет дипломатии приходится на период правления Екатерины II, которая усилила влияние страны.',
      'Это длинный абзац с отступом, но он заканчивается как предложение.',
    ]);
  });
});

describe('incremental diff', () => {
  const fp = (id: string, hash: string, sourceHash: string, articleChunks: number): ChunkFingerprint => ({ id, articleId: id.split('-')[0]!, hash, sourceHash, articleChunks });

  it('marks a source complete only when all its chunks carry the same fingerprint and none is missing', () => {
    const state = engineState([
      fp('a-0-0', 'h1', 'S1', 2), fp('a-1-0', 'h2', 'S1', 2), // complete
      fp('b-0-0', 'h1', 'S2', 2), // one of two chunks stored (interrupted add)
      fp('c-0-0', 'h1', 'S3', 2), fp('c-1-0', 'h2', 'S3old', 2), // two versions mixed (interrupted update)
    ]);
    expect([...state.completeSources]).toEqual([['S1', 'a']]);
  });

  it('sends only changed chunks and deletes only stale ones', () => {
    const have = new Map([['a-0-0', 'h1'], ['a-1-0', 'h2'], ['a-2-0', 'h3']]);
    const chunk = (id: string, hash: string) => ({ id, hash }) as never;
    const diff = diffArticle(have, [chunk('a-0-0', 'h1'), chunk('a-1-0', 'NEW')]);
    expect(diff).toEqual({ change: 'updated', upsert: [chunk('a-1-0', 'NEW')], stale: ['a-2-0'] });
    expect(diffArticle(have, [chunk('a-0-0', 'h1'), chunk('a-1-0', 'h2'), chunk('a-2-0', 'h3')]).change).toBe('unchanged');
    expect(diffArticle(undefined, [chunk('a-0-0', 'h1')]).change).toBe('added');
  });
});
