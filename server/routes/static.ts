import { Router } from 'express';
import { demoPage } from '../pages/demo.js';

/** The widget bundle and the demo page that embeds it. */
export function staticRoutes(widgetJs: string): Router {
  const router = Router();
  router.get('/widget.js', (_req, res) => {
    res.type('text/javascript; charset=utf-8').send(widgetJs);
  });
  router.get('/', (req, res) => {
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.type('html').send(demoPage(origin));
  });
  return router;
}
