import type { Router } from 'express';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { EngineError } from '../../core/errors.js';
import { errorBody } from '../http/errors.js';
import { exactRouter } from '../http/routing.js';

export type EngineState = 'ready' | 'index_missing' | 'unavailable';

/** Per-shard states for `/readyz` over a cluster; the proxy is ready while any shard is. */
export type ClusterReadiness = () => Promise<Record<string, EngineState>>;

/** Whether one engine answers a search on the index (the search key can do exactly this). */
export async function engineState(engine: Engine, indexUid: string): Promise<EngineState> {
  try {
    // An empty query with limit 0 costs the engine nothing.
    await engine.index(indexUid).search('', { limit: 0 });
    return 'ready';
  } catch (caught) {
    const error = toEngineError(caught, 'readiness check');
    return error instanceof EngineError && error.engineCode === 'index_not_found' ? 'index_missing' : 'unavailable';
  }
}

/**
 * `/healthz`: the process answers. `/readyz`: the engine answers and the index exists. Over a
 * cluster, 200 while at least one shard is ready (searches answer, flagged `partial` if some are
 * not: taking every proxy out of the balancer for one shard would turn a partial outage into a
 * total one), with each shard's state and `status: "degraded"` when not all are ready; 503 when none is.
 */
export function healthRoutes(engine: Engine, indexUid: string, clusterReadiness?: ClusterReadiness): Router {
  const router = exactRouter();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('cache-control', 'no-store');
    if (clusterReadiness) {
      const shards = await clusterReadiness();
      const ready = Object.values(shards).filter((s) => s === 'ready').length;
      if (ready === 0) {
        res.status(503).json({ ...errorBody('engine_unavailable', 'No search engine shard is ready.'), shards });
        return;
      }
      res.json({ status: ready === Object.keys(shards).length ? 'ready' : 'degraded', shards });
      return;
    }
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
