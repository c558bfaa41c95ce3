import express, { Router, type Request, type Response } from 'express';
import type { SearchService } from '../search/service.js';

/** GET takes the parameters from the query string, POST from a JSON body; the same rules apply. */
export function searchRoutes(search: SearchService, maxBodyBytes: number): Router {
  const router = Router();
  const send = async (res: Response, raw: unknown) => {
    const { body, cached } = await search(raw);
    res.set('x-cache', cached ? 'hit' : 'miss').set('cache-control', 'no-store').type('json').send(body);
  };
  router.get('/api/search', (req: Request, res) => send(res, req.query));
  router.post('/api/search', express.json({ limit: maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'] }), (req: Request, res) =>
    // No JSON body (wrong or missing Content-Type) leaves req.body undefined: refuse, don't search everything.
    send(res, req.body ?? null),
  );
  return router;
}
