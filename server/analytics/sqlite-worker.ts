/**
 * The embedded analytics store's thread: opens the database (sqlite-database.ts, synchronous) and
 * answers the main thread's calls (sqlite-store.ts) one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteAnalyticsDatabase } from './sqlite-database.js';
import type { StoreCall, StoreReply } from './sqlite-store.js';

const port = parentPort!;
let database: SqliteAnalyticsDatabase | undefined;
let opening: Error | undefined;
try {
  database = new SqliteAnalyticsDatabase((workerData as { file: string }).file);
} catch (error) {
  opening = error as Error;
}

port.on('message', async (call: StoreCall) => {
  let reply: StoreReply;
  try {
    if (!database) throw opening;
    const method = database[call.method] as (...args: unknown[]) => Promise<unknown>;
    reply = { id: call.id, result: await method.apply(database, call.args) };
  } catch (error) {
    const e = error as Error;
    reply = { id: call.id, error: { message: e.message, code: (e as { code?: string }).code } };
  }
  port.postMessage(reply);
  if (call.method === 'close') port.close();
});
