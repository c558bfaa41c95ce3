import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnScript, type Spawned } from '../support/process.js';

/**
 * Synonyms as editors' data, end to end with real processes: three servers on one DATA_DIR (one
 * engine; two rank in process, one with RANKING_MEMORY_MB=0 ranks engine candidates, so the
 * engine's own synonyms setting is what finds them), and `npm run index` run by the editor
 * against them. Nobody restarts anything.
 */
const SEED = 'articles/000_239304c8c15dffd8.txt';
const ARTICLE = 'date 2026-03-05 Тестовск\nКибердружина вышла на первое дежурство\n\nВ Тестовске кибердружина из двадцати добровольцев начала проверять сайты. На дежурство участники приезжают на самокате.\n';
/** Generous for a loaded 2-core machine: the proxies read the log every INDEX_POLL_MS (1 s). */
const VISIBLE_WITHIN_MS = 15_000;

const processes: Spawned[] = [];
let root: string;
let articles: string;
let env: Record<string, string>;
const servers: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'editor-synonyms-'));
  articles = path.join(root, 'articles');
  await mkdir(articles);
  await copyFile(SEED, path.join(articles, path.basename(SEED)));
  await copyFile('articles/synonyms.txt', path.join(articles, 'synonyms.txt'));
  await writeFile(path.join(articles, 'kiberdruzhina.txt'), ARTICLE);
  env = { DATA_DIR: path.join(root, 'data'), ARTICLES_DIR: articles, PORT: '0', LOG_LEVEL: 'info', MEILI_URL: '', MEILI_MASTER_KEY: '', MEILI_SHARDS: '', RATE_LIMIT: '0' };
  // The first server indexes ARTICLES_DIR at start; the others share its engine.
  servers.push(await startServer({}));
  servers.push(...(await Promise.all([startServer({ SKIP_INDEX_ON_START: 'true' }), startServer({ SKIP_INDEX_ON_START: 'true', RANKING_MEMORY_MB: '0' })])));
}, 300_000);

afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(processes.map((p) => p.exited));
  await rm(root, { recursive: true, force: true });
});

async function startServer(extra: Record<string, string>): Promise<string> {
  const proc = spawnScript('start', [], { ...env, ...extra });
  processes.push(proc);
  const [, url] = await proc.waitFor(/running: (http:\/\/\S+)/, 240_000);
  return url!;
}

async function articleIds(url: string, q: string): Promise<string[]> {
  const res = await fetch(`${url}/api/search?${new URLSearchParams({ q, limit: '10' })}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { hits: { article: { id: string } }[] }).hits.map((h) => h.article.id);
}

/** Waits until every server finds the new article for `q`; fails with what each one answers. */
async function everyServerFinds(q: string): Promise<void> {
  const from = Date.now();
  for (;;) {
    const found = await Promise.all(servers.map(async (url) => (await articleIds(url, q)).includes('kiberdruzhina')));
    if (found.every(Boolean)) return;
    if (Date.now() - from > VISIBLE_WITHIN_MS) throw new Error(`«${q}» not found by every server after ${VISIBLE_WITHIN_MS} ms: ${found.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function index(args: string[]): Promise<{ code: number | null; out: string }> {
  const proc = spawnScript('index', args, env);
  processes.push(proc);
  const code = await proc.exited;
  return { code, out: proc.output() };
}

describe('an editor adds a synonym group', () => {
  it('the shipped groups work from the start, and the new word finds nothing before the group exists', async () => {
    for (const url of servers) {
      expect(await articleIds(url, 'кибердружина')).toContain('kiberdruzhina');
      expect(await articleIds(url, 'киберпатруль')).toEqual([]);
      // A shipped group (articles/synonyms.txt): «Белоруссия» finds the seed, which writes «Беларусь».
      expect(await articleIds(url, 'Белоруссии')).toContain('000_239304c8c15dffd8');
    }
  });

  it('one `npm run index` and every server, on both ranking paths, finds the article by the other word; a bad line is named and the rest applies', async () => {
    const file = path.join(articles, 'synonyms.txt');
    const lines = (await readFile(file, 'utf8')).split('\n').length;
    await appendFile(file, 'кибердружина, киберпатруль\nодиночка\n');
    const run = await index([articles]);
    expect(run.out).toContain(`${file}:${lines + 1}: a group needs at least two expressions separated by commas; found only «одиночка»`);
    expect(run.out).toMatch(/synonyms: 19 group\(s\) from .*synonyms\.txt \(changed/);
    expect(run.code).toBe(1);
    await everyServerFinds('киберпатруль');
    // Inflected forms too: the group is stemmed.
    await everyServerFinds('киберпатрулем');
  });

  it('--watch picks up a changed synonyms.txt', async () => {
    const watch = spawnScript('index', ['--watch', articles], env);
    processes.push(watch);
    await watch.waitFor(/watching/, 120_000);
    const file = path.join(articles, 'synonyms.txt');
    const text = (await readFile(file, 'utf8')).replace('одиночка\n', 'самокат, гироскутер\n');
    const seen = watch.output().length; // the first pass still reported the bad line
    await writeFile(file, text);
    await watch.waitFor(/synonyms: 20 group\(s\)/, 60_000);
    expect(watch.output().slice(seen)).not.toContain('error:');
    await everyServerFinds('гироскутер');
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });
});
