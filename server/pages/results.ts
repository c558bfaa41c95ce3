/**
 * The no-JavaScript results page (/search). Its search box has no `maxlength`: HTML counts UTF-16
 * units there, the API code points (core/query-length.ts), and the route cuts a longer query at a word.
 */
import { CORRECTION_REASONS_RU, type SearchResponse } from '../../core/api.js';
import { pluralRu } from '../../core/text/plural.js';
import { escapeHtml, segmentsHtml } from './html.js';


/** Result links: http(s) or same-origin paths only; our own article pages also get the words to mark. */
function safeLink(url: string, query: string): string {
  if (/^\/(?!\/)/.test(url) && url.startsWith('/articles/')) {
    const [path, fragment] = url.split('#');
    return `${path}?${new URLSearchParams({ highlight: query })}${fragment ? `#${fragment}` : ''}`;
  }
  return /^https?:\/\//i.test(url) ? url : '#';
}

/** The next or previous page: the same search (`exact`, filters and order kept), another offset. */
function pageLink(q: string, offset: number, kept: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams({ q, ...kept });
  if (offset > 0) params.set('offset', String(offset));
  return `/search?${params}`;
}

/**
 * The results page for readers without JavaScript (the widget's <form> submits here): the same
 * hits as the API, escaped, with highlights and pagination.
 */
export function resultsPage(response: SearchResponse, error?: string, kept: Readonly<Record<string, string>> = {}): string {
  const { query, total, limit, offset } = response;
  const items = response.hits
    .map(
      (hit) => `<li>
  <a href="${escapeHtml(safeLink(hit.url, response.correctedQuery ?? query))}">
    <span class="article">${escapeHtml(hit.article.title)}${hit.article.date ? ` · <time datetime="${escapeHtml(hit.article.date)}">${escapeHtml(hit.article.date)}</time>` : ''}</span>
    <span class="section">${segmentsHtml(hit.titleHighlight)}</span>
  </a>
  <p class="snippet">${segmentsHtml(hit.snippet)}</p>
</li>`,
    )
    .join('\n');
  const summary = error
    ? `Запрос не выполнен: ${escapeHtml(error)}`
    : query
    ? total > 0
      ? `${pluralRu(total, ['Найден', 'Найдено', 'Найдено'])} ${total} ${pluralRu(total, ['результат', 'результата', 'результатов'])} по запросу «${escapeHtml(query)}»`
      : `Ничего не найдено по запросу «${escapeHtml(query)}». Попробуйте другие слова или более общий запрос.`
    : 'Введите запрос.';
  const why = response.correctionKind ? ` (${CORRECTION_REASONS_RU[response.correctionKind]})` : '';
  const corrected = response.correctedQuery
    ? `<p class="corrected">Показаны результаты по запросу «${escapeHtml(response.correctedQuery)}»${why}. <a href="${escapeHtml(`/search?${new URLSearchParams({ q: query, exact: '1' })}`)}">Искать именно «${escapeHtml(query)}»</a></p>`
    : '';
  const prev = offset > 0 ? `<a rel="prev" href="${escapeHtml(pageLink(query, Math.max(0, offset - limit), kept))}">← Назад</a>` : '';
  const next = offset + limit < total && offset + limit <= 1000 ? `<a rel="next" href="${escapeHtml(pageLink(query, offset + limit, kept))}">Дальше →</a>` : '';
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${query ? `${escapeHtml(query)} — поиск` : 'Поиск'}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  ol { padding: 0; list-style: none; }
  li { margin: 0 0 1.2rem; }
  li a { color: #0b57d0; text-decoration: none; display: block; }
  .article { display: block; font-size: .85rem; color: #5b5b5b; }
  .section { font-weight: 600; }
  .snippet { margin: .2rem 0 0; }
  mark { background: #fff1a8; color: inherit; }
  nav { display: flex; gap: 1rem; }
</style>
</head>
<body>
<main>
<form action="/search" method="get" role="search">
  <label for="q">Поиск по новостям</label>
  <input id="q" name="q" type="search" value="${escapeHtml(query)}">
  <button type="submit">Найти</button>
</form>
${corrected}
<p class="summary" role="status">${summary}</p>
<ol start="${offset + 1}">
${items}
</ol>
<nav aria-label="Страницы">${prev}${next}</nav>
</main>
</body>
</html>
`;
}
