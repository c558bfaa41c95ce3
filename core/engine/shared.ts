import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, EngineUnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { prepareDataDir, readOrCreateMasterKey } from './data-dir.js';
import { startEmbeddedEngine, type EmbeddedEngine } from './embedded.js';
import {
  createRecord,
  isOurEngineAlive,
  isSameProcessAlive,
  isOwnerAlive,
  liveUsers,
  registerUser,
  processId,
  readRecord,
  removeOwnRecordSync,
  removeRecordIf,
  updateRecord,
  type EngineRecord,
  type ProcessId,
} from './registry.js';

/**
 * One embedded engine per DATA_DIR, shared by every process that uses the folder (servers,
 * indexers): the first one starts it and owns it (registry.ts records it); the others find it
 * and use it, and never stop it. Only the owner stops its engine — which also dies with it, as
 * it is spawned under `setpriv --pdeathsig` (embedded.ts).
 */
export type EngineRole = 'server' | 'indexer';

/** A process that uses the DATA_DIR's engine: as its owner (`started`) or as a guest (`shared`). */
export interface DataDirEngine {
  url: string;
  masterKey: string;
  origin: 'started' | 'shared';
  /** Who owns the engine, for messages: "server pid 1234". */
  owner: string;
  /** The owner's engine process; undefined for a guest. */
  engine: EmbeddedEngine | undefined;
  /** Stops the engine if this process owns it and removes the record; a guest's stop does nothing to the engine. */
  stop(): Promise<void>;
}

export interface OpenOptions {
  dataDir: string;
  role: EngineRole;
  log: Logger;
  /** Port for a newly started engine (a take-over keeps the old URL); 0 = any free port. */
  port?: number;
  /** How long to wait for an engine that another live process is starting or restarting. */
  waitMs?: number;
}

/** Ask the engine something only the master key may: an engine on a reused port with another key fails. */
export async function engineAnswers(url: string, masterKey: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`${url}/keys?limit=1`, {
      headers: { authorization: `Bearer ${masterKey}`, 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Find the live engine of the DATA_DIR, or start one (and own it) when none runs. */
export async function openDataDirEngine(options: OpenOptions): Promise<DataDirEngine> {
  const dataDir = path.resolve(options.dataDir);
  await prepareDataDir(dataDir);
  const masterKey = await readOrCreateMasterKey(path.join(dataDir, 'master-key'));
  let deadline = Date.now() + (options.waitMs ?? 60_000);
  let announced = false;
  for (;;) {
    const found = await readRecord(dataDir);
    if (!found) {
      const started = await tryToOwn(dataDir, masterKey, options);
      if (started) return started;
      continue; // someone created the record first: look at theirs
    }
    const { record, raw } = found;
    if (isOwnerAlive(record.owner)) {
      const guest = record.closing ? undefined : await joinAsGuest(dataDir, raw, record, masterKey, options.role);
      if (guest) return guest;
      // Its owner is starting or restarting it, or stopping it (then as long as its users need).
      if (record.closing) deadline = Date.now() + (options.waitMs ?? 60_000);
      if (Date.now() > deadline) {
        throw new EngineUnavailableError(
          `the engine for DATA_DIR ${dataDir} belongs to ${describeOwner(record)} but does not answer${record.url ? ` at ${record.url}` : ''}; ` +
            'see its log, or DATA_DIR/meilisearch.log',
        );
      }
      if (!announced) options.log.warn({ owner: describeOwner(record) }, `waiting for the engine of ${describeOwner(record)} to ${record.closing ? 'stop' : 'answer'}`);
      announced = true;
      await sleep(200);
      continue;
    }
    await clearStaleRecord(dataDir, record, raw, options.log);
  }
}

/**
 * Use the owner's engine. An indexer registers first and checks the record again after: an owner
 * that marked its record `closing` before seeing the registration would stop the engine mid-run.
 */
async function joinAsGuest(dataDir: string, raw: string, record: EngineRecord, masterKey: string, role: EngineRole): Promise<DataDirEngine | undefined> {
  if (!record.url) return undefined;
  const unregister = role === 'indexer' ? await registerUser(dataDir) : async () => {};
  const now = await readRecord(dataDir);
  if (now?.raw !== raw || !(await engineAnswers(record.url, masterKey))) {
    await unregister();
    return undefined;
  }
  return { url: record.url, masterKey, origin: 'shared', owner: describeOwner(record), engine: undefined, stop: unregister };
}

async function tryToOwn(dataDir: string, masterKey: string, options: OpenOptions): Promise<DataDirEngine | undefined> {
  const me = processId()!;
  const record: EngineRecord = { url: undefined, owner: { ...me, role: options.role }, since: new Date().toISOString() };
  if (!(await createRecord(dataDir, record))) return undefined;
  let engine: EmbeddedEngine;
  try {
    engine = await startEmbeddedEngine({ dataDir, port: options.port, masterKey });
  } catch (error) {
    await removeRecordIf(dataDir, JSON.stringify(record));
    throw error;
  }
  const owned: EngineRecord = { ...record, url: engine.url, engine: processId(engine.pid), since: new Date().toISOString() };
  await updateRecord(dataDir, owned);
  const onExit = () => removeOwnRecordSync(dataDir);
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    url: engine.url,
    masterKey: engine.masterKey,
    origin: 'started',
    owner: `this ${options.role} (pid ${process.pid})`,
    engine,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit);
        // New users wait for the record to go; an indexer that is using the engine finishes first.
        await updateRecord(dataDir, { ...owned, closing: true });
        if (options.role === 'indexer') await waitForUsers(dataDir, options.log);
        await engine.stop();
        removeOwnRecordSync(dataDir);
      })();
      return stopping;
    },
  };
}

