import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkDocument } from '../../core/document.js';
import { createEngine, type Engine } from '../../core/engine/client.js';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../core/engine/embedded.js';
import { runIndexer } from '../../indexer/run.js';
import { spawnTsx } from '../support/process.js';
import { FULL, pick } from './support/mode.js';
import { recordScenario } from './support/report.js';

/**
 * Scenario 1. Faults with real processes: the indexer CLI is killed with SIGKILL mid-run, and the
 * engine it talks to is killed mid-run. Each time the next run must converge to exactly what a
 * clean build produces (same ids, hashes, text). The test owns its engine so it can kill it.
 * Short form: 300 generated articles; full form: the whole ../shared/corpus (8,800 articles).
 */
const CORPUS = ['../shared/corpus/rt.jsonl.gz', '../shared/corpus/ng.jsonl.gz'];
const BATCH = pick('25', '2000');
let inputs: string[];
let articles = 0;
let dataDir: string;
let embedded: EmbeddedEngine;
let engine: Engine;
let clean: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'idx-crash-'));
  if (FULL) {
    inputs = CORPUS;
  } else {
    inputs = [path.join(dataDir, 'articles.jsonl')];
    await writeFile(inputs[0]!, syntheticArticles(300));
  }
  await startEngine();
  const summary = await runIndexer(engine, 'clean', { paths: inputs, prune: false });
  expect(summary.added).toBeGreaterThan(0);
  articles = summary.added;
  clean = await snapshot('clean');
}, 1_800_000);

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
    const rerunExit = await rerun.exited;
    const converged = await snapshot('killed');
    const again = cli('killed', ['--json']);
    await again.exited;
    const second = JSON.parse(again.output().trim().split('\n').at(-1)!) as { unchanged: number; chunksSent: number };
    record('1a. Indexer SIGKILL mid-run', 'indexer SIGKILL after the first confirmed batch, then re-run', partial.length, converged);
    expect(rerunExit).not.toBe(3);
    expect(converged).toEqual(clean);
    expect(second).toMatchObject({ unchanged: articles, chunksSent: 0, chunksDeleted: 0 });
  }, 1_800_000);

  it('after the engine dies mid-run (exit code 3), once the engine is back', async () => {
    const run = cli('dead');
    await run.waitFor(/progress: .* [1-9]\d* chunks sent/, 120_000);
    process.kill(embedded.pid, 'SIGKILL');
    expect(await run.exited).toBe(3);
    expect(run.output()).toMatch(/error: (adding|waiting|deleting).* dead.*(failed|ECONNREFUSED|closed)/i);

    await startEngine();
    const rerun = cli('dead', ['--json']);
    await rerun.exited;
    const converged = await snapshot('dead');
    record('1b. Engine SIGKILL mid-indexing', 'engine SIGKILL mid-run, engine restarted on its data, indexer re-run', undefined, converged);
    expect(converged).toEqual(clean);
  }, 1_800_000);
});

async function startEngine(): Promise<void> {
  embedded = await startEmbeddedEngine({ dataDir: path.join(dataDir, 'engine') });
  engine = createEngine({ url: embedded.url, apiKey: embedded.masterKey, timeoutMs: 30_000 });
}

/** Documents lost = clean-build documents missing after convergence; extra ones count as errors. */
function record(scenario: string, faults: string, partial: number | undefined, converged: string[]): void {
  const have = new Set(converged);
  const want = new Set(clean);
  const lost = clean.filter((d) => !have.has(d)).length;
  const extra = converged.filter((d) => !want.has(d)).length;
  recordScenario({
    scenario,
    load: `${articles} articles, ${clean.length} chunks, batches of ${BATCH}`,
    faults,
    inputs: articles,
    documentsLost: lost,
    errors: extra,
    passed: lost === 0 && extra === 0,
    notes: `${partial === undefined ? '' : `${partial} chunks present after the kill; `}re-run converged to the clean build (ids, hashes, text)`,
  });
}

function cli(indexUid: string, extra: string[] = []) {
  return spawnTsx('indexer/cli.ts', [...inputs, '--batch-size', BATCH, ...extra], {
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
