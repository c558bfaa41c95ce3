/**
 * The one access check for admin routes (the publish hook, analytics reports): a token sent as
 * `Authorization: Bearer <token>` or HTTP Basic (any user name, the token as password, so a
 * browser's login prompt works for the dashboard), compared in constant time, from an allowed
 * peer address. Unconfigured or from a peer outside the allow-list, the route answers the same
 * 404 as any unknown path: its existence is not advertised. The token is never logged
 * (server/http/logging.ts redacts the authorization header).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import proxyAddr from 'proxy-addr';
import { UnauthorizedError } from '../../core/errors.js';

/** What an admin route accepts: the tokens that open it, and who may ask at all. */
export interface AdminAccess {
  /** Tokens accepted for this route; empty (all unset) = the route answers 404. */
  tokens: readonly (string | undefined)[];
  /** Peer addresses or subnets (proxy-addr syntax); empty = nobody; 'any' = every peer. */
  allow: readonly string[] | 'any';
}

/** The scopes the configuration defines: ADMIN_TOKEN opens everything, ANALYTICS_TOKEN the reports. */
export function adminScopes(config: { adminToken: string | undefined; analyticsToken: string | undefined; adminAllow: string[] | 'any' }): {
  publish: AdminAccess;
  analytics: AdminAccess;
} {
  return {
    publish: { tokens: [config.adminToken], allow: config.adminAllow },
    analytics: { tokens: [config.adminToken, config.analyticsToken], allow: config.adminAllow },
  };
}

/** Route handler in front of an admin route (app.get(path, requireAdmin(a), handler)): 404 when closed, 401 without the right token, else next(). */
export function requireAdmin(access: AdminAccess): RequestHandler {
  const digests = access.tokens.filter((t): t is string => typeof t === 'string' && t.length > 0).map(digest);
  const allowed = access.allow === 'any' ? () => true : access.allow.length > 0 ? proxyAddr.compile([...access.allow]) : undefined;
  return (req, _res, next) => {
    const peer = req.socket.remoteAddress;
    if (digests.length === 0 || !allowed || peer === undefined || !allowed(peer, 0)) {
      next('route');
      return;
    }
    const presented = presentedToken(req);
    // Every configured token is compared, whether or not an earlier one matched: no timing hint.
    let ok = false;
    if (presented !== undefined) {
      const candidate = digest(presented);
      for (const d of digests) ok = timingSafeEqual(d, candidate) || ok;
    }
    if (ok) next();
    else next(new UnauthorizedError('This route needs the admin token: Authorization: Bearer <token>, or HTTP Basic with the token as password.'));
  };
}

/** Hashing first makes the comparison constant-time whatever the lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function presentedToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}
