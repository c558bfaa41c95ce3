import { Router } from 'express';
import type { Engine } from '../../core/engine/client.js';
import { executeSearch } from '../search/execute.js';
import { buildEngineQuery } from '../search/query.js';
import { parseSearchRequest } from '../search/request.js';
import { shapeResponse } from '../search/shape.js';

/** HTTP query → validate → engine query → execute → shape → JSON. */
export function searchRoutes(engine: Engine, indexUid: string): Router {
  const router = Router();
  router.get('/api/search', async (req, res) => {
    const request = parseSearchRequest(req.query as Record<string, unknown>);
    const query = buildEngineQuery(request);
    const result = await executeSearch(engine, indexUid, query);
    res.json(shapeResponse(request.q, query.limit, query.offset, result));
  });
  return router;
}
