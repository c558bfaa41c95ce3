/** The article reader page (a section deep link lands here). */
import type { ArticleResponse } from '../../core/api.js';
import { escapeHtml, segmentsHtml } from './html.js';

/** Turns a piece of article text into safe HTML, optionally marking the reader's query words. */
export type TextRenderer = (text: string) => string;

/**
 * A readable article page with one anchor per section; every piece of article text is escaped.
 * Opened from a search result (`?highlight=…`), it marks the query's words — inflected forms too —
 * since text fragments (`#:~:text=`) are not supported everywhere.
 */
export function articlePage(article: ArticleResponse, render: TextRenderer = escapeHtml): string {
  const sections = article.sections
    .map((section) => {
      const paragraphs = section.text
        .split('\n')
        .map((p) => `<p>${render(p)}</p>`)
        .join('\n');
      const heading = section.index === 0 ? '' : `<h2>${render(section.title)}</h2>\n`;
      return `<section id="${escapeHtml(section.anchor)}">\n${heading}${paragraphs}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(article.title)}</title>
<style>
  body { font: 17px/1.6 Georgia, serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  section:target { background: #fffbe0; }
  .meta { color: #5b5b5b; font: 14px system-ui, sans-serif; }
  mark { background: #fff1a8; color: inherit; }
</style>
</head>
<body>
<article>
<h1>${escapeHtml(article.title)}</h1>
${article.date ? `<p class="meta"><time datetime="${escapeHtml(article.date)}">${escapeHtml(article.date)}</time></p>` : ''}
${sections}
</article>
</body>
</html>
`;
}
