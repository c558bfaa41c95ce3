import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The record of the one embedded engine that serves a DATA_DIR: `DATA_DIR/engine.json`, created
 * exclusively (O_EXCL) by whoever starts the engine, holding the engine's URL and the identity of
 * its owner process as (pid, start time from /proc/<pid>/stat).
 *
 * Why this and not a lock library (proper-lockfile, the npm choice): proper-lockfile keeps a
 * lock alive by touching its mtime on a timer and calls it stale only after `stale` ms (≥ 5 s
 * by design), so a SIGKILLed owner is noticed seconds late and a busy event loop can lose a live
 * lock. Here liveness is exact and immediate: a pid alone can be reused, but (pid, start time
 * in clock ticks since boot) names one process for the machine's uptime, so a stale record
 * cannot pass for a live one, and a dead owner is seen the moment it is gone. The record is
 * only trusted together with the engine answering at its URL with the master key (shared.ts).
 * Node has no flock(2) without a native addon.
 */
export interface EngineRecord {
  url: string | undefined;
  owner: ProcessId & { role: string };
  engine?: ProcessId;
  /** ISO time the record was written. */
  since: string;
  /** The owner is stopping its engine: wait for the record to go, then start one. */
  closing?: boolean;
}

export interface ProcessId {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot. */
  start: number;
}

export const RECORD_FILE = 'engine.json';

export function recordPath(dataDir: string): string {
  return path.join(dataDir, RECORD_FILE);
}

/** This process's identity, or another's; undefined when no such process lives (or it is a zombie). */
export function processId(pid: number = process.pid): ProcessId | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return { pid, start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

export function isSameProcessAlive(id: ProcessId): boolean {
  const now = processId(id.pid);
  return now !== undefined && now.start === id.start;
}

/**
 * The record's owner is alive and is a Node process, as every server and indexer is (its executable, from
 * /proc/<pid>/exe). A record restored with a DATA_DIR, or edited by hand, can name a live process
 * that is not ours at all (a `sleep`): that one is no owner, and the record is stale.
 */
export function isOwnerAlive(id: ProcessId): boolean {
  if (!isSameProcessAlive(id)) return false;
  const theirs = executableOf(id.pid);
  // Not the same file only: a server and an indexer may run under different Node installations.
  return theirs !== undefined && (theirs === executableOf(process.pid) || /^node/.test(path.basename(theirs)));
}

/**
 * The record's engine is alive and is the Meilisearch of this DATA_DIR: its command line (from
 * /proc/<pid>/cmdline) gives `--db-path <DATA_DIR>/meili`, as embedded.ts starts it. Checked
 * before it is ever signalled: nothing else is ours to stop.
 */
export function isOurEngineAlive(id: ProcessId, dataDir: string): boolean {
  if (!isSameProcessAlive(id)) return false;
  const args = commandLineOf(id.pid);
  const at = args.indexOf('--db-path');
  return at >= 0 && args[at + 1] === path.join(dataDir, 'meili');
}

function executableOf(pid: number): string | undefined {
  try {
    // A binary replaced while it runs (an upgrade) reads "<path> (deleted)": still the same program.
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

function commandLineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

export async function readRecord(dataDir: string): Promise<{ record: EngineRecord; raw: string } | undefined> {
  let raw: string;
  try {
    raw = await readFile(recordPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return { record: JSON.parse(raw) as EngineRecord, raw };
  } catch {
    // A record being written is never seen half-done (writes are rename-atomic, creation writes
    // the whole JSON in one call); garbage means a crash mid-create: treat it as an owner-less record.
    return { record: { url: undefined, owner: { pid: 0, start: -1, role: 'unknown' }, since: '' }, raw };
  }
}

/** Creates the record if none exists; false when someone else holds it. */
export async function createRecord(dataDir: string, record: EngineRecord): Promise<boolean> {
  try {
    await writeFile(recordPath(dataDir), JSON.stringify(record), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The owner updates its record (URL known, engine restarted): write aside, then rename over. */
export async function updateRecord(dataDir: string, record: EngineRecord): Promise<void> {
  const tmp = `${recordPath(dataDir)}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
  await rename(tmp, recordPath(dataDir));
}

/**
 * Removes the record only if it is still exactly `expectedRaw` (the stale one we looked at, or
 * our own): moved aside atomically, compared, and put back with link(2) — which fails rather than
 * overwrite — if a new owner's record had replaced it in between.
 */
export async function removeRecordIf(dataDir: string, expectedRaw: string): Promise<boolean> {
  const aside = `${recordPath(dataDir)}.gone.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await rename(recordPath(dataDir), aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const raw = await readFile(aside, 'utf8').catch(() => '');
  if (raw !== expectedRaw) {
    await link(aside, recordPath(dataDir)).catch(() => {});
    await rm(aside, { force: true });
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

/** Synchronous removal for process 'exit' handlers; only our own record. */
export function removeOwnRecordSync(dataDir: string): void {
  try {
    const raw = readFileSync(recordPath(dataDir), 'utf8');
    const record = JSON.parse(raw) as EngineRecord;
    const me = processId();
    if (me && record.owner.pid === me.pid && record.owner.start === me.start) {
      rmSync(recordPath(dataDir), { force: true });
    }
  } catch {
    // nothing to clean
  }
}

/**
 * Guests that must not lose the engine mid-run (indexers) register in DATA_DIR/engine.users/ as
 * `<pid>-<start>`; an owning indexer stops its engine only when none of them is alive.
 */
const USERS_DIR = 'engine.users';

export async function registerUser(dataDir: string): Promise<() => Promise<void>> {
  const me = processId()!;
  const dir = path.join(dataDir, USERS_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${me.pid}-${me.start}`);
  await writeFile(file, '', { mode: 0o600 });
  return () => rm(file, { force: true });
}

export async function liveUsers(dataDir: string): Promise<number> {
  const dir = path.join(dataDir, USERS_DIR);
  const names = await readdir(dir).catch(() => [] as string[]);
  let live = 0;
  for (const name of names) {
    const [pid, start] = name.split('-').map(Number);
    if (pid !== undefined && start !== undefined && isSameProcessAlive({ pid, start })) live++;
    else await rm(path.join(dir, name), { force: true });
  }
  return live;
}
