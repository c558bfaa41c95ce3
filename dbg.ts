import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { loadConfig } from './core/config.js';
import { createLogger } from './core/logger.js';
import { startSystem } from './server/system.js';
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dbg-'));
const sys = await startSystem(loadConfig({ DATA_DIR: dataDir, PORT: '0', ARTICLES_DIR: 'articles', LOG_LEVEL: 'info', RATE_LIMIT: '0' }), createLogger('info', { write() {} }));
const bare = express(); bare.get('/x', (_q, r) => { r.json({ ok: 1 }); });
const bs: http.Server = await new Promise((res) => { const s = bare.listen(0, () => res(s)); });
const bareUrl = `http://127.0.0.1:${(bs.address() as any).port}`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (u: string) => new Promise<void>((resolve) => { http.get(u, { agent }, (res) => { res.resume(); res.on('end', () => resolve()); }); });
for (const u of [bareUrl + '/x', sys.url + '/healthz', sys.url + '/api/search?q=партнер', bareUrl + '/x', sys.url + '/api/search?q=партнер']) {
  for (let i = 0; i < 200; i++) await get(u);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < 2000; i++) await get(u);
  const c = process.cpuUsage(c0);
  console.log(u.replace(/http:\/\/[^/]+/, ''), 'cpu µs/req', ((c.user + c.system) / 2000).toFixed(0), 'wall ms/req', ((performance.now() - t0) / 2000).toFixed(2));
}
bs.close(); await sys.stop();
