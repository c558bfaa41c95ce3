/**
 * `npm run corpus:dropped-lines -- FILE.jsonl.gz…`: how many lines of the corpus' article text the
 * plain-text parser drops as embedded code (indexer/parse/code-lines.ts), with a few examples, so
 * a change to that rule is measured on real articles (docs/RELIABILITY.md).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { cleanText } from '../core/text/normalize.js';
import { isCodeLine } from '../indexer/parse/code-lines.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run corpus:dropped-lines -- ../shared/corpus/rt.jsonl.gz [more.jsonl.gz]');
  process.exit(2);
}
for (const file of files) {
  let articles = 0;
  let lines = 0;
  let dropped = 0;
  const touched = new Set<number>();
  const examples: string[] = [];
  const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  for await (const record of createInterface({ input, crlfDelay: Infinity })) {
    if (!record.trim()) continue;
    const { content } = JSON.parse(record) as { content?: unknown };
    articles++;
    if (typeof content !== 'string') continue;
    for (const raw of cleanText(content).split(/\r?\n/)) {
      const text = raw.replace(/\s+/g, ' ').trim();
      if (!text) continue;
      lines++;
      if (!isCodeLine(text)) continue;
      dropped++;
      touched.add(articles);
      if (examples.length < 8) examples.push(text.slice(0, 100));
    }
  }
  console.log(`${file}: ${articles} articles, ${lines} non-empty lines; dropped as code: ${dropped} lines in ${touched.size} articles`);
  for (const example of examples) console.log(`  ${example}`);
}
