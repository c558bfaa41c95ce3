/**
 * `npm run bench:feeds`: index 1,000 article pages from a local fixture site (the test site of
 * tests/support/fixture-site.ts, its pages made at run time from the benchmark corpus, never stored)
 * through its gzipped news sitemap into a fresh embedded engine; then again with nothing changed.
 * Prints pages/s, the indexer's own share of the wall time (fetching, decoding, parsing, chunking,
 * diffing: everything but waiting for the engine), and for the re-run the requests made and seconds.
 * Then the publish hook's writer: one article through the indexer's command line as a child process
 * (what server/article-publisher.ts does) beside the same write in process, to show what the child costs.
 *
 * Fetching uses WEB_HOST_CONCURRENCY=8 and no delay: the defaults (2 at a time, 250 ms apart) are
 * for other people's sites and would measure the politeness, not the indexer.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';
import { createEngine } from '../core/engine/client.js';
import { startEmbeddedEngine } from '../core/engine/embedded.js';
import { runIndexer, type IndexSummary } from '../indexer/run.js';
import { WebClient } from '../indexer/web/client.js';
import { startFixtureSite, type SitePage } from '../tests/support/fixture-site.js';

const CORPUS = '../shared/corpus/rt.jsonl.gz';
const PAGES = Number(process.env.BENCH_PAGES ?? 1000);
const INDEX_UID = 'bench_feeds';
const FETCH = { timeoutMs: 30_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5, hostConcurrency: 8, hostDelayMs: 0, pollSeconds: 300 };

async function main(): Promise<void> {
  const pages = await corpusPages(PAGES);
  const site = await startFixtureSite(pages, { badItems: false });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-feeds-'));
  const embedded = await startEmbeddedEngine({ dataDir });
  try {
    const engine = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 120_000 });
    const run = () => runIndexer(engine, INDEX_UID, { paths: [], prune: false, web: { sources: [{ kind: 'sitemap', url: `${site.url}/sitemap.xml` }], client: new WebClient(FETCH) } });
    site.reset();
    const first = await run();
    print('first run', first, site.total());
    site.reset();
    const again = await run();
    print('no-change re-run', again, site.total());

    const child = await publishTimes(embedded.url, embedded.masterKey, 5);
    const inProcess: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await runIndexer(engine, INDEX_UID, { paths: ['-'], prune: false, stdin: () => Readable.from([JSON.stringify(article(i + 100))]) });
      inProcess.push(performance.now() - started);
    }
    process.stdout.write(
      `\nsummary: ${first.articles} pages in ${sec(first.elapsedMs)} s = ${(first.articles / (first.elapsedMs / 1000)).toFixed(0)} pages/s, ` +
        `indexer's own work ${pct(first.ownMs, first.elapsedMs)} of wall time (engine ${pct(first.engineMs, first.elapsedMs)}), ${first.web?.requests} requests; ` +
        `no-change re-run ${sec(again.elapsedMs)} s, ${again.web?.requests} requests (${again.unchanged} unchanged, ${again.chunksSent} chunks sent)\n` +
        `publish one article: child process (node dist/indexer.js) median ${median(child).toFixed(0)} ms [${child.map((t) => t.toFixed(0)).join(', ')}], ` +
        `in process median ${median(inProcess).toFixed(0)} ms [${inProcess.map((t) => t.toFixed(0)).join(', ')}]\n`,
    );
  } finally {
    await site.close();
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function print(label: string, s: IndexSummary, requests: number): void {
  process.stdout.write(
    `${label}: ${s.articles} pages (${s.added} added, ${s.unchanged} unchanged, ${s.failed} failed), ${s.chunks} chunks, ${s.chunksSent} sent; ` +
      `wall ${sec(s.elapsedMs)} s, own ${sec(s.ownMs)} s (${pct(s.ownMs, s.elapsedMs)}), engine ${sec(s.engineMs)} s; requests ${requests} (site count), ${s.web?.requests} (client count)\n`,
  );
}

/** The publish hook's way: `node dist/indexer.js --json -` with the article on stdin, wall time per run. */
async function publishTimes(url: string, masterKey: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/indexer.js', '--json', '-'], { env: { ...process.env, MEILI_URL: url, MEILI_MASTER_KEY: masterKey, INDEX_UID }, stdio: ['pipe', 'ignore', 'inherit'] });
    child.stdin.end(JSON.stringify(article(i)));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new Error(`the indexer exited ${code}`);
    times.push(performance.now() - started);
  }
  return times;
}

function article(i: number): Record<string, unknown> {
  return { id: `bench-publish-${i}`, title: `Проверочная публикация номер ${i}`, date: '2026-12-07', content: `Первый абзац проверочной публикации ${i}.\nВторой абзац с подробностями.` };
}

/** Corpus articles → fixture pages: paragraphs grouped four to a section under generated headings. */
async function corpusPages(count: number): Promise<SitePage[]> {
  const pages: SitePage[] = [];
  const lines = createReadStream(CORPUS).pipe(createGunzip()).pipe(split2());
  for await (const line of lines as AsyncIterable<string>) {
    if (pages.length >= count) break;
    const record = JSON.parse(line) as { title?: string; content?: string; date?: string };
    const paragraphs = (record.content ?? '').split('\n').map((p) => p.trim()).filter(Boolean).map(escapeHtml);
    if (!record.title || paragraphs.length < 2) continue;
    const sections: SitePage['sections'] = [];
    for (let i = 1; i < paragraphs.length; i += 4) sections.push({ heading: `Часть ${sections.length + 1}`, level: 2, paragraphs: paragraphs.slice(i, i + 4) });
    pages.push({ slug: `a${pages.length}`, title: escapeHtml(record.title), date: /^\d{4}-\d{2}-\d{2}/.exec(record.date ?? '')?.[0] ?? '2026-01-01', tags: [], lead: paragraphs[0]!, sections, ...(pages.length % 4 === 0 ? { charset: 'windows-1251' as const } : {}) });
  }
  lines.destroy();
  return pages;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const sec = (ms: number) => (ms / 1000).toFixed(2);
const pct = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(1, whole))}%`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
