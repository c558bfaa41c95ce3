import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { spawnTsx } from '../support/process.js';

/** The CLI over an input big enough for the parser thread: --watch re-runs it, SIGINT stops it, --dry-run matches. */
const uid = uniqueIndexUid('idx_cli_thread');
let dir: string;
const ARTICLES = 400;
const env = () => ({ MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uid });

function article(i: number): string {
  const paragraph = `Абзац о событиях в городе номер ${i}: дороги, транспорт, погода и цены. `;
  return JSON.stringify({ url: `https://cli.test/${i}`, title: `Новость ${i}`, content: paragraph.repeat(24) });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'idx-cli-thread-'));
  // Over PARSER_THREAD_MIN_BYTES (1 MB), so the CLI parses in the parser thread.
  await writeFile(path.join(dir, 'news.jsonl'), `${Array.from({ length: ARTICLES }, (_, i) => article(i)).join('\n')}\n`);
  await writeFile(path.join(dir, 'more.jsonl'), `${article(ARTICLES)}\n`);
});
afterAll(async () => {
  await deleteIndex(uid);
  await rm(dir, { recursive: true, force: true });
});

describe('the indexer CLI with the parser thread', { timeout: 300_000 }, () => {
  it('--watch indexes, re-indexes a changed file, and stops on SIGINT', async () => {
    const run = spawnTsx('indexer/cli.ts', [dir, '--watch', '--json'], env());
    const first = JSON.parse((await run.waitFor(/^\{.*"parserThread":true.*\}$/m, 240_000))[0]) as Record<string, number>;
    expect(first).toMatchObject({ added: ARTICLES + 1, failed: 0 });
    await run.waitFor(/watching/);
    await appendFile(path.join(dir, 'more.jsonl'), `${article(ARTICLES + 1)}\n`);
    const second = JSON.parse((await run.waitFor(/^\{.*"added":1,.*\}$/m, 240_000))[0]) as Record<string, number>;
    expect(second).toMatchObject({ added: 1, unchanged: ARTICLES + 1, chunksSent: 2 });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('--dry-run prints the chunks the thread path indexed', async () => {
    const run = spawnTsx('indexer/cli.ts', [dir, '--dry-run'], {});
    expect(await run.exited).toBe(0);
    const lines = run.output().trim().split('\n');
    // Two passages per article; the watch test appended one article.
    expect(lines).toHaveLength(2 * (ARTICLES + 2));
    const chunks = lines.map((line) => JSON.parse(line) as { articleTitle: string; sectionAnchor: string });
    expect(chunks.filter((c) => c.articleTitle === 'Новость 0').map((c) => c.sectionAnchor)).toEqual(['lead', 'lead']);
  });
});
