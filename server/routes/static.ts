/** The widget bundle and the demo page that embeds it. */
import type { Router } from 'express';
import { sendCacheable, sendPage, strongEtag } from '../http/security.js';
import { demoPage } from '../pages/demo.js';
import { exactRouter } from '../http/routing.js';

/** The bundle's URL is not versioned: let caches keep it briefly and revalidate by ETag. */
const WIDGET_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=3600';

/**
 * The widget bundle and the demo page that embeds it. The page's embed snippet names `publicUrl`
 * (PUBLIC_URL) or, unset, relative paths: never the request's Host header, which the client chooses.
 */
export function staticRoutes(widgetJs: string, publicUrl?: string): Router {
  const router = exactRouter();
  const widgetEtag = strongEtag(widgetJs);
  router.get('/widget.js', (req, res) => {
    sendCacheable(req, res, widgetJs, 'text/javascript; charset=utf-8', WIDGET_CACHE_CONTROL, widgetEtag);
  });
  const demo = demoPage(publicUrl ?? '');
  router.get('/', (req, res) => {
    sendPage(req, res, demo, 'no-cache');
  });
  return router;
}
