import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const WORDS = ['область', 'соглашение', 'регион', 'экономика', 'проект', 'заповедник', 'река', 'совет', 'город', 'школа', 'мост', 'выставка', 'завод', 'урожай', 'театр', 'станция'];

/**
 * `count` synthetic articles (seed .txt format: a date line, the title, paragraphs), made up here:
 * no real text. Article i carries the word `<marker><i>` (e.g. "метка17"), found in it alone.
 */
export async function writeSyntheticArticles(dir: string, count: number, options: { marker?: string; from?: number } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const marker = options.marker ?? 'метка';
  const files: string[] = [];
  for (let n = 0; n < count; n++) {
    const i = (options.from ?? 0) + n;
    const pick = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length]!;
    const paragraph = (k: number) => Array.from({ length: 24 }, (_, w) => pick(k + w)).join(' ') + '.';
    const text = `date 2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} Тестовск\n${pick(0)} ${pick(1)} ${marker}${i}\n\n${paragraph(1)} ${marker}${i}\n\n${paragraph(2)}\n`;
    const file = path.join(dir, `synthetic-${marker}-${i}.txt`);
    await writeFile(file, text);
    files.push(file);
  }
  return files;
}
