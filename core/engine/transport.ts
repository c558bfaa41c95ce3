import http from 'node:http';
import https from 'node:https';
import { MeilisearchApiError } from 'meilisearch';

/**
 * The HTTP client under every Meilisearch client (its `httpClient` option): `node:http` with a
 * keep-alive agent instead of the global fetch. Measured in the proxy under load, fetch cost about
 * a fifth of an uncached search's CPU (web streams, an AbortController and a timer per call, and a
 * streamed request body written in several syscalls); here the body is one write with a
 * Content-Length and the reply one JSON.parse. `node:http` sends no `accept-encoding`, so the
 * engine never compresses (meilisearch-facts §7).
 */
export type HttpClient = (input: Parameters<typeof fetch>[0], init?: RequestInit) => Promise<unknown>;

/** A non-2xx answer of the engine, as the client's own fetch path reports it. */
export class EngineResponseError extends MeilisearchApiError {
  /** The engine's error code (`index_not_found`, …), where callers of the fetch path read `cause.code`. */
  readonly code: string | undefined;

  constructor(status: number, statusText: string, body: unknown) {
    const details = typeof body === 'object' && body !== null ? (body as { message?: string; code?: string; type?: string; link?: string }) : undefined;
    super(new Response(null, { status, statusText }), details && { message: details.message ?? '', code: details.code ?? '', type: details.type ?? '', link: details.link ?? '' });
    this.code = details?.code;
  }
}

export class EngineTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`request timed out after ${timeoutMs}ms`);
    this.name = 'EngineTimeoutError';
  }
}

/** Idle connections close before Meilisearch's own 5 s keep-alive does, so a reused one is rarely dead. */
const IDLE_SOCKET_MS = 4000;

export function keepAliveHttpClient(timeoutMs: number): HttpClient {
  const agents = { 'http:': new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }), 'https:': new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) };
  const headerCache = new WeakMap<Headers, Record<string, string>>();
  const plainHeaders = (headers: RequestInit['headers']): Record<string, string> => {
    if (!(headers instanceof Headers)) return Object.fromEntries(new Headers(headers).entries());
    // The client passes the same Headers object on most calls: convert it once.
    let plain = headerCache.get(headers);
    if (!plain) headerCache.set(headers, (plain = Object.fromEntries(headers.entries())));
    return plain;
  };
  return (input, init = {}) => {
    const url = input instanceof URL ? input : new URL(String(input instanceof Request ? input.url : input));
    const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
    if (init.body != null && body === undefined) return Promise.reject(new TypeError('the engine client sends only string bodies'));
    const headers = body ? { ...plainHeaders(init.headers), 'content-length': String(body.length) } : plainHeaders(init.headers);
    const options: http.RequestOptions = { method: init.method ?? 'GET', headers, agent: agents[url.protocol as keyof typeof agents] };
    const send = (retry: boolean): Promise<unknown> =>
      exchange(url, options, body, timeoutMs, init.signal ?? undefined).catch((error: unknown) => {
        // A kept-alive connection the engine closed as we reused it: nothing reached the engine, try once more.
        if (retry && (error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return send(false);
        throw error;
      });
    return send(true);
  };
}

function exchange(url: URL, options: http.RequestOptions, body: Buffer | undefined, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      // A connection cut mid-reply (engine stopped, timeout) ends here without 'end'.
      response.on('close', () => response.complete || fail(new Error('the engine closed the connection mid-reply')));
      response.on('end', () => {
        done();
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          const parsed: unknown = text === '' ? undefined : JSON.parse(text);
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) reject(new EngineResponseError(status, response.statusMessage ?? '', parsed));
          else resolve(parsed);
        } catch (error) {
          reject(error);
        }
      });
    });
    const timer = setTimeout(() => request.destroy(new EngineTimeoutError(timeoutMs)), timeoutMs);
    const onAbort = () => request.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error): void {
      done();
      reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
    }
    request.on('error', fail);
    request.end(body);
  });
}
