import type { IndexSummary } from './run.js';

export function formatSummary(summary: IndexSummary): string {
  const lines = [
    `articles: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ` +
      `${summary.pruned} pruned, ${summary.failed} failed`,
    `chunks: ${summary.chunks} in inputs, ${summary.chunksSent} sent, ${summary.chunksDeleted} deleted`,
    `time: ${(summary.elapsedMs / 1000).toFixed(2)} s (own work ${(summary.ownMs / 1000).toFixed(2)} s, engine ${(summary.engineMs / 1000).toFixed(2)} s)`,
  ];
  if (summary.pruneSkipped) lines.push(`prune skipped: ${summary.pruneSkipped}`);
  for (const failure of summary.failures) lines.push(`error: ${failure.source}: ${failure.reason}`);
  return lines.join('\n');
}
