import { mkdir, mkdtemp, readFile, rm, unlink, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, spawnScript, type Spawned } from '../support/process.js';

/**
 * The editor's workflow end to end, with real processes only: the server as `npm start` runs it,
 * its embedded engine, and `npm run index` runs, while a reader searches every 100 ms.
 * Each step's measured seconds and what the editor saw are printed at the end (and written to
 * test-results/editor-workflow.json) for the docs and the closing note.
 */

/** How the server is started: the one line to change if `npm start` changes. */
const startServer = (env: Record<string, string>): Spawned => spawnScript('start', [], env);
/** How an editor runs the indexer. */
const runIndexer = (args: string[], env: Record<string, string>): Spawned => spawnScript('index', args, env);

const SEED = 'articles/000_239304c8c15dffd8.txt';
const READER_QUERY = 'соглашение';
/** "Within a few seconds of the indexer's exit": generous for a loaded 2-core machine. */
const VISIBLE_WITHIN_MS = 8000;
const BACK_WITHIN_MS = 10_000;

const started: Spawned[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(started.map((p) => p.exited));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface StepLog {
  scenario: string;
  step: string;
  seconds: number;
  editorSaw: string;
}
const steps: StepLog[] = [];
afterAll(async () => {
  const table = steps.map((s) => `${s.scenario.padEnd(12)} ${s.step.padEnd(34)} ${s.seconds.toFixed(1).padStart(5)} s   ${s.editorSaw}`).join('\n');
  process.stdout.write(`\neditor workflow, measured (load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}):\n${table}\n`);
  await mkdir('test-results', { recursive: true });
  await writeFile('test-results/editor-workflow.json', JSON.stringify({ load: os.loadavg(), steps }, null, 2));
});

interface Site {
  dataDir: string;
  articles: string;
  env: Record<string, string>;
  servers: { proc: Spawned; url: string }[];
}

async function newSite(): Promise<Site> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'editor-'));
  dirs.push(root);
  const articles = path.join(root, 'articles');
  await mkdir(articles);
  await copyFile(SEED, path.join(articles, path.basename(SEED)));
  const dataDir = path.join(root, 'data');
  // The default setup: embedded engine, default cache and ranking index; no rate limit for the reader.
  const env = { DATA_DIR: dataDir, ARTICLES_DIR: articles, PORT: '0', LOG_LEVEL: 'info', MEILI_URL: '', MEILI_MASTER_KEY: '', MEILI_SHARDS: '', RATE_LIMIT: '0' };
  return { dataDir, articles, env, servers: [] };
}

async function addServer(site: Site): Promise<Spawned> {
  const proc = startServer(site.env);
  started.push(proc);
  const [, url] = await proc.waitFor(/running: (http:\/\/\S+)/, 120_000);
  site.servers.push({ proc, url: url! });
  await startupIndexingDone(url!);
  return proc;
}

