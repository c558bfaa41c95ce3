/** A router that matches paths exactly (no trailing-slash or case folding). */
import { Router } from 'express';

/**
 * Every route matches its path exactly: `/ReadyZ` and `/metrics/` are 404, not aliases that slip
 * past rules written for the real paths (rate-limit exemptions, allow-lists, caches). Express's
 * default routers ignore case and a trailing slash.
 */
export function exactRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}
