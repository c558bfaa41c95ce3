import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../core/engine/embedded.js';
import { pick } from './support/mode.js';
import { recordScenario } from './support/report.js';
import { startServerProcess, type ServerProcess } from './support/system.js';

const TIMEOUT_MS = 1000;
const QUERIES_WHILE_DOWN = pick(40, 400);

let dataDir: string;
let port: number;
let engine: EmbeddedEngine;
let server: ServerProcess;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'engine-down-'));
  port = await freePort();
  engine = await startEmbeddedEngine({ dataDir, port });
  server = await startServerProcess({
    engineUrl: engine.url,
    masterKey: engine.masterKey,
    indexUid: 'news',
    articlesDir: 'articles',
    extra: { ENGINE_TIMEOUT_MS: String(TIMEOUT_MS), RATE_LIMIT: '0' },
  });
});
afterAll(async () => {
  await server?.stop();
  await engine?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function timedSearch(q: string): Promise<{ status: number; ms: number; body: any }> {
  const started = performance.now();
  const res = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}`);
  const body = await res.json().catch(() => undefined);
  return { status: res.status, ms: performance.now() - started, body };
}

describe('engine down while queries arrive', () => {
  it('answers 503 JSON within the timeout, stays up, and recovers when the engine is back', async () => {
    expect((await timedSearch('партнер')).status).toBe(200);

    // A hung engine (stopped, connections open) must hit the timeout, not hang the reader.
    process.kill(engine.pid, 'SIGSTOP');
    const hung = await Promise.all(Array.from({ length: 8 }, (_, i) => timedSearch(`завис ${i}`)));
    process.kill(engine.pid, 'SIGCONT');
    expect(hung.map((r) => r.status)).toEqual(Array(8).fill(503));
    expect(hung.filter((r) => r.ms > TIMEOUT_MS + 3000)).toEqual([]);
    expect((await timedSearch('партнер')).status).toBe(200);

    process.kill(engine.pid, 'SIGKILL');
    await engine.stop();
    const down = await Promise.all(Array.from({ length: QUERIES_WHILE_DOWN }, (_, i) => timedSearch(`запрос ${i}`)));
    const wrong = down.filter((r) => r.status !== 503 || r.body?.error?.code !== 'engine_unavailable');
    // Generous bound: the point is "bounded by the configured timeout", not a latency figure.
    const slow = down.filter((r) => r.ms > TIMEOUT_MS + 3000);

    engine = await startEmbeddedEngine({ dataDir, port });
    let recovered: { status: number } | undefined;
    for (let i = 0; i < 50 && recovered?.status !== 200; i++) {
      recovered = await timedSearch('партнер');
      if (recovered.status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    const alive = server.proc.child.exitCode === null;
    const unhandled = /unhandled|uncaught/i.test(server.proc.output());
    recordScenario({
      scenario: '2. Engine down',
      load: `${QUERIES_WHILE_DOWN} concurrent queries while down`,
      faults: 'engine SIGSTOP (hung) then SIGCONT; engine SIGKILL, then restarted on the same data',
      inputs: QUERIES_WHILE_DOWN,
      documentsLost: 0,
      errors: wrong.length + slow.length + (unhandled ? 1 : 0),
      passed: wrong.length === 0 && slow.length === 0 && alive && !unhandled && recovered?.status === 200,
      notes: `max 503 latency ${Math.round(Math.max(...down.map((r) => r.ms)))} ms (timeout ${TIMEOUT_MS} ms); recovered without restarting the server`,
    });
    expect(wrong).toEqual([]);
    expect(slow).toEqual([]);
    expect(alive).toBe(true);
    expect(unhandled).toBe(false);
    expect(recovered?.status).toBe(200);
  });
});
