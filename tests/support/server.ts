import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createEngine } from '../../core/engine/client.js';
import { ensureSearchKey } from '../../core/engine/keys.js';
import { createLogger } from '../../core/logger.js';
import { createApp, type AppDeps } from '../../server/app.js';
import { answerClientErrors } from '../../server/http/errors.js';
import { WIDGET_BUNDLE } from '../../server/system.js';
import { adminEngine, testEngine } from './engine.js';

export interface TestServer {
  baseUrl: string;
  searchKey: string;
  close(): Promise<void>;
}

/** The real app on a free port, holding a real search-only key for `indexUid`. */
export async function startTestServer(indexUid: string, options: { engineUrl?: string; engineTimeoutMs?: number; app?: Partial<AppDeps> } = {}): Promise<TestServer> {
  const searchKey = await ensureSearchKey(adminEngine(), indexUid);
  const engine = createEngine({ url: options.engineUrl ?? testEngine().url, apiKey: searchKey, timeoutMs: options.engineTimeoutMs ?? 2000 });
  const widgetJs = await readFile(WIDGET_BUNDLE, 'utf8');
  const app = createApp({ engine, indexUid, log: createLogger('silent'), widgetJs, ...options.app });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    answerClientErrors(s);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    searchKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
