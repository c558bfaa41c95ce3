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
import { createRankingIndex, INDEX_RANK_PARAMS, SHORT_QUERY_PARAMS, VERBOSE_QUERY_PARAMS } from '../server/ranking/index.js';
import { CORPUS_OPTIONS, evaluate, loadEvaluation, printLatencyByType, printTable, type Searcher } from './relevance-eval.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...CORPUS_OPTIONS,
      // Parameter variants to compare in the same run, e.g. --try '{"article":2}' (INDEX_RANK_PARAMS;
      // a "short" member sets SHORT_QUERY_PARAMS).
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
  const search: Searcher = async (q) => {
    const t = performance.now();
    const ranking = index.search(analyzeQuery(q), {}, 30);
    const urls = ranking.chunks.slice(0, 300).map((c) => urlOf.get(c.id)!);
    return { urls, ms: performance.now() - t };
  };
  const defaults = { ...INDEX_RANK_PARAMS };
  const shortDefaults = { ...SHORT_QUERY_PARAMS };
  const verboseDefaults = { ...VERBOSE_QUERY_PARAMS };
  const rows = [];
  for (const variant of [undefined, ...(values.try ?? [])]) {
    type Overrides = Partial<typeof INDEX_RANK_PARAMS>;
    const { short, verbose, ...params } = variant ? (JSON.parse(variant) as Overrides & { short?: Overrides; verbose?: Overrides }) : {};
    Object.assign(INDEX_RANK_PARAMS, defaults, params);
    for (const key of Object.keys(SHORT_QUERY_PARAMS)) delete (SHORT_QUERY_PARAMS as Record<string, unknown>)[key];
    Object.assign(SHORT_QUERY_PARAMS, shortDefaults, short ?? {});
    for (const key of Object.keys(VERBOSE_QUERY_PARAMS)) delete (VERBOSE_QUERY_PARAMS as Record<string, unknown>)[key];
    Object.assign(VERBOSE_QUERY_PARAMS, verboseDefaults, verbose ?? {});
    rows.push({ name: variant ?? 'ranking index (in process)', ...(await evaluate(search, queries)) });
  }
  const types = [...new Set(queries.map((q) => q.type))];
  printTable(rows, types);
  console.log('');
  printLatencyByType(rows, types);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
