/** /healthz and /readyz (engine and index state, per shard in a cluster). */
import type { Router } from 'express';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import type { EngineStatus } from '../../core/engine/supervisor.js';
import { EngineError } from '../../core/errors.js';
import { errorBody } from '../http/errors.js';
import type { StartupIndexingState } from '../startup-indexing.js';
import { exactRouter } from '../http/routing.js';
import type { RankingState } from '../ranking/follower.js';

/**
 * The ranking index's state beside readiness: searches answer either way, but over its memory
 * budget they are ranked worse, and that must be visible (with need, budget and the setting).
 */
function rankingDetails(rankingState: (() => RankingState | undefined) | undefined): { ranking?: RankingState } {
  const state = rankingState?.();
  return state ? { ranking: state } : {};
}

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

/** A kept state no older than this is answered as is; an older one is checked again first. */
const MAX_AGE_MS = 500;
/** A check that takes longer than this is not waited for: the last known state is answered. */
const CHECK_WAIT_MS = 1000;

/**
 * The result of a check, run again at most every MAX_AGE_MS whatever the request rate, one run at
 * a time; a caller waits at most CHECK_WAIT_MS for a run, then takes the last result (or `fallback`).
 */
class KeptCheck<T> {
  private value: T | undefined;
  private checkedAt = 0;
  private running: Promise<T> | undefined;

  constructor(
    private readonly check: () => Promise<T>,
    private readonly fallback: T,
  ) {}

  /** Check again at the next call (the engine just came back). */
  expire(): void {
    this.checkedAt = 0;
  }

  async current(): Promise<T> {
    if (this.value !== undefined && Date.now() - this.checkedAt <= MAX_AGE_MS) return this.value;
    const run = (this.running ??= this.check()
      .then((value) => {
        this.value = value;
        this.checkedAt = Date.now();
        return value;
      })
      .finally(() => (this.running = undefined)));
    const waited = await Promise.race([run, new Promise<undefined>((resolve) => void setTimeout(() => resolve(undefined), CHECK_WAIT_MS).unref())]);
    return waited ?? this.value ?? this.fallback;
  }
}

/**
 * What `/readyz` answers from: the engine's state as the server knows it, not an engine call per
 * request. The supervisor's status (a restart under way, a failed restart) is answered at once;
 * otherwise the index's state from a kept check.
 */
export class Readiness {
  private readonly index: KeptCheck<EngineState>;

  constructor(
    engine: Engine,
    indexUid: string,
    private readonly engineStatus?: () => EngineStatus,
    private readonly indexing?: () => StartupIndexingState,
  ) {
    this.index = new KeptCheck(() => engineState(engine, indexUid), 'unavailable');
  }

  async current(): Promise<{ engine?: EngineStatus; index: EngineState; indexing?: StartupIndexingState }> {
    const status = this.engineStatus?.();
    const indexing = this.indexing?.();
    if (status && status.state !== 'up') {
      this.index.expire(); // check the index again as soon as the engine is back
      return { engine: status, index: 'unavailable', indexing };
    }
    return { index: await this.index.current(), indexing };
  }
}

/**
 * Start-up indexing in the background does not make a server unready: the index it serves is
 * whole (the engine applies each batch whole), only not yet updated from ARTICLES_DIR. A load
 * balancer keeps sending it traffic (200); operators read `indexing`. A failed run leaves the
 * index as it was, said the same way (its reason is in the server log, not on a public route).
 */
function startupIndexingDetails(indexing: StartupIndexingState | undefined): { indexing?: StartupIndexingState['state']; details?: string } {
  if (indexing?.state === 'running') return { indexing: 'running', details: `indexing the articles folder in the background since ${indexing.since}; the existing index is served` };
  if (indexing?.state === 'failed') return { indexing: 'failed', details: 'start-up indexing of the articles folder failed (see the server log); the existing index is served' };
  return {};
}

/**
 * `/healthz`: the process answers. `/readyz`: the engine answers and the index exists (from
 * Readiness). Over a cluster, 200 while at least one shard is ready (searches answer, flagged
 * `partial` if some are not: taking every proxy out of the balancer for one shard would turn a
 * partial outage into a total one), with each shard's state and `status: "degraded"` when not all
 * are ready; 503 when none is.
 */
export function healthRoutes(engine: Engine, indexUid: string, clusterReadiness?: ClusterReadiness, readiness = new Readiness(engine, indexUid), rankingState?: () => RankingState | undefined): Router {
  const router = exactRouter();
  // Per shard, from a kept check too: a probe flood must not become N engine calls per request.
  const shardStates = clusterReadiness && new KeptCheck(clusterReadiness, {});
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('cache-control', 'no-store');
    if (shardStates) {
      const shards = await shardStates.current();
      const ready = Object.values(shards).filter((s) => s === 'ready').length;
      if (ready === 0) {
        res.status(503).json({ ...errorBody('engine_unavailable', 'No search engine shard is ready.'), shards });
        return;
      }
      res.json({ status: ready === Object.keys(shards).length ? 'ready' : 'degraded', shards, ...rankingDetails(rankingState) });
      return;
    }
    const { engine: status, index, indexing } = await readiness.current();
    if (status?.state === 'restarting') {
      const seconds = Math.round((Date.now() - status.since) / 1000);
      res.status(503).json(errorBody('engine_restarting', `The search engine is being restarted (down for ${seconds} s).`));
    } else if (status?.state === 'failed') {
      res.status(503).json(errorBody('engine_unavailable', 'The search engine could not be restarted; see the server log.'));
    } else if (index === 'ready') {
      res.json({ status: 'ready', ...startupIndexingDetails(indexing), ...rankingDetails(rankingState) });
    } else if (index === 'index_missing') {
      res.status(503).json(errorBody('index_missing', 'The search index does not exist yet.'));
    } else {
      res.status(503).json(errorBody('engine_unavailable', 'The search engine is unavailable.'));
    }
  });
  return router;
}
