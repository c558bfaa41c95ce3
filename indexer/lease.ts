/** The one-writer-per-index lease kept in the engine (every indexer run takes it, the server's start-up run included). */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Engine } from '../core/engine/client.js';
import { toEngineError } from '../core/engine/client.js';
import { AppError } from '../core/errors.js';
import { checkTask, waitTask } from './apply.js';

/**
 * One writer per index at a time, whatever runs it (CLI, a server's start-up indexing, several
 * machines against an external engine or a cluster): a lease kept in the engine itself, in its
 * own index `<uid>__indexer-lease` (never searched: the public key is scoped to `<uid>`, and
 * the index watcher looks only at `<uid>`).
 *
 * Meilisearch has no compare-and-set, but it runs tasks one at a time in the order of their
 * uids, which it hands out atomically. So each claimant writes a claim document, takes the uid
 * of that write's task as its ticket (Lamport's bakery algorithm: a claim without a ticket yet is
 * "choosing"), and holds the lease when no live claim has a lower ticket or is still choosing.
 * Anything enqueued after our claim's task gets a higher uid, so two claimants can never both
 * win. Claims carry an expiry renewed every few seconds: a holder killed with -9 blocks others
 * for at most LEASE_TTL_MS. The expiry is compared with this machine's clock, so clocks of
 * machines sharing an engine must agree to within a few seconds of the TTL.
 */
export const LEASE_TTL_MS = 30_000;
const RENEW_MS = 5_000;
const POLL_MS = 300;

export function leaseIndexUid(indexUid: string): string {
  return `${indexUid}__indexer-lease`;
}

export interface LeaseClaim {
  id: string;
  holder: string;
  ticket: number | null;
  since: string;
  expiresAt: number;
}

export class LeaseBusyError extends AppError {
  readonly holder: string;
  constructor(indexUid: string, holder: string) {
    super('engine_error', `another indexer is writing to index ${indexUid} (${holder}); run again when it is done, or leave out --no-wait to wait for it`);
    this.holder = holder;
  }
}

export interface Lease {
  /** Who holds it (for messages). */
  holder: string;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Refuse (LeaseBusyError) instead of waiting when another indexer holds the lease. */
  noWait?: boolean;
  /** Told once when this run has to wait, with the holder's description. */
  onWait?: (holder: string) => void;
  /** Describes this writer in the claim ("indexer pid 12 on host"). */
  holder?: string;
}

export async function acquireLease(engine: Engine, indexUid: string, options: AcquireOptions = {}): Promise<Lease> {
  const uid = leaseIndexUid(indexUid);
  const holder = options.holder ?? `indexer pid ${process.pid} on ${os.hostname()}`;
  const claim: LeaseClaim = { id: randomBytes(8).toString('hex'), holder, ticket: null, since: new Date().toISOString(), expiresAt: Date.now() + LEASE_TTL_MS };
  // The claim and its numbering are sent back to back and only the second is waited for: the
  // engine usually runs both in one batch (each write costs a batch: seconds on a loaded machine).
  const ticket = await enqueue(engine, uid, claim, 'claiming the indexer lease');
  claim.ticket = ticket;
  await write(engine, uid, { ...claim, expiresAt: Date.now() + LEASE_TTL_MS }, 'numbering the indexer lease claim');

  let renewing: Promise<unknown> = Promise.resolve();
  let renewFailed: unknown;
  const renew = () => {
    renewing = write(engine, uid, { ...claim, expiresAt: Date.now() + LEASE_TTL_MS }, 'renewing the indexer lease').catch((error: unknown) => (renewFailed = error));
  };
  const timer = setInterval(renew, RENEW_MS);
  timer.unref();
  const release = async () => {
    clearInterval(timer);
    await renewing;
    // Enqueued, not waited for: the engine runs it before any later claim's check can read.
    await engine
      .index(uid)
      .deleteDocuments([claim.id])
      .catch(() => {});
  };

  try {
    let told = false;
    for (;;) {
      if (renewFailed) throw renewFailed;
      const claims = await readClaims(engine, uid);
      const now = Date.now();
      let expired = claims.filter((c) => c.expiresAt < now && c.id !== claim.id);
      // A claim looks expired while its holder's renewals still wait in the engine's queue (a
      // long task ahead of them on a busy engine): judge expiry only once the lease's writes are done.
      if (expired.length > 0 && (await leaseWritesPending(engine, uid))) expired = [];
      if (expired.length > 0) await remove(engine, uid, expired.map((c) => c.id));
      const ahead = claims.filter((c) => c.id !== claim.id && !expired.includes(c) && (c.ticket === null || c.ticket < ticket));
      if (ahead.length === 0) return { holder, release };
      const first = ahead.find((c) => c.ticket !== null) ?? ahead[0]!;
      if (options.noWait) throw new LeaseBusyError(indexUid, `${first.holder}, since ${first.since}`);
      if (!told) options.onWait?.(`${first.holder}, since ${first.since}`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    await release();
    throw error;
  }
}

async function readClaims(engine: Engine, uid: string): Promise<LeaseClaim[]> {
  try {
    const page = await engine.index<LeaseClaim>(uid).getDocuments({ limit: 1000 });
    return page.results;
  } catch (error) {
    throw toEngineError(error, 'reading the indexer lease');
  }
}

/** Sends one document; returns the uid of its task (a claim's ticket). */
async function enqueue(engine: Engine, uid: string, doc: LeaseClaim, what: string): Promise<number> {
  try {
    return (await engine.index(uid).addDocuments([doc], { primaryKey: 'id' })).taskUid;
  } catch (error) {
    throw toEngineError(error, what);
  }
}

/** Writes one document and waits for it. */
async function write(engine: Engine, uid: string, doc: LeaseClaim, what: string): Promise<number> {
  const taskUid = await enqueue(engine, uid, doc, what);
  checkTask(await waitTask(engine, taskUid, what), what);
  return taskUid;
}

async function leaseWritesPending(engine: Engine, uid: string): Promise<boolean> {
  try {
    const pending = await engine.tasks.getTasks({ indexUids: [uid], statuses: ['enqueued', 'processing'], limit: 1 });
    return pending.results.length > 0;
  } catch (error) {
    throw toEngineError(error, 'reading the indexer lease');
  }
}

async function remove(engine: Engine, uid: string, ids: string[]): Promise<void> {
  try {
    const taskUid = (await engine.index(uid).deleteDocuments(ids)).taskUid;
    checkTask(await waitTask(engine, taskUid, 'releasing the indexer lease'), 'releasing the indexer lease');
  } catch (error) {
    throw toEngineError(error, 'releasing the indexer lease');
  }
}
