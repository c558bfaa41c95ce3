/** Exact path matching, and 405 for a method a known path does not take. */
import { Router, type Express, type Request, type RequestHandler, type Response } from 'express';
import { errorBody } from './errors.js';

/**
 * Every route matches its path exactly: `/ReadyZ` and `/metrics/` are 404, not aliases that slip
 * past rules written for the real paths (rate-limit exemptions, allow-lists, caches). Express's
 * default routers ignore case and a trailing slash.
 */
export function exactRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}

/** What this module reads of Express's router (router 2.x): its layers, each a route or a mounted router. */
interface LayerLike {
  match(path: string): false | { path: string };
  route?: { methods: Record<string, boolean | undefined> };
  handle: { stack?: LayerLike[] };
}

/**
 * The methods the routes registered for `path` take, found the way the router itself matches
 * (each layer's own matcher, through mounted routers): GET brings HEAD, as Express answers it.
 */
export function routeMethods(stack: readonly LayerLike[], path: string): Set<string> {
  const methods = new Set<string>();
  for (const layer of stack) {
    const nested = layer.route ? undefined : layer.handle.stack;
    if (!layer.route && !nested) continue; // a plain middleware
    const match = layer.match(path);
    if (!match) continue;
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') methods.add(method.toUpperCase());
    } else {
      for (const method of routeMethods(nested!, path.slice(match.path.length) || '/')) methods.add(method);
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return methods;
}

/** `Allow` lists the methods in the usual order: GET, HEAD, POST, PUT, PATCH, DELETE, then any other. */
const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const rank = (method: string) => (ORDER.includes(method) ? ORDER.indexOf(method) : ORDER.length);

/**
 * After the routes, before the 404: a request for a path some route serves, with a method none of
 * them takes, gets 405 with `Allow` and the JSON error body (RFC 9110 §15.5.6), not a 404 that
 * says the path does not exist. Read from the routes as registered, so every route added later is
 * covered without a list to keep. OPTIONS is in `Allow`: the CORS middleware answers it on every
 * path, before the routes. A request whose method a route takes but that the route passed on
 * (/metrics for a peer not allowed, an admin route left unconfigured) goes on to the 404.
 */
export function methodNotAllowed(app: Express): RequestHandler {
  return (req, res, next) => {
    const methods = routeMethods((app.router as unknown as { stack: LayerLike[] }).stack, req.path);
    if (methods.size === 0 || methods.has(req.method)) {
      next();
      return;
    }
    sendMethodNotAllowed(req, res, [...methods]);
  };
}

/** 405 with `Allow` (the given methods in the usual order, then OPTIONS) and the JSON error body. */
export function sendMethodNotAllowed(req: Request, res: Response, methods: readonly string[]): void {
  const allow = [...methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).concat('OPTIONS').join(', ');
  res
    .status(405)
    .set('allow', allow)
    .json(errorBody('method_not_allowed', `${req.method.slice(0, 20)} is not allowed on ${req.path.slice(0, 200)}; it takes ${allow}.`));
}
