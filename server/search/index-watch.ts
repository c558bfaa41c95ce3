/** Polls the engine for index changes (the version the cache and the ranking index follow). */
import type { Engine } from '../../core/engine/client.js';
import type { Logger } from '../../core/logger.js';

export interface IndexWatcher {
  /** Resolves after the first poll, so a fresh server can use its cache at once. */
  ready: Promise<void>;
  stop(): void;
}

/**
 * Learns when the index changes without write rights: polls, with a read-only "monitor" key
 * (`indexes.get` + `tasks.get` on this index only, see core/engine/keys.ts), the index's
 * `updatedAt` and the uid of its latest succeeded task. Any write, settings change or swap moves
 * one of them. A failed poll reports `undefined` (version unknown).
 */
export function watchIndex(
  monitor: Engine,
  indexUid: string,
  intervalMs: number,
  onVersion: (version: string | undefined) => void,
  log: Logger,
): IndexWatcher {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;

  const poll = async (): Promise<void> => {
    try {
      const [info, tasks] = await Promise.all([
        monitor.index(indexUid).getRawInfo(),
        monitor.tasks.getTasks({ indexUids: [indexUid], statuses: ['succeeded'], limit: 1 }),
      ]);
      if (failing) log.info({ indexUid }, 'index watch recovered');
      failing = false;
      onVersion(`${info.updatedAt}#${tasks.results[0]?.uid ?? 'none'}`);
    } catch (error) {
      if (!failing) log.warn({ indexUid, err: error instanceof Error ? error.message : String(error) }, 'index watch failed; cache bypassed');
      failing = true;
      onVersion(undefined);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), intervalMs);
    timer.unref();
  };

  const ready = poll().finally(schedule);
  return {
    ready,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
