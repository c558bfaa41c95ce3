/** `--delete <id>`: remove whole articles, announced in the change log like every other write. */
import type { ChunkDocument } from '../core/document.js';
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { equals } from '../core/engine/filters.js';
import { deleteChunks, waitForPendingTasks } from './apply.js';

export interface RemoveSummary {
  /** Articles found and removed, with their chunk counts; ids not in the index are in `missing`. */
  removed: { articleId: string; chunks: number }[];
  missing: string[];
}

export async function removeArticles(engine: Engine, indexUid: string, articleIds: readonly string[]): Promise<RemoveSummary> {
  await waitForPendingTasks(engine, indexUid);
  const summary: RemoveSummary = { removed: [], missing: [] };
  for (const articleId of articleIds) {
    const page = await engine
      .index<ChunkDocument>(indexUid)
      .getDocuments({ filter: equals('articleId', articleId), fields: ['id'], limit: 10_000 })
      .catch((error: unknown) => {
        throw toEngineError(error, `finding the chunks of article ${articleId}`);
      });
    const ids = page.results.map((d) => d.id);
    if (ids.length === 0) {
      summary.missing.push(articleId);
      continue;
    }
    await deleteChunks(engine, indexUid, ids);
    summary.removed.push({ articleId, chunks: ids.length });
  }
  return summary;
}
