import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationalBudget } from '../../server/http/operational-budget.js';

let server: Server;
let base = '';

beforeAll(async () => {
  // A budget of one request per client a minute; the forwarded address is trusted, as behind a proxy.
  const budget = operationalBudget(1, 60_000, () => true, () => {});
  server = createServer((req, res) => {
    if (!budget(req, res)) res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const from = (address: string) => fetch(`${base}/healthz`, { headers: { 'x-forwarded-for': address } }).then((r) => r.status);

describe('operational routes budget', () => {
  it('counts IPv6 clients by /56, like the search limit: another address in the same block gets no fresh budget', async () => {
    expect(await from('2001:db8:0:1::1')).toBe(200);
    expect(await from('2001:db8:0:2::5')).toBe(429);
    expect(await from('2001:db8:1::1')).toBe(200);
    expect(await from('198.51.100.7')).toBe(200);
  });
});
