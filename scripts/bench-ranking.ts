/**
 * `npm run bench:ranking -- --corpus ../shared/corpus/rt.jsonl.gz --queries ../shared/corpus/dev-queries.jsonl`
 *
 * The ranking index alone, in process, no engine: builds it from the corpus's chunks (same chunking
 * and corpus rule as bench:relevance), prints its build time and size, and scores every query with
 * the same query analysis and ranking the API uses (article level, cut at 10). For quick work on
 * ranking; bench:relevance is the end-to-end figure through the HTTP API.
 */
import { parseArgs } from 'node:util';
import { analyzeQuery } from '../server/search/analyze.js';
import { synonymTable } from '../core/text/synonyms.js';
import { shippedSynonyms } from '../indexer/synonyms.js';
import { createRankingIndex, INDEX_RANK_PARAMS, SHORT_QUERY_PARAMS, VERBOSE_QUERY_PARAMS } from '../server/ranking/index.js';
import { CORPUS_OPTIONS, evaluate, loadEvaluation, printLatencyByType, printTable, queryScore, type Searcher } from './relevance-eval.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...CORPUS_OPTIONS,
      // Parameter variants to compare in the same run, e.g. --try '{"article":2}' (INDEX_RANK_PARAMS;
      // a "short" member sets SHORT_QUERY_PARAMS, a "verbose" one VERBOSE_QUERY_PARAMS). Each variant
      // also prints, per query type, how many queries it wins and loses against the defaults.
      try: { type: 'string', multiple: true },
    },
  });
  const usage = "usage: bench:ranking -- --corpus FILE.jsonl.gz --queries FILE.jsonl [--limit-articles N] [--sample N] [--try '{...}']";
  const { records, chunks, queries } = await loadEvaluation(values, usage);

  const started = performance.now();
  const index = createRankingIndex(chunks);
  const buildMs = performance.now() - started;
  const stats = index.stats();
  console.log(
    `${records.length} articles → ${chunks.length} chunks; ${stats.terms} stems; ` +
      `built in ${(buildMs / 1000).toFixed(2)} s; typed arrays ${(stats.bytes / 1e6).toFixed(1)} MB; ${queries.length} queries`,
  );
  const urlOf = new Map(chunks.map((c) => [c.id, c.articleUrl]));
  // The shipped articles/synonyms.txt, as a default install publishes it.
  const synonyms = synonymTable((await shippedSynonyms()).groups);
  const search: Searcher = async (q) => {
    const t = performance.now();
    const ranking = index.search(analyzeQuery(q, synonyms), {}, 30);
    const urls = ranking.chunks.slice(0, 300).map((c) => urlOf.get(c.id)!);
    return { urls, ms: performance.now() - t };
  };
  const defaults = { ...INDEX_RANK_PARAMS };
  const shortDefaults = { ...SHORT_QUERY_PARAMS };
  const verboseDefaults = { ...VERBOSE_QUERY_PARAMS };
  const rows = [];
  const perQuery: number[][] = [];
  for (const variant of [undefined, ...(values.try ?? [])]) {
    const scores: number[] = [];
    perQuery.push(scores);
    const scoring: Searcher = async (q) => {
      const answer = await search(q);
      // evaluate() asks the queries one at a time, in order.
      scores.push(queryScore(queries[scores.length]!, answer.urls));
      return answer;
    };
    type Overrides = Partial<typeof INDEX_RANK_PARAMS>;
    const { short, verbose, ...params } = variant ? (JSON.parse(variant) as Overrides & { short?: Overrides; verbose?: Overrides }) : {};
    Object.assign(INDEX_RANK_PARAMS, defaults, params);
    for (const key of Object.keys(SHORT_QUERY_PARAMS)) delete (SHORT_QUERY_PARAMS as Record<string, unknown>)[key];
    Object.assign(SHORT_QUERY_PARAMS, shortDefaults, short ?? {});
    for (const key of Object.keys(VERBOSE_QUERY_PARAMS)) delete (VERBOSE_QUERY_PARAMS as Record<string, unknown>)[key];
    Object.assign(VERBOSE_QUERY_PARAMS, verboseDefaults, verbose ?? {});
    rows.push({ name: variant ?? 'ranking index (in process)', ...(await evaluate(scoring, queries)) });
  }
  const types = [...new Set(queries.map((q) => q.type))];
  printTable(rows, types);
  printWinsAndLosses(rows.map((r) => r.name), perQuery, queries, types);
  console.log('');
  printLatencyByType(rows, types);
}

/** Per variant and query type: queries scored higher / lower than with the defaults (first row). */
function printWinsAndLosses(names: string[], perQuery: number[][], queries: { type: string }[], types: string[]): void {
  if (names.length < 2) return;
  console.log('');
  console.log(`| queries won / lost vs the defaults | ${types.join(' | ')} |`);
  console.log(`|${['', ...types].map(() => '---').join('|')}|`);
  for (let v = 1; v < names.length; v++) {
    const cells = types.map((t) => {
      let won = 0;
      let lost = 0;
      queries.forEach((q, i) => {
        if (q.type !== t) return;
        const delta = perQuery[v]![i]! - perQuery[0]![i]!;
        if (delta > 1e-9) won++;
        else if (delta < -1e-9) lost++;
      });
      return `+${won} / −${lost}`;
    });
    console.log(`| ${[names[v], ...cells].join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
