import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedEngine } from './embedded.js';

/** Where the engine is and the master key to administer it; `stop` is a no-op for an external engine. */
export interface EngineConnection {
  url: string;
  masterKey: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Use MEILI_URL when configured, otherwise start the bundled engine on data under config.dataDir. */
export async function connectEngine(config: Config, log: Logger): Promise<EngineConnection> {
  if (config.meiliUrl && config.meiliMasterKey) {
    log.info({ url: config.meiliUrl }, 'using external Meilisearch');
    return { url: config.meiliUrl, masterKey: config.meiliMasterKey, embedded: false, stop: async () => {} };
  }
  const engine = await startEmbeddedEngine({ dataDir: config.dataDir });
  log.info({ url: engine.url, pid: engine.pid, dataDir: config.dataDir }, 'started embedded Meilisearch');
  return { url: engine.url, masterKey: engine.masterKey, embedded: true, stop: () => engine.stop() };
}
