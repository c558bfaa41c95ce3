import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { spawnTsx } from '../support/process.js';
import { pick } from './support/mode.js';
import { recordScenario } from './support/report.js';

/** Scenario 7: hostile article files among good ones, through the real CLI into the real engine. */
const BIG_MB = pick(8, 50);
const uid = uniqueIndexUid('badinputs');
let dir: string;

function goodArticle(i: number): string {
  return ` date 2025-10-0${(i % 9) + 1} Тестоград\nХорошая статья номер ${i}\n\nТЕСТОГРАД, 1 окт — Тест. Текст хорошей статьи ${i} о ремонте дорог.\n\nРаздел первый\n\nПодробности про асфальт и бордюры номер ${i}.\n`;
}

/** A JSON Lines file of about `mb` megabytes: many valid articles, streamed by the indexer. */
function bigJsonLines(mb: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * 2 ** 20; i++) {
    const content = Array.from({ length: 12 }, (_, k) => `Абзац ${k} большой статьи ${i}: новости о погоде, дорогах и транспорте в регионе.`).join('\n');
    const line = JSON.stringify({ url: `https://big.test/${i}`, title: `Большая статья ${i}`, content });
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return `${lines.join('\n')}\n`;
}

const BAD: Record<string, string | Buffer> = {
  'binary.txt': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00, 0xff]),
  'latin1.txt': Buffer.from(' date 2025-01-01 X\nTitle\n\nCaf\xe9 na\xefve text\n', 'latin1'),
  'nested.json': `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
  'bomb.html': `<html><body><article><h1>Бомба</h1>${'<div>'.repeat(200_000)}текст${'</div>'.repeat(10)}</article></body></html>`,
  'wrong-types.jsonl': `${JSON.stringify({ url: 'https://ok.test/1', title: 'Нормальная запись', content: 'Текст нормальной записи.' })}\n${JSON.stringify({ title: 42, content: ['не', 'строка'] })}\n{broken json\n`,
  'empty.md': '',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bad-inputs-'));
  await mkdir(path.join(dir, 'good'));
  for (let i = 0; i < 5; i++) await writeFile(path.join(dir, 'good', `good-${i}.txt`), goodArticle(i));
  for (const [name, body] of Object.entries(BAD)) await writeFile(path.join(dir, name), body);
  await writeFile(path.join(dir, 'big.jsonl'), bigJsonLines(BIG_MB));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await deleteIndex(uid);
});

describe('bad article inputs', () => {
  it('each gets a clear error with path and reason; everything else is indexed; memory stays bounded', { timeout: 900_000 }, async () => {
    const run = spawnTsx('indexer/cli.ts', [dir, '--json'], { MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uid });
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${run.child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peakKb = Math.max(peakKb, hwm);
      } catch {
        // exited
      }
    }, 100);
    const code = await run.exited;
    clearInterval(sampler);
    const summary = JSON.parse(run.output().trim().split('\n').at(-1)!) as { added: number; failed: number; failures: { source: string; reason: string }[] };
    const failedSources = summary.failures.map((f) => path.basename(f.source.replace(/:\d+$/, '')));
    const expectedBad = ['binary.txt', 'latin1.txt', 'nested.json', 'bomb.html', 'wrong-types.jsonl', 'empty.md'];
    const missing = expectedBad.filter((name) => !failedSources.includes(name));
    const good = 5 + 1; // five .txt files and the valid line of wrong-types.jsonl
    const bigArticles = bigJsonLines(BIG_MB).split('\n').filter(Boolean).length;
    recordScenario({
      scenario: '7. Bad article inputs',
      load: `${good + bigArticles} good articles incl. a ${BIG_MB} MB JSON Lines file`,
      faults: 'binary, invalid UTF-8, 100k-deep JSON, 200k-deep HTML, wrong JSON types, broken JSON line, empty file',
      inputs: Object.keys(BAD).length + 6,
      documentsLost: Math.max(0, good + bigArticles - summary.added),
      errors: missing.length,
      passed: code === 1 && missing.length === 0 && summary.added >= good + bigArticles,
      notes: `indexer peak RSS ${(peakKb / 1024).toFixed(0)} MiB; failures: ${summary.failures.map((f) => `${path.basename(f.source)}: ${f.reason}`).join('; ').slice(0, 600)}`,
    });
    expect(code).toBe(1);
    expect(missing).toEqual([]);
    for (const f of summary.failures) expect(f.reason).not.toMatch(/call stack|undefined is not|Cannot read/);
    expect(summary.failures.find((f) => f.source.endsWith('wrong-types.jsonl:2'))).toBeDefined();
    expect(summary.added).toBeGreaterThanOrEqual(good + bigArticles);
    // Bounded: far less than the 50 MB input would take parsed into memory at once several times over.
    expect(peakKb / 1024).toBeLessThan(600);
  });
});
