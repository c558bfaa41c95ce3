/** One JSON log line per request. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../../core/logger.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One JSON line per request: id (a sane incoming `x-request-id` or a new UUID, echoed back),
 * method, path, status, latency — the fields and messages pino-http wrote for us. No headers (they
 * may carry credentials); the query string only when `logQueries` is on. Written here rather than
 * with pino-http because its per-request child logger and serializers were ~8% of a cache hit's
 * CPU, and nothing reads `req.log`.
 */
export function requestLogging(log: Logger, logQueries: boolean): RequestHandler {
  const logRequest = requestLogger(log, logQueries);
  return (req, res, next) => {
    logRequest(req, res);
    next();
  };
}

/** What requestLogging() does for one request, on plain Node objects (the fast path has no Express ones). */
export function requestLogger(log: Logger, logQueries: boolean): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', id);
    const url = logQueries ? req.url! : req.url!.split('?')[0];
    const done = () => {
      res.off('close', done);
      res.off('finish', done);
      const statusCode = res.statusCode;
      const line = { req: { id, method: req.method, url }, res: { statusCode }, responseTime: Date.now() - started };
      // A response closed before it was complete (the client went away, or the socket failed).
      if (!res.writableFinished) log.error({ ...line, err: { type: 'Error', message: 'Aborted' } }, 'request failed');
      else if (statusCode >= 500) log.error(line, 'request failed');
      else log[statusCode >= 400 ? 'warn' : 'info'](line, 'request');
    };
    res.on('finish', done);
    res.on('close', done);
  };
}
