import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeLogWriter } from '../../indexer/change-log.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { spawnTsx } from '../support/process.js';
import { FULL, pick } from './support/mode.js';
import { recordScenario } from './support/report.js';
import { startServerProcess, type ServerProcess } from './support/system.js';

const HEALTH_BUDGET = 40;
const HEADERS_TIMEOUT_MS = 1000;
const FIXTURE = 'tests/fixtures/hardening/enumerations.jsonl';

const uid = uniqueIndexUid('hardening');
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    engineUrl: testEngine().url,
    masterKey: testEngine().masterKey,
    indexUid: uid,
    articlesDir: 'articles',
    extra: { LOG_LEVEL: 'warn', RATE_LIMIT: '100000', HEALTH_RATE_LIMIT: String(HEALTH_BUDGET), HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), REQUEST_TIMEOUT_MS: '2000' },
  });
});
afterAll(async () => {
  await server?.stop();
  await deleteIndex(uid);
});

const get = (p: string, init?: RequestInit) => fetch(`${server.url}${p}`, init);
const postSearch = (body: unknown) => get('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function searchMs(): Promise<number> {
  const started = performance.now();
  const res = await get(`/api/search?q=${encodeURIComponent('инвестиционных проектов')}&limit=5`);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return performance.now() - started;
}

/** 32 keep-alive connections alternating /metrics and /healthz until SIGINT; prints status counts. */
const FLOOD_SCRIPT = `
import http from 'node:http';
const base = process.argv[1];
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const statuses = {};
let running = true;
process.on('SIGINT', () => (running = false));
const once = (p) => new Promise((resolve) => http.get(base + p, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', () => resolve(0)));
await Promise.all(Array.from({ length: 32 }, async (_, i) => {
  while (running) { const s = await once(i % 2 ? '/metrics' : '/healthz'); statuses[s] = (statuses[s] ?? 0) + 1; }
}));
process.stdout.write(JSON.stringify(statuses));
process.exit(0);
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('operational routes', () => {
  it('serves only the exact paths: /ReadyZ, /metrics/ and /healthz/ are unknown', async () => {
    for (const p of ['/ReadyZ', '/metrics/', '/healthz/', '/METRICS', '/api/search/']) {
      expect((await get(p)).status, p).toBe(404);
    }
    expect((await get('/metrics')).status).toBe(200);
  });

  it('keeps search latency within 2× of idle while one client floods /metrics and /healthz', async () => {
    const samples = pick(30, 200);
    const idle: number[] = [];
    for (let i = 0; i < samples; i++) idle.push(await searchMs());
    // The flood comes from another process, as a real client would: in this one it would also
    // slow down the measuring client's own event loop.
    const flood = spawn(process.execPath, ['--input-type=module', '-e', FLOOD_SCRIPT, server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let floodOutput = '';
    flood.stdout.on('data', (chunk: Buffer) => (floodOutput += chunk.toString()));
    const floodDone = new Promise<void>((resolve) => flood.once('exit', () => resolve()));
    await new Promise((r) => setTimeout(r, 500));
    const floodStarted = performance.now();
    const loaded: number[] = [];
    for (let i = 0; i < samples; i++) loaded.push(await searchMs());
    const floodSeconds = (performance.now() - floodStarted) / 1000 + 0.5;
    flood.kill('SIGINT');
    await floodDone;
    const statuses = new Map(Object.entries(JSON.parse(floodOutput) as Record<string, number>).map(([k, v]) => [Number(k), v]));
    const ratio = median(loaded) / median(idle);
    const flooded = [...statuses.values()].reduce((a, b) => a + b, 0);
    recordScenario({
      scenario: '8a. Health/metrics flood',
      load: `32 connections on /metrics and /healthz from one client, ${flooded} requests (${Math.round(flooded / floodSeconds)}/s)`,
      faults: 'operational-route flood',
      inputs: flooded,
      documentsLost: 0,
      errors: 0,
      passed: ratio <= 2,
      notes: `search p50 ${median(idle).toFixed(1)} ms idle → ${median(loaded).toFixed(1)} ms flooded (×${ratio.toFixed(2)}); flood statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    });
    // The flood is answered 429 once its budget is spent: it cannot render metrics at will.
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(200) ?? 0).toBeLessThanOrEqual(HEALTH_BUDGET);
    // The latency bound needs a quiet machine (on a shared one the flood's CPU share decides): it is
    // asserted in the full run (`npm run test:reliability`), recorded in docs/RELIABILITY.md either way.
    if (FULL) expect(ratio).toBeLessThanOrEqual(2);
    // The flooding client's search budget is its own: searches kept answering 200 (searchMs checks).
  }, 120_000);
});

describe('ill-formed text', () => {
  it('refuses a lone surrogate in any POSTed parameter with a 400 naming it', async () => {
    for (const [name, value] of [['q', '\ud800'], ['tag', '\udfff'], ['q', 'a\udc00b'], ['from', '\ud83d']] as const) {
      const res = await postSearch({ [name]: value });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, `${name}=${JSON.stringify(value)}`).toBe(400);
      expect(body.error.message).toContain(name);
    }
    // A whole emoji (a surrogate pair) is text like any other.
    expect((await postSearch({ q: 'рост 🙂' })).status).toBe(200);
  });
});

