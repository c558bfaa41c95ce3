/** The widget bundle, its lazy chunks and the demo page that embeds it. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Router } from 'express';
import { AppError } from '../../core/errors.js';
import { sendCacheable, sendPage, strongEtag } from '../http/security.js';
import { demoPage } from '../pages/demo.js';
import { exactRouter } from '../http/routing.js';

/** The entry's URL is not versioned (pages embed `/widget.js`): let caches keep it briefly and revalidate by ETag. */
const WIDGET_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=3600';
/** A chunk's name carries its content hash (scripts/build.ts): a name never changes content. */
const CHUNK_CACHE_CONTROL = 'public, max-age=31536000, immutable';
const JAVASCRIPT = 'text/javascript; charset=utf-8';
/** Where the build puts the widget's lazy chunks, beside widget.js; also their URL path. */
export const WIDGET_CHUNKS = 'widget-chunks';

/**
 * The widget bundle and its lazy chunks (file name → code), read once at start-up. A missing
 * bundle, or a chunk it imports that is not beside it, stops the start-up: without the panel chunk
 * the widget would show no results at all.
 */
export async function readWidget(widgetBundle: string): Promise<{ js: string; chunks: Map<string, string> }> {
  const rebuild = 'run `npm run build` first';
  const js = await readFile(widgetBundle, 'utf8').catch(() => {
    throw new AppError('invalid_config', `The widget bundle ${widgetBundle} is missing; ${rebuild}.`);
  });
  const dir = path.join(path.dirname(widgetBundle), WIDGET_CHUNKS);
  const names = await readdir(dir).catch(() => []);
  const chunks = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith('.js'))) chunks.set(name, await readFile(path.join(dir, name), 'utf8'));
  const imported = [...js.matchAll(new RegExp(`${WIDGET_CHUNKS}/([\\w-]+\\.js)`, 'g'))].map((m) => m[1]!);
  const missing = imported.filter((name) => !chunks.has(name));
  if (missing.length > 0) throw new AppError('invalid_config', `The widget's chunks ${missing.join(', ')} are missing from ${dir}; ${rebuild}.`);
  return { js, chunks };
}

/**
 * The widget bundle, its lazy chunks, and the demo page that embeds it. The chunks are fetched by
 * `import()` from whatever site embeds the widget, so they get the same CORS headers as widget.js
 * (the app-wide policy); their hashed names make them cacheable for good. The page's embed snippet
 * names `publicUrl` (PUBLIC_URL) or, unset, relative paths: never the request's Host header, which
 * the client chooses.
 */
export function staticRoutes(widgetJs: string, publicUrl?: string, widgetChunks: ReadonlyMap<string, string> = new Map()): Router {
  const router = exactRouter();
  const widgetEtag = strongEtag(widgetJs);
  router.get('/widget.js', (req, res) => {
    sendCacheable(req, res, widgetJs, JAVASCRIPT, WIDGET_CACHE_CONTROL, widgetEtag);
  });
  for (const [name, code] of widgetChunks) {
    const etag = strongEtag(code);
    router.get(`/${WIDGET_CHUNKS}/${name}`, (req, res) => {
      sendCacheable(req, res, code, JAVASCRIPT, CHUNK_CACHE_CONTROL, etag);
    });
  }
  const demo = demoPage(publicUrl ?? '');
  router.get('/', (req, res) => {
    sendPage(req, res, demo, 'no-cache');
  });
  return router;
}
