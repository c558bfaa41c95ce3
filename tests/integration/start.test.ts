import { readFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { isAlive, scriptCommand, spawnScript } from '../support/process.js';

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'start-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', MEILI_URL: '', MEILI_MASTER_KEY: '' };

async function startOnce() {
  // The command package.json's "start" runs (after its prestart build), compiled: plain node on dist/.
  const app = spawnScript('start', [], env);
  const [, url] = await app.waitFor(/running: (http:\/\/\S+)/);
  return { app, url: url! };
}

describe('npm start (dist/server.js) with the embedded engine', () => {
  it('runs compiled JavaScript with plain node, no TypeScript loader', async () => {
    expect(scriptCommand('start')).not.toMatch(/tsx|\.ts\b/);
    expect(scriptCommand('index')).not.toMatch(/tsx|\.ts\b/);
  });

  it('starts the engine, indexes articles/, serves search, and stops everything on SIGINT', async () => {
    const { app, url } = await startOnce();
    // What `ps` shows for the server: node and the bundle, nothing of tsx.
    const cmdline = (await readFile(`/proc/${app.child.pid}/cmdline`, 'utf8')).split('\0').join(' ');
    expect(cmdline).toMatch(/dist\/server\.js/);
    expect(cmdline).not.toMatch(/tsx/);
    const res = await fetch(`${url}/api/search?q=${encodeURIComponent('соглашение')}`);
    expect(res.status).toBe(200);
    expect((await res.json()).hits.length).toBeGreaterThan(0);
    expect(await (await fetch(`${url}/`)).text()).toContain('<news-search');

    const keyFile = path.join(dataDir, 'master-key');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const masterKey = (await readFile(keyFile, 'utf8')).trim();
    expect(app.output()).not.toContain(masterKey);
    const enginePid = Number(await readFile(path.join(dataDir, 'meilisearch.pid'), 'utf8'));
    expect(isAlive(enginePid)).toBe(true);

    app.child.kill('SIGINT');
    expect(await app.exited).toBe(0);
    expect(isAlive(enginePid)).toBe(false);
  });

  it('a second start reuses the data and sends nothing new', async () => {
    const { app, url } = await startOnce();
    // The index exists: it is served at once and articles/ is checked in the background.
    await app.waitFor(/0 added, 0 updated, 1 unchanged/);
    await app.waitFor(/chunks: 3 in inputs, 0 sent, 0 deleted/);
    // Not a terminal: JSON, one object a line, the announcement included (url, data, engine).
    const records = app.output().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => String(r['msg']).startsWith('News search is running'))).toMatchObject({ url, data: `${dataDir} (DATA_DIR)`, engine: expect.stringMatching(/embedded Meilisearch/) });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('when the server is killed with SIGKILL the engine dies too, and the next start works', async () => {
    const { app } = await startOnce();
    const enginePid = Number(await readFile(path.join(dataDir, 'meilisearch.pid'), 'utf8'));
    app.child.kill('SIGKILL');
    await app.exited;
    for (let i = 0; i < 50 && isAlive(enginePid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(enginePid)).toBe(false);
    const again = await startOnce();
    expect((await fetch(`${again.url}/api/search?q=${encodeURIComponent('партнер')}`)).status).toBe(200);
    again.app.child.kill('SIGINT');
    expect(await again.app.exited).toBe(0);
  });
});

describe('npm run index (dist/indexer.js)', { timeout: 300_000 }, () => {
  const uid = uniqueIndexUid('start_index');
  afterAll(() => deleteIndex(uid));

  it('parses in the compiled parser thread (dist/parse-worker.js) and indexes everything', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'start-index-'));
    try {
      const paragraph = 'Абзац о дорогах, транспорте, погоде и ценах в городе. '.repeat(48);
      const articles = Array.from({ length: 400 }, (_, i) => JSON.stringify({ url: `https://start.test/${i}`, title: `Новость ${i}`, content: paragraph }));
      // Over the indexer's 1 MB threshold for a parser thread.
      await writeFile(path.join(dir, 'news.jsonl'), `${articles.join('\n')}\n`);
      const run = spawnScript('index', [dir, '--json'], { MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uid });
      expect(await run.exited, run.output()).toBe(0);
      const summary = JSON.parse(run.output().trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(summary).toMatchObject({ added: 400, failed: 0, parserThread: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
