import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config.js';
import { createEngine } from '../core/engine/client.js';
import { connectEngine } from '../core/engine/connect.js';
import { ensureSearchKey } from '../core/engine/keys.js';
import { ensureIndex } from '../core/engine/settings.js';
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { formatSummary } from '../indexer/report.js';
import { runIndexer } from '../indexer/run.js';
import { createApp } from './app.js';

export const WIDGET_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/widget.js');

export interface RunningSystem {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/**
 * `npm start`: engine (embedded unless configured) → index the articles folder → a search-only
 * key → HTTP. The master key is used only in here, before the app exists.
 */
export async function startSystem(config: Config, log: Logger): Promise<RunningSystem> {
  const widgetJs = await readWidgetBundle();
  const connection = await connectEngine(config, log);
  try {
    const admin = createEngine({ url: connection.url, apiKey: connection.masterKey, timeoutMs: 60_000 });
    if (config.skipIndexOnStart) {
      await ensureIndex(admin, config.indexUid);
    } else {
      const summary = await runIndexer(admin, config.indexUid, { paths: [config.articlesDir], prune: false });
      log.info({ summary: { ...summary, failures: undefined } }, 'indexed articles');
      for (const line of formatSummary(summary).split('\n')) log.info(line);
    }
    const searchKey = await ensureSearchKey(admin, config.indexUid);
    const engine = createEngine({ url: connection.url, apiKey: searchKey, timeoutMs: config.engineTimeoutMs });
    const app = createApp({ engine, indexUid: config.indexUid, log, widgetJs });
    const server = await listen(app, config.host, config.port);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    return {
      url,
      server,
      async stop() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await connection.stop();
      },
    };
  } catch (error) {
    await connection.stop();
    throw error;
  }
}

async function readWidgetBundle(): Promise<string> {
  try {
    return await readFile(WIDGET_BUNDLE, 'utf8');
  } catch {
    throw new AppError('invalid_config', `The widget bundle ${WIDGET_BUNDLE} is missing; run \`npm run build\` first.`);
  }
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
