/**
 * `npm start`: the process edge. Reads the environment once, starts the system, prints the URL,
 * and shuts down cleanly on SIGINT/SIGTERM (the embedded engine stops with it).
 */
import { loadConfig } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { startSystem } from './system.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const system = await startSystem(config, log);
  process.stdout.write(`\nNews search is running: ${system.url}\n\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    system.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof AppError ? error.message : String(error)}\n`);
  process.exit(error instanceof AppError && (error.code === 'invalid_config' || error.code === 'engine_missing') ? 2 : 1);
});
