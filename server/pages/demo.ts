import { escapeHtml } from './html.js';

/** The demo page: the widget embedded with the same two lines a site owner pastes. */
export function demoPage(origin: string): string {
  const snippet = `<script type="module" src="${origin}/widget.js"></script>\n<news-search endpoint="${origin}/api/search"></news-search>`;
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Поиск по новостям — демо</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; border-radius: 6px; }
  h1 { font-size: 1.6rem; }
</style>
<script type="module" src="/widget.js"></script>
</head>
<body>
<main>
<h1>Поиск по новостям</h1>
<p>Введите запрос — например, «соглашение» или «Гродноинвест». Результаты ведут прямо к нужному разделу статьи.</p>
<news-search endpoint="/api/search"></news-search>
<h2>Как встроить на свою страницу</h2>
<pre><code>${escapeHtml(snippet)}</code></pre>
</main>
</body>
</html>
`;
}
