import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { pick } from './support/mode.js';
import { recordScenario } from './support/report.js';
import { startServerProcess } from './support/system.js';

const CONCURRENCY = 32;
const LOAD_BEFORE_MS = pick(1500, 10_000);
const uid = uniqueIndexUid('restart');
afterAll(() => deleteIndex(uid));

type Outcome = 'ok' | 'refused' | 'reset' | 'other';

/** Wait at least `minMs`, then until `done()` holds (bounded by the test's own timeout). */
async function waitUntil(done: () => boolean, minMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, minMs));
  while (!done()) await new Promise((r) => setTimeout(r, 100));
}

/** pino-http lines for searches: one per request the server accepted, with how it ended. */
function requestLog(output: string): { status: number; aborted: boolean }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('/api/search'))
    .map((line) => JSON.parse(line) as { res?: { statusCode?: number }; err?: unknown; msg?: string })
    .map((entry) => ({ status: entry.res?.statusCode ?? 0, aborted: entry.err !== undefined || /abort/i.test(entry.msg ?? '') }));
}

/** One request on a fresh connection, so every outcome belongs to exactly one request. */
function request(url: string): Promise<{ outcome: Outcome; detail?: string }> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/api/search?q=${encodeURIComponent('соглашение')}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? { outcome: 'ok' } : { outcome: 'other', detail: String(res.statusCode) }));
      res.on('error', (e) => resolve({ outcome: 'reset', detail: `mid-response: ${e.message}` }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? { outcome: 'refused' } : { outcome: 'reset', detail: e.code ?? e.message }));
  });
}

describe('server restarted (SIGTERM) under load', () => {
  it('completes every accepted request; new connections are refused cleanly, then served by the new process', async () => {
    const env = { engineUrl: testEngine().url, masterKey: testEngine().masterKey, indexUid: uid, articlesDir: 'articles', extra: { LOG_LEVEL: 'info', RATE_LIMIT: '0', CACHE_ENTRIES: '0' } };
    const first = await startServerProcess(env);
    const port = new URL(first.url).port;
    const counts: Record<Outcome, number> = { ok: 0, refused: 0, reset: 0, other: 0 };
    const details: string[] = [];
    let stop = false;
    async function loop() {
      while (!stop) {
        const { outcome, detail } = await request(first.url);
        counts[outcome]++;
        if (detail && details.length < 10) details.push(detail);
        if (outcome === 'refused') await new Promise((r) => setTimeout(r, 20));
      }
    }
    const loops = Array.from({ length: CONCURRENCY }, loop);
    // Load for a while, and at least until requests complete (a loaded CI machine can be slow to start).
    await waitUntil(() => counts.ok >= 20, LOAD_BEFORE_MS);
    const okBeforeStop = counts.ok;
    const exitCode = await first.stop('SIGTERM');
    // The replacement binds the same port; the load continues against it.
    const second = await startServerProcess({ ...env, extra: { ...env.extra, PORT: port } });
    const okBeforeRestart = counts.ok;
    await waitUntil(() => counts.ok >= okBeforeRestart + 20, LOAD_BEFORE_MS / 2);
    stop = true;
    await Promise.all(loops);
    await second.stop('SIGTERM');
    const total = counts.ok + counts.refused + counts.reset + counts.other;
    // The servers' own request logs say which requests they accepted and how each ended.
    const served = [first, second].flatMap((s) => requestLog(s.proc.output()));
    const accepted = served.length;
    const incomplete = served.filter((r) => r.status !== 200 || r.aborted).length;
    recordScenario({
      scenario: '3. Server restart under load',
      load: `${CONCURRENCY} concurrent clients, ${total} requests`,
      faults: 'SIGTERM to the server, new process on the same port',
      inputs: total,
      documentsLost: 0,
      errors: incomplete + counts.other + Math.abs(accepted - counts.ok),
      passed: incomplete === 0 && counts.other === 0 && accepted === counts.ok && exitCode === 0,
      notes: `${accepted} requests accepted by the servers, all ${counts.ok} answered 200; ${counts.refused} refused and ${counts.reset} reset while queued in the kernel's accept backlog of the closing socket (never accepted by the app); ${counts.ok - okBeforeRestart} served by the new process`,
    });
    expect(exitCode).toBe(0);
    expect(okBeforeStop).toBeGreaterThan(0);
    expect(counts.ok).toBeGreaterThan(okBeforeRestart);
    expect({ incomplete, other: counts.other }).toEqual({ incomplete: 0, other: 0 });
    // Every request a server accepted reached the client complete: resets only hit never-accepted connections.
    expect(counts.ok).toBe(accepted);
    expect(details.every((d) => d === 'ECONNRESET')).toBe(true);
  });
});
