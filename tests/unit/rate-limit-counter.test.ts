import type { IncomingMessage, Server } from 'node:http';
import express from 'express';
import { MemoryStore } from 'express-rate-limit';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitCounter, type TrustProxy } from '../../server/http/rate-limit-counter.js';
import { rateLimitPolicy } from '../../server/http/security.js';

const LIMIT = 3;
let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** The real middleware (behind `trust proxy: loopback`) and the counter sharing its store. */
async function limiter(windowMs: number): Promise<{ viaExpress(client: string): Promise<Response>; counter: RateLimitCounter }> {
  const store = new MemoryStore();
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(rateLimitPolicy(LIMIT, windowMs, store));
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    viaExpress: (client) => fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': client } }),
    counter: new RateLimitCounter(store, LIMIT, windowMs, app.get('trust proxy fn') as TrustProxy),
  };
}

/** A request as the fast path sees it: from the local proxy, for `client`. */
function forwarded(client: string): IncomingMessage {
  return { socket: { remoteAddress: '127.0.0.1' }, connection: { remoteAddress: '127.0.0.1' }, headers: { 'x-forwarded-for': client } } as unknown as IncomingMessage;
}

const header = (headers: [string, string][] | undefined, name: string) => headers?.find(([n]) => n === name)?.[1];

describe('RateLimitCounter counts and labels requests as express-rate-limit does', () => {
  it.each([
    [10_000, '10sec'],
    [60_000, '1min'],
    [2 * 3_600_000, '2hrs'],
    [86_400_000, '1day'],
    [3 * 86_400_000, '3days'],
  ])('window %i ms: same store, same headers, over the limit left to the middleware', async (windowMs, name) => {
    const { viaExpress, counter } = await limiter(windowMs);
    const client = '203.0.113.7';
    const first = await viaExpress(client);
    expect(first.headers.get('ratelimit')).toMatch(new RegExp(`^"${LIMIT}-in-${name}"; r=2; t=\\d+$`));
    const counted = await counter.consume(forwarded(client));
    expect(header(counted, 'RateLimit-Policy')).toBe(first.headers.get('ratelimit-policy'));
    expect(header(counted, 'RateLimit')).toMatch(new RegExp(`^"${LIMIT}-in-${name}"; r=1; t=\\d+$`));
    expect((await viaExpress(client)).headers.get('ratelimit')).toMatch(/; r=0; /);
    // Over the limit: nothing counted, so the middleware's own 429 follows with the same count.
    expect(await counter.consume(forwarded(client))).toBeUndefined();
    const limited = await viaExpress(client);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client has its own counter.
    expect(header(await counter.consume(forwarded('198.51.100.1')), 'RateLimit')).toMatch(/; r=2; /);
  });

  it('groups IPv6 clients by /56 as the middleware does', async () => {
    const { viaExpress, counter } = await limiter(60_000);
    expect(header(await counter.consume(forwarded('2001:db8:0:1::1')), 'RateLimit')).toMatch(/; r=2; /);
    const sameNetwork = await viaExpress('2001:db8:0:2::5');
    expect(sameNetwork.headers.get('ratelimit')).toMatch(/; r=1; /);
    expect(header(await counter.consume(forwarded('2001:db8:1::1')), 'RateLimit')).toMatch(/; r=2; /);
  });
});
