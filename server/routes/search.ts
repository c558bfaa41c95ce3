import { Router } from 'express';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { buildEngineQuery } from '../search/query.js';
import { parseSearchRequest } from '../search/request.js';
import { shapeResponse } from '../search/shape.js';

export function searchRoutes(engine: Engine, indexUid: string): Router {
  const router = Router();
  router.get('/api/search', async (req, res) => {
    const request = parseSearchRequest(req.query as Record<string, unknown>);
    const { q, params } = buildEngineQuery(request);
    const result = await engine
      .index(indexUid)
      .search(q, params)
      .catch((error: unknown) => {
        throw toEngineError(error, 'search');
      });
    res.json(shapeResponse(request.q, request.limit, result));
  });
  return router;
}
