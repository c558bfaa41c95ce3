/** Errors → HTTP status and JSON body, in one place. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type ErrorCode } from '../../core/errors.js';
import type { ErrorBody } from '../../core/api.js';
import type { Logger } from '../../core/logger.js';

/** The one mapping from error codes to HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  invalid_parameter: 400,
  invalid_input: 400,
  usage: 400,
  not_found: 404,
  unauthorized: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  rate_limited: 429,
  engine_unavailable: 503,
  engine_missing: 503,
  engine_error: 502,
  invalid_config: 500,
  internal: 500,
};

/** Messages the public may see; engine and internal details stay in the logs. */
const PUBLIC_MESSAGE: Partial<Record<ErrorCode, string>> = {
  engine_unavailable: 'The search engine is unavailable; try again shortly.',
  engine_missing: 'The search engine is unavailable; try again shortly.',
  engine_error: 'The search engine could not answer this request.',
  invalid_config: 'Internal error.',
  internal: 'Internal error.',
};

/** Both schemes the admin routes take (server/http/admin-access.ts). */
const ADMIN_CHALLENGE = 'Basic realm="news-search admin", charset="UTF-8", Bearer realm="news-search admin"';

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `No route for ${req.method} ${req.path.slice(0, 200)}`));
};

/** Express body-parser and friends throw errors with `status`/`type`; keep their status, hide their text. */
function fromHttpError(error: { status?: number; type?: string }): AppError | undefined {
  if (error.status === 413) return new AppError('payload_too_large', 'The request body is too large.');
  if (error.status === 415) return new AppError('unsupported_media_type', 'The request body\'s charset or encoding is not supported; send UTF-8 JSON.');
  if (error.status === 400 && error.type === 'entity.parse.failed') return new AppError('invalid_parameter', 'The request body is not valid JSON.');
  if (error.status !== undefined && error.status >= 400 && error.status < 500) {
    return new AppError('invalid_parameter', 'The request could not be read.');
  }
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = error instanceof AppError ? error : fromHttpError(error as { status?: number; type?: string });
    const code: ErrorCode = appError?.code ?? 'internal';
    const status = STATUS[code];
    if (status >= 500) log.error({ err: error, code, path: req.path }, 'request failed');
    if (code === 'unauthorized') res.set('www-authenticate', ADMIN_CHALLENGE);
    res.status(status).json(errorBody(code, PUBLIC_MESSAGE[code] ?? appError?.message ?? 'Internal error.'));
  };
}

/**
 * Errors Node's HTTP parser answers before Express sees the request (headers over 16 KiB, bad
 * request lines) would otherwise get an empty reply; give them our JSON error body too.
 */
export function answerClientErrors(server: import('node:http').Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request URL or headers are too large.']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'request_timeout', 'The request was not received in time (HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS).']
          : [400, 'Bad Request', 'invalid_request', 'The request could not be read.'];
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
