import { Router } from 'express';
import { sendCacheable, sendPage, strongEtag } from '../http/security.js';
import { demoPage } from '../pages/demo.js';

/** The bundle's URL is not versioned: let caches keep it briefly and revalidate by ETag. */
const WIDGET_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=3600';

/** The widget bundle and the demo page that embeds it. */
export function staticRoutes(widgetJs: string): Router {
  const router = Router();
  const widgetEtag = strongEtag(widgetJs);
  router.get('/widget.js', (req, res) => {
    sendCacheable(req, res, widgetJs, 'text/javascript; charset=utf-8', WIDGET_CACHE_CONTROL, widgetEtag);
  });
  router.get('/', (req, res) => {
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    sendPage(req, res, demoPage(origin), 'no-cache');
  });
  return router;
}
