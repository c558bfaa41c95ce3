/**
 * Entry of the parser thread (parse-thread.ts): waits for the engine's known sources, then
 * prepares every input and posts the items in messages, pausing while AHEAD_BYTES are unread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { thisThreadCpuMs } from './cpu.js';
import type { FromParser, ParserThreadData, ToParser } from './parse-thread.js';
import { prepareInputs, type PreparedItem } from './prepare.js';

const port = parentPort!;
const data = workerData as ParserThreadData;
/** Bytes posted and not yet taken by the main thread. */
let unread = 0;
let wake: (() => void) | undefined;
let start: (known: Map<string, string>) => void = () => {};
const started = new Promise<Map<string, string>>((resolve) => (start = resolve));

port.on('message', (message: ToParser) => {
  if (message.type === 'start') start(new Map(message.known));
  else {
    unread -= message.bytes;
    wake?.();
    wake = undefined;
  }
});

const send = (message: FromParser) => port.postMessage(message);

/** A failure, an unchanged input or a progress count weighs little; an article weighs its JSON. */
const weight = (item: PreparedItem) => ('prepared' in item ? item.prepared.chunks.reduce((sum, c) => sum + c.bytes, 64) : 64);

async function post(items: PreparedItem[], bytes: number): Promise<void> {
  // A message larger than the whole allowance still goes out alone, so one huge article cannot stall the run.
  while (unread > 0 && unread + bytes > data.aheadBytes) await new Promise<void>((resolve) => (wake = resolve));
  unread += bytes;
  send({ type: 'items', items, bytes });
}

async function run(): Promise<void> {
  const known = await started;
  let items: PreparedItem[] = [];
  let bytes = 0;
  for await (const item of prepareInputs({ paths: data.paths }, known)) {
    items.push(item);
    bytes += weight(item);
    if (bytes >= data.messageBytes || items.length >= data.messageItems) {
      await post(items, bytes);
      items = [];
      bytes = 0;
    }
  }
  if (items.length > 0) await post(items, bytes);
  send({ type: 'end', cpuMs: thisThreadCpuMs() });
}

run().then(
  // Nothing more to receive: let the thread end once its messages are out.
  () => port.unref(),
  (error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined });
    port.unref();
  },
);
