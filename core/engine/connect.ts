import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { noteExternalEngine, openDataDirEngine, refuseIfSiteUsesExternalEngine, type EngineRole } from './shared.js';
import { EngineSupervisor, type EngineStatus } from './supervisor.js';

/** Where the engine is and the master key to administer it; `stop` stops only an engine this process started. */
export interface EngineConnection {
  url: string;
  masterKey: string;
  embedded: boolean;
  /** `external`: MEILI_URL; `started`: this process started (owns) the DATA_DIR's engine; `shared`: another process owns it. */
  origin: 'external' | 'started' | 'shared';
  /** Who owns the engine ("server pid 12"), when embedded. */
  owner?: string;
  /** A server's embedded engine is supervised (restarted, taken over); its state is kept here. */
  status?: () => EngineStatus;
  stop(): Promise<void>;
}

/**
 * Use MEILI_URL when configured; otherwise the DATA_DIR's embedded engine: the one already
 * running for that folder (a server's, another indexer's), or one started now (shared.ts).
 * A server supervises it (supervisor.ts); an indexer only uses it.
 */
export async function connectEngine(
  config: Config,
  log: Logger,
  options: { role: EngineRole } = { role: 'server' },
): Promise<EngineConnection> {
  if (config.meiliUrl && config.meiliMasterKey) {
    log.info({ url: config.meiliUrl }, 'using external Meilisearch');
    // Best effort: a DATA_DIR that cannot be written must not stop a server that does not need it.
    const forget = options.role === 'server' ? await noteExternalEngine(config.dataDir, config.meiliUrl).catch(() => async () => {}) : async () => {};
    return { url: config.meiliUrl, masterKey: config.meiliMasterKey, embedded: false, origin: 'external', stop: forget };
  }
  if (options.role === 'indexer') await refuseIfSiteUsesExternalEngine(config.dataDir);
  const handle = await openDataDirEngine({ dataDir: config.dataDir, role: options.role, log });
  if (handle.origin === 'started') log.info({ url: handle.url, pid: handle.engine?.pid, dataDir: config.dataDir }, 'started embedded Meilisearch');
  else log.info({ url: handle.url, owner: handle.owner, dataDir: config.dataDir }, `using the embedded Meilisearch of ${handle.owner}`);
  if (options.role !== 'server') {
    return { url: handle.url, masterKey: handle.masterKey, embedded: true, origin: handle.origin, owner: handle.owner, stop: () => handle.stop() };
  }
  const supervisor = new EngineSupervisor(handle, { dataDir: config.dataDir, log });
  return {
    url: handle.url,
    masterKey: handle.masterKey,
    embedded: true,
    origin: handle.origin,
    owner: handle.owner,
    status: () => supervisor.status(),
    stop: () => supervisor.stop(),
  };
}
