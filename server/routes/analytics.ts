/** Search analytics routes: the widget's reports (public) and the editors' reports (admin). */
import express, { type Request, type Response, type Router } from 'express';
import { ANALYTICS_REPORT_MAX_BYTES } from '../../core/analytics-report.js';
import type { SearchAnalytics } from '../analytics/collector.js';
import { parseReport } from '../analytics/validate-report.js';
import { errorBody } from '../http/errors.js';
import { exactRouter } from '../http/routing.js';

export const ANALYTICS_EVENTS_PATH = '/api/analytics/events';

/**
 * POST /api/analytics/events: one report per final query (core/analytics-report.ts), sent as
 * text/plain so browsers send it without a preflight. 204 whether or not it is counted (a report
 * for a query not answered lately is dropped at the next flush), 400 naming the field, 413 over
 * ANALYTICS_REPORT_MAX_BYTES. Nothing of the request but the body is kept; the client's address
 * only becomes a keyed hash for the threshold.
 */
export function analyticsEventRoutes(analytics: SearchAnalytics): Router {
  const router = exactRouter();
  router.post(
    ANALYTICS_EVENTS_PATH,
    express.text({ limit: ANALYTICS_REPORT_MAX_BYTES, type: ['text/plain', 'application/json'], defaultCharset: 'utf-8' }),
    (req: Request, res: Response) => {
      analytics.report(parseReport(req.body), req.ip);
      res.status(204).set('cache-control', 'no-store').end();
    },
  );
  router.all(ANALYTICS_EVENTS_PATH, methodNotAllowed(['POST']));
  return router;
}

/** 405 with Allow, for a method a path does not take. */
export function methodNotAllowed(allowed: readonly string[]) {
  return (req: Request, res: Response) => {
    res
      .status(405)
      .set('allow', allowed.join(', '))
      .json(errorBody('method_not_allowed', `${req.method} is not allowed here; use ${allowed.join(' or ')}.`));
  };
}
