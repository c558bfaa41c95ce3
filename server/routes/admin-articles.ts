/**
 * The publish hook: POST /api/admin/articles (an article as the indexer's JSON, or `{ "url": … }`
 * to fetch) and DELETE /api/admin/articles/{id}, behind the one admin check (ADMIN_TOKEN; 404
 * while unset). The article is searchable and ranked when the 2xx is sent (article-publisher.ts).
 */
import express, { type Router } from 'express';
import { hostAllowed } from '../../core/url.js';
import { AppError, ParameterError } from '../../core/errors.js';
import type { ArticlePublisher } from '../article-publisher.js';
import { requireAdmin, type AdminAccess } from '../http/admin-access.js';
import { exactRouter } from '../http/routing.js';

/** An article's text can be long; search requests stay under MAX_BODY_BYTES, this route has its own cap. */
export const MAX_ARTICLE_BYTES = 8 * 1024 * 1024;
const ARTICLE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function adminArticleRoutes(access: AdminAccess, publisher: ArticlePublisher, pageUrlHosts?: readonly string[]): Router {
  const router = exactRouter();
  const admin = requireAdmin(access);
  const json = express.json({ limit: MAX_ARTICLE_BYTES, strict: true, type: ['application/json', 'application/*+json'] });
  router.post('/api/admin/articles', admin, json, async (req, res) => {
    if (req.body === undefined && req.is(['application/json', 'application/*+json']) === false) {
      throw new AppError('unsupported_media_type', 'The request body must be JSON (Content-Type: application/json).');
    }
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ParameterError('body', 'expected a JSON object: an article (title, content, …) or { "url": "https://…" }');
    const fields = Object.keys(body);
    const url = (body as { url?: unknown }).url;
    const result =
      fields.length === 1 && fields[0] === 'url'
        ? await publisher.publishUrl(pageUrl(url, pageUrlHosts))
        : await publisher.publish(body as Record<string, unknown>);
    res.status(result.change === 'added' ? 201 : 200).set('cache-control', 'no-store').json(result);
  });
  router.delete('/api/admin/articles/:id', admin, async (req, res) => {
    const id = String(req.params.id);
    if (!ARTICLE_ID.test(id)) throw new ParameterError('id', 'must be an article id (1–128 letters, digits, - and _)');
    await publisher.remove(id);
    res.status(204).end();
  });
  return router;
}

function pageUrl(value: unknown, hosts: readonly string[] | undefined): string {
  if (!hosts) throw new ParameterError('url', 'fetching a page by URL is off: set WEB_ALLOW_HOSTS to the site\'s hosts, or send the article itself');
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new ParameterError('url', 'must be an http(s) URL of an article page');
  if (!hostAllowed(hosts, new URL(value))) throw new ParameterError('url', `${new URL(value).host} is not among WEB_ALLOW_HOSTS (${hosts.join(', ')})`);
  return value;
}