describe('slow clients and the Host header', () => {
  it('answers 408 to a client that never finishes its headers', async () => {
    const started = performance.now();
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(new URL(server.url).port ? Number(new URL(server.url).port) : 80, '127.0.0.1', () => {
        socket.write('GET /api/search?q=x HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    });
    const waited = performance.now() - started;
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toContain('request_timeout');
    expect(waited).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.9);
  });

  it('never writes the request Host header into the demo page', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const url = new URL(server.url);
      http
        .get({ host: '127.0.0.1', port: url.port, path: '/', headers: { host: 'evil.example"><script>alert(1)</script>' } }, (res) => {
          let data = '';
          res.on('data', (chunk: Buffer) => (data += chunk.toString()));
          res.on('end', () => resolve(data));
        })
        .on('error', reject);
    });
    expect(body).toContain('/widget.js');
    expect(body).not.toContain('evil.example');
  });
});

describe('article text and links', () => {
  const indexed = uniqueIndexUid('hardening_idx');
  afterAll(() => deleteIndex(indexed));

  it('keeps prose that ends in ";", drops the embedded code, says so, and never indexes a javascript: url', async () => {
    const run = spawnTsx('indexer/cli.ts', ['--json', FIXTURE], {
      MEILI_URL: testEngine().url,
      MEILI_MASTER_KEY: testEngine().masterKey,
      INDEX_UID: indexed,
      LOG_LEVEL: 'warn',
    });
    const code = await run.exited;
    expect(code, run.output()).toBe(0);
    const summary = JSON.parse(run.output().slice(run.output().indexOf('{'))) as { added: number; failed: number; notes: string[] };
    expect(summary).toMatchObject({ added: 2, failed: 0 });
    expect(summary.notes.some((n) => n.includes('enumerations.jsonl:1') && /3 line\(s\) of embedded script\/style code/.test(n))).toBe(true);
    expect(summary.notes.some((n) => n.includes('javascript:') && n.includes('dropped'))).toBe(true);

    const docs = await adminEngine().index(indexed).getDocuments<{ articleUrl: string; text: string }>({ limit: 100, fields: ['articleUrl', 'text'] });
    const text = docs.results.map((d) => d.text).join('\n');
    expect(text).toContain('— поставки зерна в отдалённые районы;');
    expect(text).toContain('заканчивается точкой с запятой;');
    expect(text).not.toMatch(/jwplayer|querySelectorAll|sharing/);
    expect(docs.results.every((d) => d.articleUrl.startsWith('https://') || d.articleUrl.startsWith('/articles/'))).toBe(true);
  });

  it('returns only http(s) or site-relative links from the API, even for documents stored before the indexer checked them', async () => {
    const admin = adminEngine().index(uid);
    const seed = await admin.getDocuments<Record<string, unknown>>({ limit: 1 });
    const planted: Record<string, unknown> = { ...seed.results[0]!, id: 'planted-js-url_0', articleId: 'planted-js-url', articleUrl: 'javascript:alert(1)' };
    // Written as any writer must for proxies to follow (indexer/change-log.ts): announced, written, closed.
    const log = new ChangeLogWriter(adminEngine(), uid);
    const entry = await log.open([String(planted['id'])]);
    await admin.addDocuments([planted]).waitTask({ timeout: 30_000 });
    await log.close(entry);
    const title = String(planted['articleTitle']);
    let urls: string[] = [];
    for (let attempt = 0; attempt < 50 && !urls.some((u) => u.includes('planted-js-url')); attempt++) {
      const res = await get(`/api/search?q=${encodeURIComponent(title.split(' ').slice(0, 3).join(' '))}&limit=50`);
      const body = (await res.json()) as { hits: { url: string; article: { url: string } }[] };
      urls = body.hits.flatMap((h) => [h.url, h.article.url]);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(urls.some((u) => u.startsWith('/articles/planted-js-url'))).toBe(true);
    expect(urls.every((u) => /^(https?:\/\/|\/(?!\/))/.test(u))).toBe(true);
  });
});

describe('configuration errors stop start-up with one line naming the variable or file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'news-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const proc = spawnTsx('server/main.ts', [], { MEILI_URL: '', MEILI_MASTER_KEY: '', PORT: '0', SKIP_INDEX_ON_START: 'true', LOG_LEVEL: 'error', ...env });
    const code = await proc.exited;
    return { code, output: proc.output().trim() };
  }

  it('names DATA_DIR when it is a file or a kernel pseudo-filesystem', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const [dataDir, reason] of [[file, 'not a directory'], ['/proc/self/news-data', 'pseudo-filesystem']] as const) {
      const { code, output } = await start({ DATA_DIR: dataDir });
      expect(code, output).toBe(2);
      const errorLines = output.split('\n').filter((l) => l.startsWith('error:'));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toContain(`DATA_DIR=${dataDir}`);
      expect(errorLines[0]).toContain(reason);
    }
  });

  it('refuses a master-key file with a NUL byte, a short key or a directory, without printing the key', async () => {
    const cases: [string, (keyFile: string) => Promise<void>, string][] = [
      ['nul', (f) => writeFile(f, 'secretpart\u0000secretpart-more-than-16'), 'control characters'],
      ['short', (f) => writeFile(f, 'tiny-secret\n'), 'fewer than 16'],
      ['dir', (f) => mkdir(f), 'is a directory'],
    ];
    for (const [name, make, reason] of cases) {
      const dataDir = path.join(dir, name);
      await mkdir(dataDir, { recursive: true });
      const keyFile = path.join(dataDir, 'master-key');
      await make(keyFile);
      const before = name === 'dir' ? '' : await readFile(keyFile, 'utf8');
      const { code, output } = await start({ DATA_DIR: dataDir });
      expect(code, output).toBe(2);
      expect(output).toContain(keyFile);
      expect(output).toContain(reason);
      expect(output).not.toContain('secretpart');
      expect(output).not.toContain('tiny-secret');
      if (name !== 'dir') expect(await readFile(keyFile, 'utf8')).toBe(before);
    }
  });
});
