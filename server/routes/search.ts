/** Search routes: GET/POST /api/search and the no-JS /search page. */
import express, { Router, type Request, type Response } from 'express';
import type { SearchResponse } from '../../core/api.js';
import { clipQuery } from '../../core/query-length.js';
import { ParameterError } from '../../core/errors.js';
import type { EncodedBodies } from '../http/encoded.js';
import { sendPage } from '../http/security.js';
import { resultsPage } from '../pages/results.js';
import type { SearchService } from '../search/answer.js';
import { ANALYTICS_HEADER } from '../../core/analytics-report.js';
import type { SearchAnalytics } from '../analytics/collector.js';
import { exactRouter } from '../http/routing.js';

/** Parameters the no-JavaScript results page passes on; anything else in its URL (utm_…) is ignored. */
const PAGE_PARAMETERS = ['q', 'offset', 'exact', 'tag', 'from', 'to', 'sort'];
const PAGE_SIZE = 10;
/** The content type res.type('json') + res.send(string) would give, set for the bytes we send. */
const JSON_TYPE = 'application/json; charset=utf-8';
/**
 * The headers every search response carries after the rate limit's, in the order they are set;
 * with analytics collecting, the header that tells the widget it may report (core/analytics-report.ts).
 */
export const searchHeadersFor = (cache: 'hit' | 'miss', analytics: boolean): readonly (readonly [string, string])[] => [
  ['x-cache', cache],
  ['cache-control', 'no-store'],
  ['content-type', JSON_TYPE],
  ...(analytics ? ([[ANALYTICS_HEADER, '1']] as const) : []),
];

/** GET takes the parameters from the query string, POST from a JSON body; the same rules apply. */
/**
 * `encoded` keeps compressed forms of bodies sent again and again (the in-process cache's); without
 * it (a Redis cache makes a new buffer per hit) the compression middleware compresses, off the
 * main thread.
 */
export function searchRoutes(search: SearchService, maxBodyBytes: number, encoded?: EncodedBodies, analytics?: SearchAnalytics): Router {
  const router = exactRouter();
  const hitHeaders = searchHeadersFor('hit', analytics !== undefined);
  const missHeaders = searchHeadersFor('miss', analytics !== undefined);
  const send = async (req: Request, res: Response, raw: unknown) => {
    // A GET's URL is remembered with its cache key, so the fast path finds a repeat's answer.
    const { body, cached } = await search(raw, req.method === 'POST' ? undefined : req.originalUrl, () => req.ip);
    for (const [name, value] of cached ? hitHeaders : missHeaders) res.setHeader(name, value);
    res.send(cached && encoded ? encoded.choose(req, res, body) : body);
  };
  router.get('/api/search', (req: Request, res) => send(req, res, req.query));
  router.post('/api/search', express.json({ limit: maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }), (req: Request, res) =>
    // No JSON body (wrong or missing Content-Type) leaves req.body undefined: refuse, don't search everything.
    send(req, res, req.body ?? null),
  );
  // Where the widget's <form> goes when JavaScript is off: the same search, rendered on the server.
  router.get('/search', async (req: Request, res) => {
    const raw = Object.fromEntries(Object.entries(req.query).filter(([k, v]) => PAGE_PARAMETERS.includes(k) && typeof v === 'string'));
    // A long paste is cut at a word, as the widget does, rather than refused.
    const q = clipQuery(typeof raw['q'] === 'string' ? raw['q'] : '');
    // Paging links keep what the reader chose (exact, filters, order); q and offset are set per link.
    const { q: _q, offset: _offset, ...kept } = raw as Record<string, string>;
    try {
      const outcome = q.trim() === '' ? undefined : await search({ ...raw, q, limit: String(PAGE_SIZE) }, undefined, () => req.ip);
      const response = outcome && (JSON.parse(outcome.body.toString()) as SearchResponse);
      // Without JavaScript there is no widget to report the final query: the page view is one.
      if (outcome?.tally && raw['offset'] === undefined) analytics?.pageSearch(outcome.tally);
      sendPage(req, res, resultsPage(response ?? emptyResponse(q), undefined, kept), 'no-store');
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      res.status(400);
      sendPage(req, res, resultsPage(emptyResponse(q), error.message), 'no-store');
    }
  });
  return router;
}

function emptyResponse(q: string): SearchResponse {
  return { query: q, total: 0, limit: PAGE_SIZE, offset: 0, processingTimeMs: 0, hits: [], facets: { tags: {}, years: {} } };
}
