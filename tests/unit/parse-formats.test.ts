import v8 from 'node:v8';
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../core/document.js';
import { parseSource, readInput } from '../../indexer/read.js';
import { collectChunks } from '../../indexer/run.js';

const F = 'tests/fixtures/formats';
const parseFixture = async (name: string) => parseSource({ origin: `${F}/${name}`, bytes: readFileSync(`${F}/${name}`) });
const sectionTitles = (a: Article) => a.sections.map((s) => s.title);


/** V8's collector on demand, without starting the test process with --expose-gc. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

describe('Markdown with front matter', () => {
  it('takes title, date, url, tags from the front matter and sections from #/##/### headings', async () => {
    const [a] = await parseFixture('harvest.md');
    expect(a).toMatchObject({
      title: 'Урожай яблок в Тестовой области вырос на треть',
      date: '2025-09-14',
      url: 'https://example.test/news/harvest-2025',
      tags: ['сельское хозяйство', 'яблоки'],
      place: 'Тестоград',
      agency: 'Агентство Проверки',
      source: 'Министерство сельского хозяйства Тестовой области',
      summary: 'Садоводы собрали рекордный урожай.',
    });
    expect(sectionTitles(a!)).toEqual([a!.title, 'Погода помогла', '«Хранить негде»: проблема складов', 'Цены — вниз']);
    expect(a!.sections.map((s) => s.anchor)).toEqual(['lead', 'погода-помогла', 'хранить-негде-проблема-складов', 'цены-вниз']);
    // Inline markup is reduced to text; the source line is metadata, not text.
    expect(a!.sections[0]!.paragraphs[0]).toContain('собрали рекордный урожай яблок, сообщили в региональном министерстве.');
    expect(JSON.stringify(a!.sections)).not.toMatch(/Источник:|\*\*|\]\(/);
    expect(a!.sections[2]!.paragraphs).toContain('первый пункт списка про холодильники;');
  });

  it('uses the first # heading as the title when the front matter has none', async () => {
    const [a] = await parseSource({ origin: 'x.md', bytes: Buffer.from('# Заголовок статьи\n\nТекст статьи.\n\n## Раздел\n\nЕщё текст.\n') });
    expect(a!.title).toBe('Заголовок статьи');
    expect(sectionTitles(a!)).toEqual(['Заголовок статьи', 'Раздел']);
    expect(a!.id).toBe('x');
    expect(a!.url).toBe('/articles/x');
  });
});

describe('HTML parsed with parse5', () => {
  it('reads og:title, the published date, canonical url, keywords and h2/h3 sections; drops page furniture', async () => {
    const [a] = await parseFixture('bridge.html');
    expect(a).toMatchObject({
      title: 'Мост через реку Тестовку откроют в декабре',
      date: '2025-10-02',
      url: 'https://example.test/news/bridge',
      tags: ['мосты', 'дороги', 'Тестовка'],
      place: 'Тестоград',
      source: 'Пресс-служба дорожного управления',
    });
    expect(sectionTitles(a!)).toEqual([a!.title, 'Сроки и стоимость', 'Объезд на время работ']);
    expect(a!.sections[1]!.paragraphs).toEqual([
      'Движение по мосту откроют в декабре, стоимость работ составила два миллиарда рублей.',
      'Подрядчик обещает закончить отделку до холодов.',
    ]);
    const all = JSON.stringify(a);
    for (const dropped of ['Главная', 'tracker', 'color: red', 'Реклама', 'Подпись к фото', '© Новости']) expect(all).not.toContain(dropped);
  });

  it('falls back to <h1> and <time datetime> when there are no meta tags', async () => {
    const html = '<html><body><h1>Заголовок из h1</h1><time datetime="2024-02-29T10:00">29 февраля</time><p>Текст.</p></body></html>';
    const [a] = await parseSource({ origin: 'page.html', bytes: Buffer.from(html) });
    expect(a).toMatchObject({ title: 'Заголовок из h1', date: '2024-02-29' });
    expect(a!.sections[0]!.paragraphs).toEqual(['29 февраля', 'Текст.']);
  });
});

describe('JSON and JSON Lines (the corpus layout)', () => {
  it('reads one JSON object with its metadata; content lines are paragraphs and headings are inferred', async () => {
    const [a] = await parseFixture('museum.json');
    expect(a).toMatchObject({ title: 'В Тестограде открылся музей часов', date: '2025-08-20', tags: ['музеи', 'часы'], source: 'Управление культуры' });
    expect(sectionTitles(a!)).toEqual([a!.title, 'Самые старые часы', 'Билеты и расписание']);
  });

  it('reads every line of a .jsonl file, joins broken lines, and gives url-less articles a reader url', async () => {
    const articles = await parseFixture('digest.jsonl');
    expect(articles.map((a) => a.title)).toEqual(['Железную дорогу продлят до порта', 'Заметка без адреса', 'Школу отремонтируют к сентябрю']);
    expect(sectionTitles(articles[0]!).slice(1)).toEqual(['«Это изменит экономику региона»', 'Финансирование: бюджет и инвесторы']);
    expect(articles[0]!.origin).toBe(`${F}/digest.jsonl:1`);
    const noUrl = articles[1]!;
    expect(noUrl.id).toMatch(/^h[0-9a-f]{16}$/);
    expect(noUrl.url).toBe(`/articles/${noUrl.id}`);
    expect(noUrl).toMatchObject({ place: 'Москва', agency: 'Тест', tags: ['разное'], date: '2025-07-01' });
    expect(noUrl.sections).toHaveLength(1);
    // «Министр сообщил, что ремонт школы» / «завершат к …» is one sentence, not a heading.
    expect(articles[2]!.sections[0]!.paragraphs[0]).toBe('Министр сообщил, что ремонт школы завершат к первому сентября.');
    expect(articles[2]!.tags).toEqual(['школы', 'ремонт']);
  });

  it('reads gzipped JSON Lines', async () => {
    const articles = await parseFixture('archive.jsonl.gz');
    expect(articles.map((a) => [a.title, a.sections.length])).toEqual([
      ['Сжатая статья первая', 2],
      ['Сжатая статья вторая', 1],
    ]);
  });

  it('keeps memory bounded on a 50 MB JSON Lines stream', async () => {
    const line = `${JSON.stringify({ title: 'Статья', content: 'Абзац текста о событиях дня. '.repeat(60) })}\n`;
    const lines = Math.ceil((50 * 2 ** 20) / Buffer.byteLength(line));
    function* source() {
      for (let i = 0; i < lines; i++) yield Buffer.from(line.replace('Статья', `Статья ${i}`));
    }
    // Live heap, not heap with garbage: garbage depends on when V8 collects (the other files in this
    // worker change that), what is alive does not.
    const live = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let peak = before;
    let count = 0;
    for await (const item of readInput('big.jsonl', () => Readable.from(source()))) {
      if ('article' in item) count++;
      if (count % 2000 === 0) peak = Math.max(peak, live());
    }
    expect(count).toBe(lines);
    // The whole input is 50 MB of text (100 MB as JS strings); streaming keeps far less alive.
    expect(peak - before).toBeLessThan(40 * 2 ** 20);
  }, 120_000);
});

describe('stdin and format sniffing', () => {
  it('reads `-` from a stream and picks the format from its content', async () => {
    const stdin = () => Readable.from([readFileSync(`${F}/digest.jsonl`)]);
    const { articles, failures } = await collectChunks({ paths: ['-'], stdin });
    expect(failures).toEqual([]);
    expect(articles).toHaveLength(3);
    expect(articles[0]!.origin).toBe('-:1');

    const html = () => Readable.from([Buffer.from('<!doctype html><h1>Из stdin</h1><p>Текст страницы.</p>')]);
    const fromHtml = await collectChunks({ paths: ['-'], stdin: html });
    expect(fromHtml.articles.map((a) => a.title)).toEqual(['Из stdin']);
  });
});

describe('bad input', () => {
  it('reports each bad file or JSON line with its path (and line) and reason; good articles still come through', async () => {
    const { articles, failures } = await collectChunks({ paths: ['tests/fixtures/bad', 'tests/fixtures/missing.txt'] });
    expect(articles.map((a) => a.title)).toEqual(['Хорошая строка']);
    const B = 'tests/fixtures/bad';
    expect(failures).toEqual(
      expect.arrayContaining([
        { source: 'tests/fixtures/missing.txt', reason: 'no such file or folder' },
        { source: `${B}/binary.txt`, reason: 'binary file (contains NUL bytes)' },
        { source: `${B}/empty.txt`, reason: 'the file is empty' },
        { source: `${B}/latin1.md`, reason: 'not valid UTF-8' },
        { source: `${B}/malformed.json`, reason: expect.stringMatching(/^malformed JSON/) },
        { source: `${B}/lines.jsonl:2`, reason: expect.stringMatching(/^malformed JSON/) },
        { source: `${B}/lines.jsonl:3`, reason: expect.stringMatching(/^field `title`/) },
        { source: `${B}/lines.jsonl:5`, reason: 'expected a JSON object' },
        { source: `${B}/not-gzip.jsonl.gz`, reason: 'named .gz but not gzip data' },
      ]),
    );
    expect(failures).toHaveLength(9);
  });

  it('reports an article id produced twice', async () => {
    const line = `${JSON.stringify({ url: 'https://example.test/same', title: 'Т', content: 'Текст.' })}\n`;
    const { articles, failures } = await collectChunks({ paths: ['-'], stdin: () => Readable.from([Buffer.from(line + line)]) });
    expect(articles).toHaveLength(1);
    expect(failures).toEqual([{ source: '-:2', reason: expect.stringMatching(/^duplicate article id u[0-9a-f]{16} \(also produced by -:1\)/) }]);
  });
});
