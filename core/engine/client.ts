import {
  Meilisearch,
  MeilisearchApiError,
  MeilisearchRequestError,
  MeilisearchRequestTimeOutError,
  MeilisearchTaskTimeOutError,
} from 'meilisearch';
import { AppError, DiskFullError, EngineError, EngineUnavailableError } from '../errors.js';
import { keepAliveHttpClient } from './transport.js';

export type Engine = Meilisearch;

export interface EngineOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

/**
 * The one place a Meilisearch client is made. Requests go through transport.ts (node:http,
 * keep-alive, no compression asked for: the engine's chunked gzip replies stall ~40 ms per request
 * on loopback, meilisearch-facts §7), which also enforces the timeout.
 */
export function createEngine({ url, apiKey, timeoutMs }: EngineOptions): Engine {
  return new Meilisearch({ host: url, apiKey, httpClient: keepAliveHttpClient(timeoutMs) });
}

/** The engine's error code carried by what the client threw (`index_not_found`, …), if any. */
export function engineErrorCode(error: unknown): string | undefined {
  return (error as { cause?: { code?: string } }).cause?.code;
}

/** Translate whatever the client threw into our typed errors; engine messages are kept for logs only. */
export function toEngineError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  // With a custom httpClient the client wraps everything it throws, engine answers included.
  if (error instanceof MeilisearchRequestError && error.cause instanceof MeilisearchApiError) return toEngineError(error.cause, what);
  if (error instanceof MeilisearchApiError) {
    const status = error.response?.status;
    const code = error.cause?.code;
    if (isDiskFull(code, error.message)) return new DiskFullError(`${what}: the engine's disk is full (engine error ${code}: ${error.message})`, { cause: error });
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

/**
 * Meilisearch says so with `no_space_left_on_device` where it maps the OS error, and with an
 * `internal` error quoting "No space left on device (os error 28)" where it does not (writing a
 * payload's update file, measured on 1.21).
 */
export function isDiskFull(code: string | undefined, message: string): boolean {
  return code === 'no_space_left_on_device' || /No space left on device|os error 28\b/.test(message);
}
