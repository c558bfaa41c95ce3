/** The run summary an editor reads (and the server logs from the CLI's output). */
import type { IndexSummary, WrittenTo } from './run.js';

export function formatSummary(summary: IndexSummary): string {
  const lines = [
    ...(summary.engine ? [wroteTo(summary.engine)] : []),
    `articles: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
      `${summary.pruned} pruned, ${summary.failed} failed`,
    `chunks: ${summary.chunks} in inputs, ${summary.chunksSent} sent, ${summary.chunksDeleted} deleted`,
    ...(summary.synonyms ? [synonymsLine(summary.synonyms)] : []),
    `time: ${sec(summary.elapsedMs)} s (own work ${sec(summary.ownMs)} s, engine ${sec(summary.engineMs)} s` +
      (summary.parserThread ? `, parser thread overlapping the engine ${sec(summary.parserOverlappedWaitMs ?? 0)} s)` : ')'),
  ];
  if (summary.web) lines.push(`web: ${summary.web.requests} request(s)`);
  if (summary.pruneKept) {
    lines.push(`prune kept ${summary.pruneKept.length} article(s) no input produced, because their input failed (fix it and run again, or use --rebuild):`);
    for (const kept of summary.pruneKept.slice(0, 20)) lines.push(`  kept ${kept.articleId}: ${kept.reason}`);
    if (summary.pruneKept.length > 20) lines.push(`  … and ${summary.pruneKept.length - 20} more (--json lists them all)`);
  }
  for (const note of summary.notes) lines.push(`note: ${note}`);
  for (const failure of [...summary.failures, ...(summary.synonyms?.errors ?? [])]) lines.push(`error: ${failure.source}: ${failure.reason}`);
  return lines.join('\n');
}

function synonymsLine({ files, groups, changed, errors }: NonNullable<IndexSummary['synonyms']>): string {
  const what = changed ? 'changed: applied to the engine and announced to the proxies' : 'unchanged';
  return `synonyms: ${groups} group(s) from ${files.join(', ')} (${what})` + (errors.length > 0 ? `; ${errors.length} bad line(s) left out` : '');
}

/** The first line of every summary: where the articles went (a URL and an index, never a key). */
export function wroteTo(where: WrittenTo): string {
  const how = {
    server: `the running server's engine (${where.owner ?? 'server'})`,
    shared: `the engine of ${where.owner ?? 'another process'}`,
    started: 'an engine started for this run (no server was running on DATA_DIR; stopped now, the next `npm start` serves this data)',
    external: 'MEILI_URL',
    shards: 'MEILI_SHARDS',
  }[where.engineOrigin];
  return `wrote to: index ${where.index} at ${where.url} — ${how}`;
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