/** A server over an existing index listens at once and re-checks the articles in the background: the editor's steps start after it. */
async function startupIndexingDone(url: string): Promise<void> {
  const from = Date.now();
  for (;;) {
    const body = await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ indexing?: string }>, () => ({ indexing: 'unknown' }));
    if (body.indexing === undefined || body.indexing === 'failed') return;
    if (Date.now() - from > 120_000) throw new Error(`start-up indexing still ${body.indexing} after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A reader on every server: one search each 100 ms, every answer's time and status kept. */
function startReader(site: Site) {
  const answers: { at: number; server: number; status: number }[] = [];
  let running = true;
  const loops = site.servers.map(async ({ url }, server) => {
    while (running) {
      const at = Date.now();
      const status = await fetch(`${url}/api/search?q=${encodeURIComponent(READER_QUERY)}`, { signal: AbortSignal.timeout(5000) })
        .then(async (res) => (await res.arrayBuffer(), res.status))
        .catch(() => 0);
      answers.push({ at, server, status });
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - at))));
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function hits(url: string, q: string): Promise<number> {
  const res = await fetch(`${url}/api/search?q=${encodeURIComponent(q)}`);
  if (res.status !== 200) return -1;
  return ((await res.json()) as { total: number }).total;
}

/** Seconds from now until every server answers `q` with hits (present) or none (absent). */
async function secondsUntil(site: Site, q: string, present: boolean): Promise<number> {
  const from = Date.now();
  for (;;) {
    const totals = await Promise.all(site.servers.map((s) => hits(s.url, q)));
    if (totals.every((t) => (present ? t > 0 : t === 0))) return (Date.now() - from) / 1000;
    if (Date.now() - from > VISIBLE_WITHIN_MS) throw new Error(`"${q}" not ${present ? 'visible' : 'gone'} after ${VISIBLE_WITHIN_MS} ms: ${totals.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function index(site: Site, args: string[]): Promise<{ code: number | null; out: string; seconds: number }> {
  const from = Date.now();
  const proc = runIndexer(args, site.env);
  started.push(proc);
  const code = await proc.exited;
  return { code, out: proc.output(), seconds: (Date.now() - from) / 1000 };
}

/** The CLI lines an editor reads (progress lines left out). */
const saw = (out: string) =>
  out
    .split('\n')
    .filter((l) => l && !l.startsWith('progress:') && !l.startsWith('time:'))
    .join(' | ');

async function engineRecord(site: Site): Promise<{ url: string; owner: { pid: number }; engine: { pid: number } }> {
  return JSON.parse(await readFile(path.join(site.dataDir, 'engine.json'), 'utf8'));
}

async function editorSession(scenario: string, site: Site): Promise<void> {
  const log = (step: string, seconds: number, editorSaw: string) => steps.push({ scenario, step, seconds, editorSaw });
  const reader = startReader(site);
  const downWindows: { from: number; to: number }[] = [];
  const file = path.join(site.articles, 'vyhuhol.txt');
  try {
    // 1. A new article: dropped in articles/, one command.
    await writeFile(file, 'date 2026-03-01 Тестовск\nВыхухоль вернулась в пойму Тестовки\n\nВыхухоль снова видели в пойме реки Тестовки, сообщили зоологи заповедника.\n');
    const added = await index(site, [site.articles]);
    expect(added.code, added.out).toBe(0);
    const record = await engineRecord(site);
    expect(added.out).toContain(`wrote to: index news at ${record.url} — the running server's engine (server pid ${record.owner.pid})`);
    expect(added.out).toMatch(/1 added, 0 updated, 1 unchanged/);
    log('index a new article (CLI run)', added.seconds, saw(added.out));
    log('  … searchable after exit', await secondsUntil(site, 'выхухоль', true), 'found in the widget/API');

    // 2. The editor fixes the text.
    await writeFile(file, 'date 2026-03-01 Тестовск\nВыхухоль вернулась в пойму Тестовки\n\nКабаргу и выхухоль снова видели в пойме реки Тестовки, сообщили зоологи.\n');
    const edited = await index(site, ['--json', site.articles]);
    expect(edited.code, edited.out).toBe(0);
    const summary = JSON.parse(edited.out.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ updated: 1, engine: { url: record.url, index: 'news', engineOrigin: 'server' } });
    expect(edited.out).not.toContain(await readFile(path.join(site.dataDir, 'master-key'), 'utf8').then((k) => k.trim()));
    log('edit it (CLI run, --json)', edited.seconds, `{"updated":1,"engine":{"url":"${record.url}","index":"news","engineOrigin":"server"},…}`);
    log('  … edit searchable after exit', await secondsUntil(site, 'кабарга', true), 'new text found');

    // 3. Removed with --prune, while another input fails to read: the failed one keeps its article.
    await unlink(file);
    await writeFile(path.join(site.articles, 'broken.txt'), Buffer.from([0, 1, 2, 0]));
    const pruned = await index(site, ['--prune', site.articles]);
    expect(pruned.code, pruned.out).toBe(1);
    expect(pruned.out).toMatch(/0 added, 0 updated, 1 unchanged, 1 pruned, 1 failed/);
    expect(pruned.out).toMatch(/error: .*broken\.txt: binary file/);
    log('remove it with --prune (+1 bad file)', pruned.seconds, saw(pruned.out));
    log('  … gone after exit', await secondsUntil(site, 'кабарга', false), 'no longer found; the seed article still is');
    expect(await hits(site.servers[0]!.url, READER_QUERY)).toBeGreaterThan(0);
    await unlink(path.join(site.articles, 'broken.txt'));

    // 4. Two editors at once, each with a new article: one waits for the other; nothing is sent twice.
    await writeFile(path.join(site.articles, 'kabarga.txt'), 'date 2026-03-02 Тестовск\nКабаргу сняли фотоловушки\n\nКабаргу сняли фотоловушки в верховьях Тестовки.\n');
    const [one, two] = await Promise.all([index(site, [site.articles]), index(site, [site.articles])]);
    expect([one.code, two.code], one.out + two.out).toEqual([0, 0]);
    const sent = [one.out, two.out].map((o) => Number(o.match(/chunks: \d+ in inputs, (\d+) sent/)![1]));
    const addedCounts = [one.out, two.out].map((o) => Number(o.match(/articles: (\d+) added/)![1]));
    expect(addedCounts.sort()).toEqual([0, 1]);
    expect(Math.min(...sent)).toBe(0);
    const waited = [one.out, two.out].some((o) => o.includes('waiting: another indexer is writing to index news'));
    log('two indexers at once', Math.max(one.seconds, two.seconds), `${saw(one.out)} || ${saw(two.out)}${waited ? '' : ' (no overlap this time)'}`);
    log('  … searchable after both exit', await secondsUntil(site, 'фотоловушки', true), 'found');

    // 5. The engine is killed (as the OOM killer would).
    const before = await engineRecord(site);
    const killedAt = Date.now();
    process.kill(before.engine.pid, 'SIGKILL');
    let backAt = 0;
    for (;;) {
      const answers = await fetch(`${before.url}/health`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false);
      if (answers && Date.now() - killedAt > 50) {
        backAt = Date.now();
        break;
      }
      if (Date.now() - killedAt > BACK_WITHIN_MS) throw new Error('the engine did not come back');
      await new Promise((r) => setTimeout(r, 50));
    }
    downWindows.push({ from: killedAt, to: backAt });
    const searchesBack = await secondsUntil(site, 'фотоловушки', true);
    const total = (Date.now() - killedAt) / 1000;
    expect(total).toBeLessThan(BACK_WITHIN_MS / 1000);
    // The record names the new engine process (written just after it answered), at the same URL.
    let after = await engineRecord(site);
    while (after.engine.pid === before.engine.pid && Date.now() - killedAt < BACK_WITHIN_MS) {
      await new Promise((r) => setTimeout(r, 50));
      after = await engineRecord(site);
    }
    expect(after.engine.pid).not.toBe(before.engine.pid);
    expect(isAlive(before.engine.pid)).toBe(false);
    expect(after.url).toBe(before.url);
    log('kill -9 the engine → back', (backAt - killedAt) / 1000, 'nothing to do: the server restarted it on the same data');
    log('  … searches 200 again after kill', total, `articles still found (+${searchesBack.toFixed(1)} s after the engine answered)`);
    // /readyz answers from a kept check (server/routes/health.ts): one still running after 1 s on a
    // busy machine answers the last known state (503 from while the engine was down), so it
    // follows the searches within a few checks rather than at the same instant.
    const readyAt = Date.now();
    let readyz = await Promise.all(site.servers.map((s) => fetch(`${s.url}/readyz`).then((r) => r.status)));
    while (!readyz.every((s) => s === 200) && Date.now() - readyAt < 10_000) {
      await new Promise((r) => setTimeout(r, 200));
      readyz = await Promise.all(site.servers.map((s) => fetch(`${s.url}/readyz`).then((r) => r.status)));
    }
    expect(readyz.every((s) => s === 200)).toBe(true);
  } finally {
    await reader.stop();
  }
  // No answer other than 200 except while the engine was down (plus a second for the in-flight ones).
  const bad = reader.answers.filter((a) => a.status !== 200 && !downWindows.some((w) => a.at >= w.from - 200 && a.at <= w.to + 1000));
  expect(bad, JSON.stringify(bad)).toEqual([]);
  expect(reader.answers.length).toBeGreaterThan(50);
  log('reader', 0, `${reader.answers.length} searches, ${reader.answers.filter((a) => a.status !== 200).length} non-200 (all while the engine was down)`);
}

describe('editor workflow against the running site (real server, engine, indexer processes)', { timeout: 420_000 }, () => {
  it('one server: index, edit, prune, two editors at once, engine kill -9', async () => {
    const site = await newSite();
    const server = await addServer(site);
    await editorSession('one server', site);
    expect(server.output()).toMatch(/search engine down: the engine exited \(SIGKILL\)/);
    expect(server.output()).toMatch(/search engine back after/);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await expect(readFile(path.join(site.dataDir, 'engine.json'))).rejects.toThrow(/ENOENT/);
  });

  it('two servers on one DATA_DIR share one engine; the second takes it over when the owner dies', async () => {
    const site = await newSite();
    const first = await addServer(site);
    const second = await addServer(site);
    const record = await engineRecord(site);
    expect(record.owner.pid).toBe(first.child.pid);
    expect(second.output()).toContain(`using the embedded Meilisearch of server pid ${first.child.pid}`);
    await editorSession('two servers', site);

    // The owner dies hard; its engine goes with it (pdeathsig). The other server takes over.
    const engineBefore = (await engineRecord(site)).engine.pid;
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    site.servers.shift();
    const seconds = await (async () => {
      for (;;) {
        const owner = await engineRecord(site).then((r) => (r.url ? r.owner.pid : 0), () => 0);
        const engineUp = await fetch(`${record.url}/health`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false);
        if (owner === second.child.pid && engineUp && !isAlive(engineBefore) && (await hits(site.servers[0]!.url, 'фотоловушки')) > 0) return (Date.now() - killedAt) / 1000;
        if (Date.now() - killedAt > BACK_WITHIN_MS) throw new Error('no take-over');
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const after = await engineRecord(site);
    expect(after.owner.pid).toBe(second.child.pid);
    steps.push({ scenario: 'two servers', step: 'kill -9 the owner server → taken over', seconds, editorSaw: 'the other server serves on; an editor notices nothing' });
    // An indexer now uses the new owner's engine.
    const proc = runIndexer([site.articles], site.env);
    started.push(proc);
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain(`the running server's engine (server pid ${second.child.pid})`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('no server running: two indexers at once share the engine one of them starts; then npm start serves it', async () => {
    const site = await newSite();
    const [one, two] = await Promise.all([index(site, [site.articles]), index(site, [site.articles])]);
    expect([one.code, two.code], one.out + two.out).toEqual([0, 0]);
    const outs = [one.out, two.out];
    const owner = outs.find((o) => o.includes('an engine started for this run'));
    const guest = outs.find((o) => o !== owner);
    expect(owner).toMatch(/note: no server is running on DATA_DIR/);
    expect(guest).toMatch(/wrote to: index news at \S+ — the engine of indexer pid \d+/);
    expect(outs.map((o) => Number(o.match(/articles: (\d+) added/)![1])).sort()).toEqual([0, 1]);
    steps.push({ scenario: 'no server', step: 'two indexers at once', seconds: Math.max(one.seconds, two.seconds), editorSaw: `${saw(owner!)} || ${saw(guest!)}` });
    await expect(readFile(path.join(site.dataDir, 'engine.json'))).rejects.toThrow(/ENOENT/);
    await addServer(site);
    expect(await hits(site.servers[0]!.url, READER_QUERY)).toBeGreaterThan(0);
    site.servers[0]!.proc.child.kill('SIGTERM');
    expect(await site.servers[0]!.proc.exited).toBe(0);
  });
});
