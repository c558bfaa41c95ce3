import express, { type Express } from 'express';
import type { Engine } from '../core/engine/client.js';
import type { Logger } from '../core/logger.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { articleRoutes } from './routes/articles.js';
import { healthRoutes } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { staticRoutes } from './routes/static.js';

export interface AppDeps {
  /** A client holding the search-only key; the master key never reaches the app. */
  engine: Engine;
  indexUid: string;
  log: Logger;
  widgetJs: string;
}

/** Middleware order, routes, 404 and the error handler; no environment, no listen. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(healthRoutes());
  app.use(searchRoutes(deps.engine, deps.indexUid));
  app.use(articleRoutes(deps.engine, deps.indexUid));
  app.use(staticRoutes(deps.widgetJs));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
