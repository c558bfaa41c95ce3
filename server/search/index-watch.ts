/** Polls the engine for index changes (the version the cache and the ranking index follow). */
import type { Engine } from '../../core/engine/client.js';
import { EngineTimeoutError } from '../../core/engine/transport.js';
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
 * one of them. A poll the engine refuses, or polls timing out for `staleAfterMs`, report
 * `undefined` (version unknown: the cache is bypassed and the ranking index set aside until a poll
 * answers again).
 *
 * Why not at the first failure: an engine busy with a large write answers `/tasks` past the request
 * timeout now and then. bench:memory at 1× (57,650 chunks, an editor's run) saw single failed polls
 * set the ranking index aside — every search ranked from engine candidates, lower relevance — for
 * a second to a minute while nothing had changed. A version unseen for a few seconds is no less
 * right than the cache's own age; a real change is still seen at the first poll that answers.
 */
export const STALE_AFTER_MS = 10_000;

/** A request that timed out (the engine is busy), anywhere in the error's cause chain. */
function timedOut(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof EngineTimeoutError) return true;
  return false;
}

export function watchIndex(
  monitor: Engine,
  indexUid: string,
  intervalMs: number,
  onVersion: (version: string | undefined) => void,
  log: Logger,
  staleAfterMs = STALE_AFTER_MS,
  now: () => number = Date.now,
): IndexWatcher {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failingSince: number | undefined;
  let reportedUnknown = false;
  let known = false;

  const poll = async (): Promise<void> => {
    try {
      const [info, tasks] = await Promise.all([
        monitor.index(indexUid).getRawInfo(),
        monitor.tasks.getTasks({ indexUids: [indexUid], statuses: ['succeeded'], limit: 1 }),
      ]);
      if (failingSince !== undefined) log.info({ indexUid, failedForMs: now() - failingSince }, 'index watch recovered');
      failingSince = undefined;
      reportedUnknown = false;
      known = true;
      onVersion(`${info.updatedAt}#${tasks.results[0]?.uid ?? 'none'}`);
    } catch (error) {
      const err = error instanceof Error ? error.message : String(error);
      if (failingSince === undefined) {
        failingSince = now();
        log.warn({ indexUid, err, keptForMs: known ? staleAfterMs : 0 }, 'index watch failed; the last version is kept while it retries');
      }
      // Unknown at once when never known (the first poll) or the engine is not there (refused,
      // reset: it may come back restored with other contents); after staleAfterMs when it is only slow.
      if (!reportedUnknown && (!known || !timedOut(error) || now() - failingSince >= staleAfterMs)) {
        reportedUnknown = true;
        if (known) log.warn({ indexUid, err, failedForMs: now() - failingSince }, 'index watch still failing; cache bypassed and ranking index set aside');
        onVersion(undefined);
      }
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
