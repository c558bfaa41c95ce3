/**
 * An engine failure said in the editor's terms: where the engine is (DATA_DIR or MEILI_URL), what
 * it means for the site, and what to do. The engine's own words stay in the message.
 */
import { statfs } from 'node:fs/promises';
import type { EngineConnection } from '../core/engine/connect.js';
import { engineAnswers } from '../core/engine/shared.js';
import { DiskFullError, EngineError, EngineUnavailableError } from '../core/errors.js';

export async function explainEngineFailure(error: unknown, connection: EngineConnection, dataDir: string): Promise<unknown> {
  if (error instanceof DiskFullError) {
    return new DiskFullError(
      `${error.message}. The disk of ${where(connection, dataDir)} is full. What the site serves is intact (the engine applies a batch whole or not at all, ` +
        'and this run stopped instead of waiting); free space there and run the indexer again.',
      { cause: error },
    );
  }
  if (error instanceof EngineError && error.engineCode === 'batch_restarted' && connection.embedded) {
    const free = await freeBytes(dataDir);
    if (free !== undefined && free < FULL_BELOW_BYTES) {
      return new DiskFullError(
        `${error.message}. The disk of ${where(connection, dataDir)} is full (${free} bytes free). What the site serves is intact ` +
          '(the engine applies a batch whole or not at all, and this run stopped instead of waiting); free space there and run the indexer again.',
        { cause: error },
      );
    }
  }
  if (error instanceof EngineError && (error.engineCode === 'io_error' || error.engineCode === 'batch_restarted')) {
    // Meilisearch's own words for this one: "generally happens when you have no space left on device or when your database doesn't have read or write right".
    return new EngineError(
      `${error.message.replace(/\.$/, '')}. The engine could not write its data under ${where(connection, dataDir)}. What the site serves is intact ` +
        '(the engine applies a batch whole or not at all); free space there (or fix its permissions) and run the indexer again.',
      error.engineCode,
      { cause: error },
    );
  }
  if (error instanceof EngineUnavailableError && connection.origin === 'shared' && !(await engineAnswers(connection.url, connection.masterKey))) {
    return new EngineUnavailableError(`the engine at ${connection.url} stopped answering (its ${connection.owner ?? 'owner'} exited?): ${error.message}`, { cause: error });
  }
  return error;
}

function where(connection: EngineConnection, dataDir: string): string {
  return connection.embedded ? `DATA_DIR=${dataDir} (the embedded engine's data)` : `the Meilisearch at MEILI_URL=${connection.url}`;
}

/** Below this, the engine cannot grow its database by a page run (LMDB writes in MB steps). */
const FULL_BELOW_BYTES = 4 << 20;

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
}