/** An indexer that started the engine keeps it up while other indexers still use it. */
async function waitForUsers(dataDir: string, log: Logger): Promise<void> {
  let told = false;
  while ((await liveUsers(dataDir)) > 0) {
    if (!told) log.warn('another indexer is using the engine this run started; waiting for it to finish before stopping the engine');
    told = true;
    await sleep(200);
  }
}

/**
 * The owner is gone. Its engine got SIGTERM from the kernel when it died (pdeathsig) and holds
 * the database until it has exited: wait for that. Only where setpriv is missing can an engine
 * outlive its owner; such an orphan (its exact process identity is in the record, the owner is
 * verified dead) is stopped, since nobody may use or stop it otherwise.
 */
async function clearStaleRecord(dataDir: string, record: EngineRecord, raw: string, log: Logger): Promise<void> {
  if (record.engine && isSameProcessAlive(record.engine) && !isOurEngineAlive(record.engine, dataDir)) {
    log.warn({ pid: record.engine.pid }, `the engine record names process ${record.engine.pid}, which is not this DATA_DIR's Meilisearch; leaving it alone`);
  } else if (record.engine) await retireOrphan(record.engine, dataDir, log);
  if (await removeRecordIf(dataDir, raw)) log.info({ owner: describeOwner(record) }, `removed the stale engine record of ${describeOwner(record)} (no longer running)`);
}

async function retireOrphan(engine: ProcessId, dataDir: string, log: Logger): Promise<void> {
  for (let i = 0; i < 50 && isSameProcessAlive(engine); i++) await sleep(100);
  // Proved again right before the signal: only this DATA_DIR's Meilisearch is ever stopped.
  if (!isOurEngineAlive(engine, dataDir)) return;
  log.warn({ pid: engine.pid }, 'stopping an engine whose owner is gone');
  try {
    process.kill(engine.pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && isSameProcessAlive(engine); i++) await sleep(100);
  if (isOurEngineAlive(engine, dataDir)) process.kill(engine.pid, 'SIGKILL');
}

export function describeOwner(record: EngineRecord): string {
  return `${record.owner.role} pid ${record.owner.pid}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A server using MEILI_URL notes it in DATA_DIR, so that an indexer run there without MEILI_URL
 * refuses instead of writing to an embedded engine the site never reads.
 */
const EXTERNAL_NOTE = 'external-engine.json';

export async function noteExternalEngine(dataDir: string, url: string): Promise<() => Promise<void>> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, EXTERNAL_NOTE);
  const note = JSON.stringify({ url, owner: { ...processId()!, role: 'server' } });
  await writeFile(file, note, { mode: 0o600 });
  return async () => {
    if ((await readFile(file, 'utf8').catch(() => '')) === note) await rm(file, { force: true });
  };
}

export async function refuseIfSiteUsesExternalEngine(dataDir: string): Promise<void> {
  const file = path.join(path.resolve(dataDir), EXTERNAL_NOTE);
  const raw = await readFile(file, 'utf8').catch(() => undefined);
  if (!raw) return;
  const note = readExternalNote(raw, file);
  if (!isOwnerAlive(note.owner)) return;
  throw new ConfigError(
    `the server running on DATA_DIR ${dataDir} (pid ${note.owner.pid}) uses the Meilisearch at ${note.url} (MEILI_URL); ` +
      'set MEILI_URL and MEILI_MASTER_KEY for the indexer too — without them it would write to an embedded engine the site does not read',
  );
}

const externalNoteSchema = z.object({ url: z.string(), owner: z.object({ pid: z.number().int().positive(), start: z.number().int() }) });

/** The note as a server wrote it, or an error naming the file and what is wrong (never a raw SyntaxError). */
function readExternalNote(raw: string, file: string): { url: string; owner: ProcessId } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message}); a server using MEILI_URL writes this file: remove it if no such server runs on this DATA_DIR`);
  }
  const parsed = externalNoteSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigError(`${file}: field \`${issue.path.join('.')}\`: ${issue.message}; a server using MEILI_URL writes this file: remove it if no such server runs on this DATA_DIR`);
}
