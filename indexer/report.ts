import type { IndexSummary } from './run.js';

export function formatSummary(summary: IndexSummary): string {
  const lines = [
    `articles: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
      `${summary.pruned} pruned, ${summary.failed} failed`,
    `chunks: ${summary.chunks} in inputs, ${summary.chunksSent} sent, ${summary.chunksDeleted} deleted`,
    `time: ${sec(summary.elapsedMs)} s (own work ${sec(summary.ownMs)} s, engine ${sec(summary.engineMs)} s` +
      (summary.parserThread ? `, parser thread overlapping the engine ${sec(summary.parserOverlappedWaitMs ?? 0)} s)` : ')'),
  ];
  if (summary.pruneSkipped) lines.push(`prune skipped: ${summary.pruneSkipped}`);
  for (const note of summary.notes) lines.push(`note: ${note}`);
  for (const failure of summary.failures) lines.push(`error: ${failure.source}: ${failure.reason}`);
  return lines.join('\n');
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
