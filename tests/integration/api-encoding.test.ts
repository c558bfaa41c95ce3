import http from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexApiArticles } from '../fixtures/api-articles.js';
import { deleteIndex, uniqueIndexUid } from '../support/engine.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Reply {
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

/** A raw GET (fetch would decode the body and hide Content-Encoding). */
function get(url: string, acceptEncoding: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

function decoded(reply: Reply): string {
  const encoding = reply.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(reply.bytes).toString();
  if (encoding === 'gzip') return gunzipSync(reply.bytes).toString();
  if (encoding === 'deflate') return inflateSync(reply.bytes).toString();
  return reply.bytes.toString();
}

describe('cached search responses keep their compressed forms', () => {
  const uid = uniqueIndexUid('apienc');
  let server: TestServer;

  beforeAll(async () => {
    await indexApiArticles(uid);
    server = await startTestServer(uid, { cacheEntries: 100, app: { http: { rateLimit: 0 } } });
  });
  afterAll(async () => {
    await server?.close();
    await deleteIndex(uid);
  });

  it('answers hits in the accepted encoding with the same JSON as a plain reply', async () => {
    const url = `${server.baseUrl}/api/search?q=&limit=20`;
    const first = await get(url, 'gzip, br');
    expect(first.headers['x-cache']).toBe('miss');
    const plain = await get(url, undefined);
    expect(plain.headers['x-cache']).toBe('hit');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(1024);
    const text = plain.bytes.toString();
    const cases = [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip', 'gzip'], ['identity', undefined], ['deflate', 'deflate'], ['gzip;q=1, br;q=0.5', 'gzip'], ['deflate, gzip;q=0.1', 'deflate'], ['gzip, br', 'br']] as const;
    for (const [i, [accept, expected]] of cases.entries()) {
      // A fresh reply, compressed by the middleware: what a cached one must match.
      const miss = await get(`${server.baseUrl}/api/search?q=&limit=${19 - i}`, accept);
      expect(miss.headers['x-cache'], accept).toBe('miss');
      expect(decoded(miss).length, accept).toBeGreaterThan(1024);
      expect(miss.headers['content-encoding'], accept).toBe(expected);
      // Twice: the second reply uses the compressed form kept for the cached body.
      for (let round = 0; round < 2; round++) {
        const reply = await get(url, accept);
        expect(reply.headers['x-cache'], accept).toBe('hit');
        expect(reply.headers['content-encoding'], accept).toBe(expected);
        expect(reply.headers['vary'], accept).toContain('Accept-Encoding');
        expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(reply.bytes.length < text.length || expected === undefined).toBe(true);
        expect(decoded(reply)).toBe(text);
        // Bytes made once and kept go out with their length; the middleware streams (chunked).
        if (expected === 'br' || expected === 'gzip') expect(reply.headers['content-length'], accept).toBe(String(reply.bytes.length));
      }
    }
    expect(decoded(first)).toBe(text);
  });
});
