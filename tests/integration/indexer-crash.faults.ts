import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkDocument } from '../../core/document.js';
import { createEngine, type Engine } from '../../core/engine/client.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../core/engine/embedded.js';
import { runIndexer } from '../../indexer/run.js';
import { spawnTsx } from '../support/process.js';

/**
 * Faults with real processes: the indexer CLI is killed with SIGKILL mid-run, and the engine it
 * talks to is killed mid-run. Each time the next run must converge to exactly what a clean build
 * produces. The test owns its engine (a temp data dir) so it can kill and restart it.
 */
const ARTICLES = 300;
const BATCH = '25';
let dataDir: string;
let input: string;
let embedded: EmbeddedEngine;
let engine: Engine;
let clean: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'idx-crash-'));
  input = path.join(dataDir, 'articles.jsonl');
  await writeFile(input, syntheticArticles(ARTICLES));
  await startEngine();
  const summary = await runIndexer(engine, 'clean', { paths: [input], prune: false });
  expect(summary).toMatchObject({ added: ARTICLES, failed: 0 });
  clean = await snapshot('clean');
}, 300_000);

afterAll(async () => {
  await embedded?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('interrupted runs converge to a clean build', () => {
  it('after the indexer is killed with SIGKILL mid-run', async () => {
    const killed = cli('killed');
    await killed.waitFor(/progress: .* [1-9]\d* chunks sent/, 120_000);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const partial = await snapshot('killed');
    expect(partial.length).toBeLessThan(clean.length);

    const rerun = cli('killed', ['--json']);
    expect(await rerun.exited).toBe(0);
    expect(await snapshot('killed')).toEqual(clean);
    const again = cli('killed', ['--json']);
    expect(await again.exited).toBe(0);
    expect(JSON.parse(again.output().trim().split('\n').at(-1)!)).toMatchObject({ unchanged: ARTICLES, chunksSent: 0, chunksDeleted: 0 });
  }, 300_000);

  it('after the engine dies mid-run (exit code 3), once the engine is back', async () => {
    const run = cli('dead');
    await run.waitFor(/progress: .* [1-9]\d* chunks sent/, 120_000);
    process.kill(embedded.pid, 'SIGKILL');
    expect(await run.exited).toBe(3);
    expect(run.output()).toMatch(/error: (adding|waiting|deleting).* dead.*(failed|ECONNREFUSED|closed)/i);

    await startEngine();
    const rerun = cli('dead', ['--json']);
    expect(await rerun.exited).toBe(0);
    expect(await snapshot('dead')).toEqual(clean);
  }, 300_000);
});

async function startEngine(): Promise<void> {
  embedded = await startEmbeddedEngine({ dataDir: path.join(dataDir, 'engine') });
  engine = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 30_000 });
}

function cli(indexUid: string, extra: string[] = []) {
  return spawnTsx('indexer/cli.ts', [input, '--batch-size', BATCH, ...extra], {
    MEILI_URL: embedded.url,
    MEILI_MASTER_KEY: embedded.masterKey,
    INDEX_UID: indexUid,
  });
}

/** Every document of an index as one comparable line (id, content hash, source fingerprint, text). */
async function snapshot(indexUid: string): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await engine.index<ChunkDocument>(indexUid).getDocuments({ limit: 1000, offset });
    for (const d of page.results) out.push([d.id, d.hash, d.sourceHash, d.articleChunks, d.sectionTitle, d.text].join('|'));
    if (page.results.length < 1000) break;
  }
  return out.sort();
}

/** Generated articles (no corpus text): a lead and three headed sections each. */
function syntheticArticles(n: number): string {
  const topics = ['дороги', 'школы', 'больницы', 'парки', 'мосты', 'транспорт'];
  let out = '';
  for (let i = 0; i < n; i++) {
    const topic = topics[i % topics.length]!;
    const para = (k: number) => `Абзац ${k} статьи ${i} о том, как в городе ремонтируют ${topic}. Работы идут по плану, сообщили в администрации.`;
    const content = [para(1), para(2), `Итоги года номер ${i}`, para(3), para(4), '«Мы справимся»', para(5), `Планы на ${2026 + (i % 3)} год`, para(6)].join('\n');
    out += `${JSON.stringify({ url: `https://example.test/synthetic/${i}`, title: `Статья номер ${i} про ${topic}`, content })}\n`;
  }
  return out;
}
