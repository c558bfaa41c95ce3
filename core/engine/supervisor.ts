import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { startEmbeddedEngine, type EmbeddedEngine } from './embedded.js';
import { isOwnerAlive, processId, readRecord, removeOwnRecordSync, updateRecord } from './registry.js';
import { describeOwner, engineAnswers, openDataDirEngine, type DataDirEngine } from './shared.js';

/**
 * What a server knows about its DATA_DIR's engine, kept current by the supervisor (never asked of
 * the engine per request): `up`, `restarting` (down, a restart or take-over under way), or
 * `failed` (it could not be started again; retried on a slow backoff).
 */
export interface EngineStatus {
  state: 'up' | 'restarting' | 'failed';
  /** When the state last changed (ms epoch). */
  since: number;
  /** Why it is not up, for /readyz and logs (never a key). */
  reason?: string;
  restarts: number;
}

/** Delays between restart attempts; the last one repeats. */
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 4000, 8000, 15_000, 30_000];
/** Attempts after which the outage is reported as a failure (and retried on the slow end of the backoff). */
const FAILED_AFTER_ATTEMPTS = 5;
/** Consecutive unanswered probes after which a running engine of ours counts as hung. */
const HUNG_AFTER_PROBES = 3;
const PROBE_MS = 1000;

export interface SupervisorOptions {
  dataDir: string;
  log: Logger;
}

/**
 * Keeps a server's embedded engine answering, on the same data, key and URL (same port, so every
 * client the server holds stays valid):
 * - an engine this server owns is restarted when it exits (crash, OOM kill) or stops answering;
 * - an engine another process owns is watched: when that owner dies (and its engine with it,
 *   pdeathsig), this server takes over, starting the engine itself on the same port.
 */
export class EngineSupervisor {
  private statusNow: EngineStatus = { state: 'up', since: Date.now(), restarts: 0 };
  private engine: EmbeddedEngine | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private recovering: Promise<void> | undefined;
  private unanswered = 0;
  /** Ends a backoff wait early when the server stops. */
  private wake: (() => void) | undefined;
  readonly url: string;
  readonly masterKey: string;
  private readonly port: number;

  constructor(
    private handle: DataDirEngine,
    private readonly options: SupervisorOptions,
  ) {
    this.url = handle.url;
    this.masterKey = handle.masterKey;
    this.port = Number(new URL(handle.url).port);
    this.adopt(handle);
    this.schedule();
  }

  status(): EngineStatus {
    return this.statusNow;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.recovering?.catch(() => {});
    if (this.engine && this.engine !== this.handle.engine) {
      // Restarted by this supervisor: the handle's engine is long gone; stop the current one.
      await this.engine.stop();
      removeOwnRecordSync(this.options.dataDir);
    } else {
      // The engine this handle started or found (a guest's stop leaves the owner's engine alone).
      await this.handle.stop();
    }
  }

  private adopt(handle: DataDirEngine): void {
    this.handle = handle;
    this.engine = handle.engine;
    if (this.engine) this.watchExit(this.engine);
  }

  private watchExit(engine: EmbeddedEngine): void {
    void engine.exited.then((how) => {
      if (this.stopped || engine !== this.engine) return;
      this.down(`the engine exited (${how})`);
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe().finally(() => this.schedule()), PROBE_MS);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    if (this.recovering || this.stopped) return;
    if (this.engine) {
      if (await engineAnswers(this.url, this.masterKey)) {
        this.unanswered = 0;
        return;
      }
      if (++this.unanswered >= HUNG_AFTER_PROBES && !this.stopped && this.engine) {
        // Ours and hung: end it; its exit starts the restart.
        this.options.log.warn({ url: this.url }, `the engine has not answered ${HUNG_AFTER_PROBES} checks in a row; restarting it`);
        process.kill(this.engine.pid, 'SIGKILL');
      }
      return;
    }
    // A guest: the owner keeps its engine up; this server steps in only when the owner is gone.
    const found = await readRecord(this.options.dataDir);
    const ownerAlive = found !== undefined && isOwnerAlive(found.record.owner);
    if (!ownerAlive) {
      this.down(found ? `the engine's owner (${describeOwner(found.record)}) is gone` : 'the engine record is gone');
      return;
    }
    const answers = await engineAnswers(this.url, this.masterKey);
    if (answers && this.statusNow.state !== 'up') this.setStatus({ state: 'up', since: Date.now(), restarts: this.statusNow.restarts });
    if (!answers && this.statusNow.state === 'up') {
      this.setStatus({ state: 'restarting', since: Date.now(), reason: `the engine of ${describeOwner(found.record)} does not answer`, restarts: this.statusNow.restarts });
    }
  }

  private down(reason: string): void {
    if (this.recovering || this.stopped) return;
    const started = Date.now();
    // Logged once per outage; the recovery (or the failure) is logged once more.
    this.options.log.error({ url: this.url, reason }, `search engine down: ${reason}; restarting it on the same data`);
    this.setStatus({ state: 'restarting', since: started, reason, restarts: this.statusNow.restarts });
    this.recovering = this.recover(started).finally(() => (this.recovering = undefined));
  }

  private async recover(started: number): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        if (this.engine) await this.restartOwn();
        else await this.takeOver();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        this.options.log.info({ url: this.url, seconds, origin: this.handle.origin }, `search engine back after ${seconds} s`);
        this.unanswered = 0;
        this.setStatus({ state: 'up', since: Date.now(), restarts: this.statusNow.restarts + 1 });
        return;
      } catch (error) {
        const message = error instanceof AppError ? error.message : String(error);
        if (attempt + 1 === FAILED_AFTER_ATTEMPTS) {
          this.options.log.error({ url: this.url }, `the search engine cannot be started again (${attempt + 1} attempts; retrying every ${BACKOFF_MS.at(-1)! / 1000} s at most): ${message}`);
          this.setStatus({ state: 'failed', since: Date.now(), reason: message.split('\n')[0], restarts: this.statusNow.restarts });
        }
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!).unref();
      });
    }
  }

  /** Same data, key and port; the record keeps naming this server, with the new engine process. */
  private async restartOwn(): Promise<void> {
    // The key this server and its clients hold, not the file read again.
    const engine = await startEmbeddedEngine({ dataDir: this.options.dataDir, port: this.port, healthTimeoutMs: 20_000, masterKey: this.masterKey });
    if (this.stopped) {
      await engine.stop();
      return;
    }
    this.engine = engine;
    this.watchExit(engine);
    await updateRecord(this.options.dataDir, {
      url: engine.url,
      owner: { ...processId()!, role: 'server' }, // only a server supervises
      engine: processId(engine.pid),
      since: new Date().toISOString(),
    });
  }

  /** The owner died: become the owner (or the guest of whoever was faster), on the same port. */
  private async takeOver(): Promise<void> {
    const handle = await openDataDirEngine({ dataDir: this.options.dataDir, role: 'server', log: this.options.log, port: this.port, waitMs: 15_000 });
    if (handle.url !== this.url) {
      await handle.stop();
      throw new AppError('engine_unavailable', `the engine for this DATA_DIR now runs at ${handle.url}, not ${this.url}; restart this server`);
    }
    if (this.stopped) {
      await handle.stop();
      return;
    }
    this.adopt(handle);
    if (handle.origin === 'started') this.options.log.info({ url: this.url }, 'took over the engine (its owner is gone)');
  }

  private setStatus(status: EngineStatus): void {
    this.statusNow = status;
  }
}
