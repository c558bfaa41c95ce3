/**
 * An engine failure said in the editor's terms: where the engine is (DATA_DIR or MEILI_URL), what
 * it means for the site, and what to do. The engine's own words stay in the message.
 */
import type { EngineConnection } from '../core/engine/connect.js';
import { engineAnswers } from '../core/engine/shared.js';
import { DiskFullError, EngineUnavailableError } from '../core/errors.js';

export async function explainEngineFailure(error: unknown, connection: EngineConnection, dataDir: string): Promise<unknown> {
  if (error instanceof DiskFullError) {
    const where = connection.embedded ? `DATA_DIR=${dataDir} (the embedded engine's data)` : `the Meilisearch at MEILI_URL=${connection.url}`;
    return new DiskFullError(
      `${error.message}. The disk of ${where} is full. What the site serves is intact (the engine applies a batch whole or not at all, ` +
        'and this run stopped instead of waiting); free space there and run the indexer again.',
      { cause: error },
    );
  }
  if (error instanceof EngineUnavailableError && connection.origin === 'shared' && !(await engineAnswers(connection.url, connection.masterKey))) {
    return new EngineUnavailableError(`the engine at ${connection.url} stopped answering (its ${connection.owner ?? 'owner'} exited?): ${error.message}`, { cause: error });
  }
  return error;
}
