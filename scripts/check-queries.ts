/**
 * `npx tsx scripts/check-queries.ts --corpus ../shared/corpus/ng.jsonl.gz --out /tmp/ng-queries.jsonl`
 *
 * A second query set, made from a corpus's own titles, summaries and editor keywords (same format
 * as dev-queries.jsonl), for checking a ranking change on a collection it was not tuned on
 * (docs/relevance.md: NG as an untuned check). Written outside the repository: it holds corpus text.
 * The sample is fixed (seeded), so two runs compare.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readCorpus, type CorpusRecord } from './relevance-eval.js';

const PER_TYPE = 300;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { corpus: { type: 'string' }, out: { type: 'string' } } });
  if (!values.corpus || !values.out) throw new Error('usage: tsx scripts/check-queries.ts --corpus FILE.jsonl.gz --out FILE.jsonl');
  const records = await readCorpus(values.corpus, undefined);
  const random = seeded(42);
  const queries = [
    ...sample(records.filter((r) => (r.summary ?? '').length > 80), random).map((r) => ({ type: 'summary', q: r.summary!, relevant: [r.url] })),
    ...sample(records.filter((r) => r.title), random).map((r) => ({ type: 'headline', q: r.title!, relevant: [r.url] })),
    ...sample(keywordSets(records), random).map(([keyword, urls]) => ({ type: 'keyword', q: keyword, relevant: urls })),
  ];
  await writeFile(values.out, queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
  console.log(`${queries.length} queries → ${values.out}`);
}

/** Editor keywords (lower case) with 3–60 tagged articles: a topic, not a one-off or a section name. */
function keywordSets(records: CorpusRecord[]): [string, string[]][] {
  const byKeyword = new Map<string, Set<string>>();
  for (const r of records) for (const k of r.keywords ?? []) byKeyword.set(k.toLowerCase(), (byKeyword.get(k.toLowerCase()) ?? new Set()).add(r.url));
  return [...byKeyword].filter(([, urls]) => urls.size >= 3 && urls.size <= 60).map(([k, urls]) => [k, [...urls]]);
}

function sample<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, PER_TYPE);
}

/** A small linear congruential generator: the same sample on every machine. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
