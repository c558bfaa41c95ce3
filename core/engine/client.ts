import {
  Meilisearch,
  MeilisearchApiError,
  MeilisearchRequestError,
  MeilisearchRequestTimeOutError,
  MeilisearchTaskTimeOutError,
} from 'meilisearch';
import { AppError, EngineError, EngineUnavailableError } from '../errors.js';

export type Engine = Meilisearch;

export interface EngineOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

/**
 * The one place a Meilisearch client is made. Node's fetch asks for gzip by default, and the
 * engine's chunked gzip replies stall ~40 ms per request on loopback (meilisearch-facts §7), so
 * every request asks for identity encoding.
 */
export function createEngine({ url, apiKey, timeoutMs }: EngineOptions): Engine {
  return new Meilisearch({
    host: url,
    apiKey,
    timeout: timeoutMs,
    requestInit: { headers: { 'accept-encoding': 'identity' } },
  });
}

/** Translate whatever the client threw into our typed errors; engine messages are kept for logs only. */
export function toEngineError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof MeilisearchApiError) {
    const status = error.response?.status;
    const code = error.cause?.code;
    if (status !== undefined && status >= 500) {
      return new EngineUnavailableError(`${what}: engine answered ${status}`, { cause: error });
    }
    return new EngineError(`${what}: ${error.message}`, code, { cause: error });
  }
  if (
    error instanceof MeilisearchRequestTimeOutError ||
    error instanceof MeilisearchRequestError ||
    error instanceof MeilisearchTaskTimeOutError
  ) {
    return new EngineUnavailableError(`${what}: ${error.message}`, { cause: error });
  }
  return new EngineUnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
