import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../core/document.js';
import { isHeading } from '../../indexer/headings.js';
import { slugify, uniqueAnchors } from '../../indexer/anchors.js';
import { parseSource } from '../../indexer/read.js';
import { articleToChunks, splitPassages, MAX_PASSAGE_CHARS } from '../../indexer/chunks.js';

const SEED = 'articles/000_239304c8c15dffd8.txt';

describe('the seed article', () => {
  let article: Article | undefined;
  beforeAll(async () => {
    [article] = await parseSource({ origin: SEED, bytes: readFileSync(SEED) });
  });

  it('has its title, date, dateline and source line as metadata', () => {
    expect(article!.title).toBe('Смоленская область подписала ряд соглашений с регионами Беларуси');
    expect(article!.date).toBe('2026-02-13');
    expect(article!.place).toBe('Минск');
    expect(article!.agency).toBe('Sputnik');
    expect(article!.source).toBe('Пресс-служба Центра международного сотрудничества Смоленской области');
    expect(article!.id).toBe('000_239304c8c15dffd8');
  });

  it('splits into the lead and its two headed sections', () => {
    expect(article!.sections.map((s) => [s.index, s.title, s.anchor])).toEqual([
      [0, 'Смоленская область подписала ряд соглашений с регионами Беларуси', 'lead'],
      [1, 'Россия — ключевой партнер', 'россия-ключевой-партнер'],
      [2, 'Масштаб инвестиционных проектов', 'масштаб-инвестиционных-проектов'],
    ]);
    expect(article!.sections[1]!.paragraphs[0]).toMatch(/^Руководитель администрации/);
    expect(article!.sections[2]!.paragraphs.at(-1)).toMatch(/Александр Казаков\.$/);
    // The source line is metadata, never text or a heading.
    expect(JSON.stringify(article!.sections)).not.toContain('Источник:');
  });

  it('gives stable chunk ids and hashes', async () => {
    const again = (await parseSource({ origin: SEED, bytes: readFileSync(SEED) }))[0]!;
    expect(articleToChunks(again).map((c) => [c.id, c.hash])).toEqual(articleToChunks(article!).map((c) => [c.id, c.hash]));
    expect(articleToChunks(article!).map((c) => c.id)).toEqual([
      '000_239304c8c15dffd8-0-0',
      '000_239304c8c15dffd8-1-0',
      '000_239304c8c15dffd8-2-0',
    ]);
  });
});

describe('isHeading', () => {
  it('accepts short title-like lines followed by text', () => {
    expect(isHeading('Россия — ключевой партнер', 'Руководитель сказал.', 'Конец абзаца.')).toBe(true);
    expect(isHeading('«Мы не отступим»', 'Так заявил министр.', 'Конец.')).toBe(true);
  });
  it('rejects sentences, broken lines and the last line', () => {
    expect(isHeading('Это обычное предложение.', 'Дальше.', undefined)).toBe(false);
    expect(isHeading('Министр сообщил, что', 'проект будет завершен.', undefined)).toBe(false);
    expect(isHeading('Короткая строка', undefined, 'Конец.')).toBe(false);
    expect(isHeading('продолжение строки', 'Текст.', 'Начало фразы')).toBe(false);
    expect(isHeading('Вот что он сказал:', 'Текст.', 'Конец.')).toBe(false);
  });
});

describe('anchors', () => {
  it('are readable Cyrillic slugs, unique within an article', () => {
    expect(slugify('Россия — ключевой партнёр!')).toBe('россия-ключевой-партнер');
    expect(uniqueAnchors(['Итоги', 'Итоги', 'Lead'], ['lead'])).toEqual(['итоги', 'итоги-2', 'lead-2']);
    expect(slugify('«»')).toBe('section');
  });
});

describe('passages', () => {
  it('split long sections at paragraph and sentence boundaries', () => {
    const sentence = 'Это предложение о сотрудничестве регионов. ';
    const paragraphs = [sentence.repeat(30), sentence.repeat(60), 'Короткий абзац.'];
    const passages = splitPassages({ title: 'T', index: 1, anchor: 't', paragraphs });
    expect(passages.length).toBeGreaterThan(2);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
    expect(passages.join(' ').replace(/\s+/g, ' ')).toBe(paragraphs.join(' ').replace(/\s+/g, ' ').trim());
  });
});
