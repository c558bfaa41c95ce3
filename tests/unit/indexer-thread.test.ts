import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParserThread } from '../../indexer/parse-thread.js';
import { prepareInputs, type PreparedItem } from '../../indexer/prepare.js';
import { readArticles } from '../../indexer/read.js';

/** The parser thread must be a pure change of where the parse runs: same items, same order, bounded queue. */

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let big: string;
const BIG_LINES = 3000;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'idx-thread-'));
  await cp('tests/fixtures/formats', path.join(dir, 'formats'), { recursive: true });
  await writeFile(
    path.join(dir, 'formats', 'broken.jsonl'),
    `${JSON.stringify({ title: 'Целая запись', content: 'Текст целой записи.' })}\n{сломанная строка\n`,
  );
  await writeFile(path.join(dir, 'formats', 'binary.txt'), Buffer.from([0x7f, 0x45, 0x00, 0x01]));
  big = path.join(dir, 'big.jsonl');
  const paragraph = 'Абзац о городских новостях: дороги, транспорт, погода и цены на рынке. ';
  const lines = Array.from({ length: BIG_LINES }, (_, i) => JSON.stringify({ url: `https://big.test/${i}`, title: `Статья ${i}`, content: paragraph.repeat(20) }));
  await writeFile(big, `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the parser thread', () => {
  it('yields exactly what the main-thread parse yields, failures with path and line included', async () => {
    const inputs = { paths: [path.join(dir, 'formats')] };
    const inline = await collect(prepareInputs(inputs));
    const thread = new ParserThread(inputs.paths);
    const threaded = await collect(thread.items(new Map()));
    expect(threaded).toEqual(inline);
    const failures = threaded.flatMap((item) => ('failure' in item ? [item.failure] : []));
    expect(failures.map((f) => path.basename(f.source))).toEqual(['binary.txt', 'broken.jsonl:2']);
    expect(failures[1]!.reason).toMatch(/^malformed JSON/);
    expect(threaded.filter((item) => 'prepared' in item).length).toBe(9);
    expect(threaded.at(-1)).toEqual({ filesDone: 7 });
  });

  it('skips the inputs the engine already holds completely, as the main-thread parse does', async () => {
    const inputs = { paths: [path.join(dir, 'formats')] };
    const known = new Map<string, string>();
    for await (const item of readArticles(inputs)) if ('article' in item) known.set(item.article.sourceHash, item.article.id);
    const threaded = await collect(new ParserThread(inputs.paths).items(known));
    expect(threaded).toEqual(await collect(prepareInputs(inputs, known)));
    // Every article but museum.json's: a .json file is always parsed (read.ts parseWhole).
    expect(threaded.filter((item) => 'unchanged' in item).length).toBe(known.size - 1);
    expect(threaded.filter((item) => 'prepared' in item).length).toBe(1);
  });

  it('stays at most aheadBytes ahead of a consumer that stops taking items, and delivers everything after', async () => {
    const aheadBytes = 512 * 1024;
    const thread = new ParserThread([big], { aheadBytes, messageBytes: 64 * 1024 });
    const items = thread.items(new Map())[Symbol.asyncIterator]();
    const first = await items.next();
    expect(first.done).toBe(false);
    // The consumer stalls; whatever the worker manages meanwhile, the queue never exceeds the allowance.
    let most = 0;
    for (let i = 0; i < 20; i++) {
      await sleep(100);
      most = Math.max(most, thread.queuedBytes);
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(aheadBytes);
    const rest: PreparedItem[] = [first.value as PreparedItem];
    for (let next = await items.next(); !next.done; next = await items.next()) rest.push(next.value);
    expect(rest.filter((item) => 'prepared' in item).length).toBe(BIG_LINES);
  });

  it('ends when the consumer stops early', async () => {
    const thread = new ParserThread([big]);
    for await (const item of thread.items(new Map())) {
      expect('prepared' in item).toBe(true);
      break;
    }
    // Leaving the loop ran the generator's finally: the worker is gone (Node sets threadId to -1).
    expect((thread as unknown as { worker: { threadId: number } }).worker.threadId).toBe(-1);
    // A second stop of a terminated worker is harmless (runIndexer stops it in its finally too).
    await thread.stop();
  });
});
