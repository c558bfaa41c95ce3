import { Router } from 'express';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { EngineError } from '../../core/errors.js';
import { errorBody } from '../http/errors.js';

/** `/healthz`: the process answers. `/readyz`: the engine answers and the index exists. */
export function healthRoutes(engine: Engine, indexUid: string): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('cache-control', 'no-store');
    try {
      // The search key can do exactly this; an empty query with limit 0 costs the engine nothing.
      await engine.index(indexUid).search('', { limit: 0 });
      res.json({ status: 'ready' });
    } catch (caught) {
      const error = toEngineError(caught, 'readiness check');
      const missing = error instanceof EngineError && error.engineCode === 'index_not_found';
      res
        .status(503)
        .json(missing ? errorBody('index_missing', 'The search index does not exist yet.') : errorBody('engine_unavailable', 'The search engine is unavailable.'));
    }
  });
  return router;
}
