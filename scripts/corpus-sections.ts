/**
 * `npm run corpus:sections [files…]`: run the real parser and section splitter over the benchmark
 * corpus (default ../shared/corpus/{rt,ng}.jsonl.gz) and print what share of articles got
 * sections, section and passage counts, and a sample of the headings found. Nothing is indexed.
 */
import { articleToChunks } from '../indexer/chunks.js';
import { readArticles } from '../indexer/read.js';

const DEFAULT_FILES = ['../shared/corpus/rt.jsonl.gz', '../shared/corpus/ng.jsonl.gz'];
const SAMPLE_SIZE = 40;

async function main(files: string[]): Promise<void> {
  let articles = 0;
  let withSections = 0;
  let sections = 0;
  let passages = 0;
  let failures = 0;
  const headings: string[] = [];
  const byFile = new Map<string, { articles: number; withSections: number }>();
  for await (const item of readArticles({ paths: files })) {
    if ('failure' in item) {
      failures++;
      if (failures <= 5) process.stdout.write(`failure: ${item.failure.source}: ${item.failure.reason}\n`);
      continue;
    }
    if (!('article' in item)) continue;
    const { article } = item;
    const file = article.origin.replace(/:\d+$/, '');
    const stats = byFile.get(file) ?? { articles: 0, withSections: 0 };
    byFile.set(file, stats);
    articles++;
    stats.articles++;
    const headed = article.sections.filter((s) => s.index > 0);
    if (headed.length > 0) {
      withSections++;
      stats.withSections++;
    }
    sections += article.sections.length;
    passages += articleToChunks(article).length;
    for (const s of headed) headings.push(s.title);
  }
  const pct = (n: number, of: number) => `${((100 * n) / Math.max(of, 1)).toFixed(1)}%`;
  process.stdout.write(`articles: ${articles} (failures: ${failures})\n`);
  for (const [file, s] of byFile) process.stdout.write(`  ${file}: ${s.withSections}/${s.articles} with headed sections (${pct(s.withSections, s.articles)})\n`);
  process.stdout.write(`with headed sections: ${withSections} (${pct(withSections, articles)})\n`);
  process.stdout.write(`sections: ${sections} (${(sections / Math.max(articles, 1)).toFixed(2)} per article), passages (chunks): ${passages}\n`);
  process.stdout.write(`headings: ${headings.length}; with «quotes»: ${headings.filter((h) => /[«"]/.test(h)).length}, with a dash: ${headings.filter((h) => /[—–-]/.test(h)).length}, with a colon: ${headings.filter((h) => h.includes(':')).length}\n`);
  process.stdout.write(`sample of headings (every ${Math.max(1, Math.floor(headings.length / SAMPLE_SIZE))}th):\n`);
  const step = Math.max(1, Math.floor(headings.length / SAMPLE_SIZE));
  for (let i = 0; i < headings.length && i / step < SAMPLE_SIZE; i += step) process.stdout.write(`  ${headings[i]}\n`);
}

main(process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_FILES).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
