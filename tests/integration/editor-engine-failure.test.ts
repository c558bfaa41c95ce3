import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnScript, type Spawned } from '../support/process.js';

/** How the server is started (as in editor-workflow.test.ts): the one line to change if `npm start` changes. */
const startServer = (env: Record<string, string>): Spawned => spawnScript('start', [], env);

let server: Spawned | undefined;
let root: string | undefined;
afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  if (root) await rm(root, { recursive: true, force: true });
});

async function readyz(url: string): Promise<{ status: number; code?: string; message?: string }> {
  const res = await fetch(`${url}/readyz`);
  const body = (await res.json()) as { error?: { code: string; message: string } };
  return { status: res.status, code: body.error?.code, message: body.error?.message };
}

describe('an embedded engine that cannot start again', { timeout: 180_000 }, () => {
  it('is reported clearly (log once, /readyz 503), retried with backoff, and back once it can start', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'engine-failure-'));
    const dataDir = path.join(root, 'data');
    server = startServer({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', MEILI_URL: '', MEILI_MASTER_KEY: '', MEILI_SHARDS: '', RATE_LIMIT: '0' });
    const [, url] = await server.waitFor(/running: (http:\/\/\S+)/, 120_000);
    expect((await readyz(url!)).status).toBe(200);
    const record = JSON.parse(await readFile(path.join(dataDir, 'engine.json'), 'utf8')) as { engine: { pid: number } };

    // The database folder is replaced by a file: the engine cannot open it again.
    const db = path.join(dataDir, 'meili');
    await rename(db, `${db}.aside`);
    await writeFile(db, 'not a database');
    process.kill(record.engine.pid, 'SIGKILL');

    await server.waitFor(/the search engine cannot be started again \(5 attempts/, 60_000);
    const failed = await readyz(url!);
    expect(failed).toEqual({ status: 503, code: 'engine_unavailable', message: 'The search engine could not be restarted; see the server log.' });
    expect(server.output().match(/search engine down:/g)).toHaveLength(1);
    expect(server.output()).toMatch(/Meilisearch exited/);
    expect(server.child.exitCode).toBeNull();

    // Fixed: the next attempt (at most 30 s later) starts it on the same data.
    await rm(db);
    await rename(`${db}.aside`, db);
    await server.waitFor(/search engine back after/, 60_000);
    for (let i = 0; i < 50 && (await readyz(url!)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await readyz(url!)).status).toBe(200);
    const res = await fetch(`${url}/api/search?q=${encodeURIComponent('соглашение')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBeGreaterThan(0);
  });
});
