import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { adminScopes, requireAdmin } from '../../server/http/admin-access.js';
import { errorHandler, notFoundHandler } from '../../server/http/errors.js';
import { createLogger } from '../../core/logger.js';

const ADMIN = 'admin-token-0123456789';
const READER = 'analytics-token-0123456789';

function app(scopes: ReturnType<typeof adminScopes>) {
  const a = express();
  a.get('/publish', requireAdmin(scopes.publish), (_req, res) => void res.json({ ok: 'publish' }));
  a.get('/reports', requireAdmin(scopes.analytics), (_req, res) => void res.json({ ok: 'reports' }));
  a.use(notFoundHandler);
  a.use(errorHandler(createLogger('silent')));
  return a;
}

async function serve(a: express.Express): Promise<{ server: Server; url: string }> {
  const server = createServer(a);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('admin access (one mechanism for the publish hook and analytics)', () => {
  let open: { server: Server; url: string };
  let closed: { server: Server; url: string };
  let foreign: { server: Server; url: string };
  beforeAll(async () => {
    open = await serve(app(adminScopes(loadConfig({ ADMIN_TOKEN: ADMIN, ANALYTICS_TOKEN: READER }))));
    closed = await serve(app(adminScopes(loadConfig({}))));
    foreign = await serve(app(adminScopes(loadConfig({ ADMIN_TOKEN: ADMIN, ADMIN_ALLOW: '10.0.0.0/8' }))));
  });
  afterAll(() => {
    for (const s of [open, closed, foreign]) s.server.close();
  });

  it('answers 404 when no token is configured, and to peers outside ADMIN_ALLOW', async () => {
    expect((await fetch(`${closed.url}/publish`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
    expect((await fetch(`${foreign.url}/publish`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
  });

  it('takes the token as bearer or as the Basic password; 401 with a challenge otherwise', async () => {
    expect((await fetch(`${open.url}/publish`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
    const basic = Buffer.from(`editor:${ADMIN}`).toString('base64');
    expect((await fetch(`${open.url}/publish`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
    const none = await fetch(`${open.url}/publish`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Basic realm=/);
    expect(await none.text()).not.toContain(ADMIN);
    expect((await fetch(`${open.url}/publish`, { headers: { authorization: `Bearer ${ADMIN}x` } })).status).toBe(401);
  });

  it('ANALYTICS_TOKEN opens the reports only; ADMIN_TOKEN opens both', async () => {
    expect((await fetch(`${open.url}/reports`, { headers: { authorization: `Bearer ${READER}` } })).status).toBe(200);
    expect((await fetch(`${open.url}/reports`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(200);
    expect((await fetch(`${open.url}/publish`, { headers: { authorization: `Bearer ${READER}` } })).status).toBe(401);
  });

  it('refuses a short token at start-up, naming the variable', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
  });
});
