import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.js';

/** Kernel pseudo-filesystems: writes there do not store data (and some block or spin forever). */
const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];
const MIN_KEY_CHARS = 16;

/**
 * DATA_DIR, checked before the engine is given it: a directory we can write, created if missing.
 * Each failure is one line naming DATA_DIR and the reason, not the engine's or Node's raw error.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  const where = `DATA_DIR=${dataDir}`;
  const real = await realpath(dataDir).catch(() => path.resolve(dataDir));
  if (PSEUDO_FILESYSTEMS.some((root) => real === root || real.startsWith(`${root}/`))) {
    throw new ConfigError(`${where}: is inside ${real.split('/').slice(0, 2).join('/')}, a kernel pseudo-filesystem; choose a directory on a disk.`);
  }
  const existing = await stat(dataDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new ConfigError(`${where}: is not a directory.`);
  if (!existing) {
    try {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ConfigError(`${where}: cannot be created (${reasonOf(error)}).`);
    }
  }
  const probe = path.join(dataDir, `.write-test-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    throw new ConfigError(`${where}: is not writable (${reasonOf(error)}).`);
  }
}

/**
 * The embedded engine's master key, kept in `file` (mode 0600), created on first start. An
 * existing file is never replaced: the engine's data were written under that key, so a new one
 * would lock them away. A bad file stops start-up with one line that never shows its content.
 */
export async function readOrCreateMasterKey(file: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return (await createMasterKey(file)) ?? readOrCreateMasterKey(file);
    throw new ConfigError(`Master key file ${file}: ${code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${reasonOf(error)})`}.`);
  }
  const key = content.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new ConfigError(`Master key file ${file}: contains control characters (a NUL byte or a line break inside the key); write the key on one line.`);
  }
  if (key.length < MIN_KEY_CHARS) {
    throw new ConfigError(
      `Master key file ${file}: holds ${key.length === 0 ? 'no key' : `a key of ${key.length} characters`}, fewer than ${MIN_KEY_CHARS}; ` +
        'it is not replaced, since the data in this folder were written under it: restore the right key, or remove the file together with the data to start afresh.',
    );
  }
  await chmod(file, 0o600);
  return key;
}

/**
 * Writes the key to a private temporary file and links it into place, so the key file appears
 * whole or not at all: two processes starting on a fresh DATA_DIR at once (two indexers, or a
 * server and an indexer) agree on one key. The one that loses the race gets `undefined` and reads
 * the winner's file.
 */
async function createMasterKey(file: string): Promise<string | undefined> {
  const key = randomBytes(32).toString('base64url');
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${key}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw new ConfigError(`Master key file ${file}: cannot be created (${reasonOf(error)}).`);
  } finally {
    await rm(temporary, { force: true });
  }
}

function reasonOf(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOTDIR') return 'a part of the path is a file';
  if (code === 'EEXIST') return 'a file is in the way';
  if (code === 'ENOSPC') return 'no space left on the device';
  return code ?? message;
}
