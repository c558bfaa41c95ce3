/** Article routes: /api/articles/:id (JSON) and /articles/:id (page). */
import type { Router } from 'express';
import type { ArticleResponse } from '../../core/api.js';
import type { ChunkDocument } from '../../core/document.js';
import type { Engine } from '../../core/engine/client.js';
import { toEngineError } from '../../core/engine/client.js';
import { NotFoundError, ParameterError } from '../../core/errors.js';
import { safeArticleUrl } from '../../core/url.js';
import { sendCacheable, sendPage } from '../http/security.js';
import { articlePage, type TextRenderer } from '../pages/article.js';
import { segmentsHtml } from '../pages/html.js';
import { analyzeQuery } from '../search/analyze.js';
import type { Synonyms } from '../search/synonyms.js';
import { markAll, wordMatcher } from '../search/mark.js';
import { clipQuery } from '../../core/query-length.js';
import { assertWellFormed } from '../search/validate-request.js';
import { toSegments } from '../search/shape.js';
import { equals } from '../../core/engine/filters.js';
import { exactRouter } from '../http/routing.js';

const ARTICLE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_CHUNKS = 1000;
/** Articles change rarely; a minute of staleness is fine and conditional GETs are cheap. */
const ARTICLE_CACHE_CONTROL = 'public, max-age=60';

export type ArticleView = ArticleResponse;

/** Reassemble an article from its chunks (the engine is the only store). */
export async function loadArticle(engine: Engine, indexUid: string, id: string): Promise<ArticleView> {
  if (!ARTICLE_ID.test(id)) throw new ParameterError('id', 'must be an article id (1–128 letters, digits, - and _)');
  const result = await engine
    .index<ChunkDocument>(indexUid)
    .search('', {
      filter: equals('articleId', id),
      limit: MAX_CHUNKS,
      attributesToRetrieve: ['articleTitle', 'articleUrl', 'date', 'tags', 'sectionTitle', 'sectionIndex', 'sectionAnchor', 'passage', 'text'],
    })
    .catch((error: unknown) => {
      throw toEngineError(error, 'loading an article');
    });
  const chunks = result.hits.sort((a, b) => a.sectionIndex - b.sectionIndex || a.passage - b.passage);
  const first = chunks[0];
  if (!first) throw new NotFoundError(`No article with id ${id}`);
  const sections: ArticleView['sections'] = [];
  for (const chunk of chunks) {
    const last = sections.at(-1);
    if (last && last.index === chunk.sectionIndex) last.text += `\n${chunk.text}`;
    else sections.push({ title: chunk.sectionTitle, index: chunk.sectionIndex, anchor: chunk.sectionAnchor, text: chunk.text });
  }
  return { id, title: first.articleTitle, url: safeArticleUrl(first.articleUrl, id), date: first.date, tags: first.tags, sections };
}

/**
 * The engines that may hold an article, in the order to ask them: one engine, or over a cluster
 * the shard its id maps to and then all shards (an article not yet moved by `--reshard`).
 */
export type ArticleEngines = (id: string) => readonly Engine[];

/** The article from the first engine that has it; not found only when none has. */
async function findArticle(engines: ArticleEngines, indexUid: string, id: string): Promise<ArticleView> {
  const [first, ...rest] = engines(id);
  try {
    return await loadArticle(first!, indexUid, id);
  } catch (error) {
    if (!(error instanceof NotFoundError) || rest.length === 0) throw error;
    return findArticle(() => rest, indexUid, id);
  }
}

export function articleRoutes(engines: ArticleEngines, indexUid: string, synonyms?: Synonyms): Router {
  const router = exactRouter();
  router.get('/api/articles/:id', async (req, res) => {
    const article = await findArticle(engines, indexUid, req.params.id);
    sendCacheable(req, res, JSON.stringify(article), 'json', ARTICLE_CACHE_CONTROL);
  });
  router.get('/articles/:id', async (req, res) => {
    const article = await findArticle(engines, indexUid, req.params.id);
    const given = req.query['highlight'];
    if (given !== undefined && typeof given !== 'string') throw new ParameterError('highlight', 'must be given once');
    const raw = given ?? '';
    assertWellFormed('highlight', raw);
    const highlight = clipQuery(raw);
    sendPage(req, res, articlePage(article, highlight ? queryMarker(highlight, synonyms) : undefined), ARTICLE_CACHE_CONTROL);
  });
  return router;
}

/** Marks the words of `q` (stems, exact forms, a prefix) wherever they occur in the article. */
function queryMarker(q: string, synonyms: Synonyms | undefined): TextRenderer {
  const matcher = wordMatcher(analyzeQuery(q, synonyms?.current()));
  return (text) => segmentsHtml(toSegments(markAll(text, matcher)));
}
