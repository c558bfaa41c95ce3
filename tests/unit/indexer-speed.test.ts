import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveredMs, overlapMs } from '../../indexer/apply.js';
import { articleToChunkJson, articleToChunks } from '../../indexer/chunks.js';
import { byteLines, readInput, sourceHash, type ReadItem } from '../../indexer/read.js';
import { searchFields, stems, words } from '../../core/text/stem.js';
import { isStopWord } from '../../core/text/stopwords.js';

/** The speed-ups must not change a byte of output; these pin each one to the slow form it replaced. */

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
const streamOf = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('byteLines', () => {
  it('splits like /\\r?\\n/ wherever the chunk boundaries fall, keeping the last line without a break', async () => {
    const text = 'первая\r\nвторая\n\nчетвёртая\rс CR внутри\nпоследняя';
    const expected = text.split(/\r?\n/);
    // Every possible cut, including inside a two-byte Cyrillic letter and between \r and \n.
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const stream = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
      const lines = (await collect(byteLines(stream, 'x.jsonl'))).map((b) => b.toString('utf8'));
      expect(lines).toEqual(expected);
    }
  });

  it('yields no empty last line after a final newline', async () => {
    const lines = await collect(byteLines(streamOf('a\nb\n'), 'x.jsonl'));
    expect(lines.map(String)).toEqual(['a', 'b']);
  });

  it('fails the file, naming it, when a line exceeds the limit', async () => {
    const huge = Readable.from(
      (function* () {
        for (let i = 0; i < 17; i++) yield Buffer.alloc(1024 * 1024, 0x61);
      })(),
    );
    await expect(collect(byteLines(huge, 'big.jsonl'))).rejects.toThrow(/big\.jsonl.*longer than 16 MB/);
  });
});

describe('JSON Lines fingerprints', () => {
  const line = JSON.stringify({ title: 'Заголовок', content: 'Первый абзац статьи.\nВторой абзац.', url: 'https://example.test/a' });

  it('the hash of a line as bytes equals the hash of its text, so stored articles are recognised', async () => {
    expect(sourceHash(Buffer.from(line))).toBe(sourceHash(line));
    const first = await collect(readInput('a.jsonl', () => streamOf(`${line}\r\n`)));
    const article = (first[0] as Extract<ReadItem, { article: unknown }>).article;
    const known = new Map([[article.sourceHash, article.id]]);
    const again = await collect(readInput('a.jsonl', () => streamOf(`${line}\r\n`), known));
    expect(again).toEqual([{ unchanged: { articleId: article.id, origin: 'a.jsonl:1' } }]);
  });

  it('still reports a line that is not UTF-8, with its line number, and blank lines are skipped', async () => {
    const bad = Buffer.concat([Buffer.from(`${line}\n  \n{"title":"x`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const items = await collect(readInput('b.jsonl', () => Readable.from([bad])));
    expect(items).toHaveLength(2);
    expect(items[1]).toEqual({ failure: { source: 'b.jsonl:3', reason: 'not valid UTF-8' } });
  });
});

describe('articleToChunkJson', () => {
  it('gives exactly JSON.stringify of each chunk, the chunks articleToChunks gives', async () => {
    const content = 'МОСКВА, 5 марта — Агентство. Текст «с кавычками» и "escape" \\ символами.\nИтоги года\nПродолжение текста.';
    const items = await collect(readInput('c.jsonl', () => streamOf(JSON.stringify({ title: 'Т"и\\тул', content, tags: ['a', 'б'] }))));
    const article = (items[0] as Extract<ReadItem, { article: unknown }>).article;
    const built = articleToChunkJson(article);
    expect(built.length).toBeGreaterThan(0);
    for (const { doc, json } of built) expect(json).toBe(JSON.stringify(doc));
    expect(built.map((b) => b.doc)).toEqual(articleToChunks(article));
  });
});

describe('memoised stems', () => {
  // The unmemoised rule, as stem.ts had it before the memo.
  const snowball = createRequire(import.meta.url)('snowball-stemmers') as { newStemmer(l: string): { stem(w: string): string } };
  const russian = snowball.newStemmer('russian');
  const reference = (text: string) =>
    words(text)
      .filter((w) => !isStopWord(w))
      .map((w) => (w.length < 3 || !/[а-я]/.test(w) ? w : russian.stem(w)));

  it('equal the unmemoised stems, first call and repeat', () => {
    const text = 'Ёлки и ЁЛКИ, зелёные ёлочки — в лесу растут ёлки; İstanbul, ΟΔΟΣ, 2024-й год';
    // Three times: computed, then from the memo (which moves the word to the front memo), then from the front memo.
    for (let i = 0; i < 3; i++) expect(stems(text)).toEqual(reference(text));
    const word = fc.oneof(fc.constantFrom('Ёлки', 'ёлки', 'и', 'в', 'новости', 'НОВОСТЯМИ', 'Москва', 'x1'), fc.string());
    fc.assert(
      fc.property(fc.array(word), (parts) => {
        const t = parts.join(' ');
        expect(stems(t)).toEqual(reference(t));
      }),
    );
  });
});

describe('searchFields', () => {
  it('is the stems of the title then of the text, whatever title came before (the title stems are reused)', () => {
    const titles = ['Итоги года', 'Цены — вниз', 'Итоги года', ''];
    for (const title of [...titles, ...titles.reverse()]) {
      for (const text of ['Цены на яблоки снизились.', 'Итоги: рост цен']) {
        expect(searchFields(title, text).stems).toBe([...stems(title), ...stems(text)].join(' '));
      }
    }
  });
});

describe('coveredMs', () => {
  it('is the length of the union of intervals', () => {
    expect(coveredMs([])).toBe(0);
    expect(coveredMs([{ start: 10, end: 20 }, { start: 15, end: 30 }, { start: 40, end: 45 }, { start: 41, end: 42 }])).toBe(25);
  });
});

describe('waits hidden by the engine (bench:index "overlapped")', () => {
  it('counts only the part of each wait the engine spent busy, busy intervals merged first', () => {
    const busy = [
      { start: 10, end: 20 },
      { start: 15, end: 30 },
      { start: 50, end: 60 },
    ];
    expect(overlapMs([{ start: 0, end: 5 }], busy)).toBe(0);
    expect(overlapMs([{ start: 12, end: 25 }], busy)).toBe(13);
    expect(overlapMs([{ start: 25, end: 55 }], busy)).toBe(10);
    expect(overlapMs([{ start: 0, end: 100 }, { start: 58, end: 70 }], busy)).toBe(30 + 2);
  });
});
