/** The demo page with the widget and its embed snippet. */
import { escapeHtml } from './html.js';

/**
 * The search form readers without JavaScript (or with the bundle blocked) use: it submits to the
 * server-rendered results page. With JavaScript the widget's shadow root has no <slot>, so the form
 * is neither shown nor focusable.
 */
function fallbackForm(origin: string): string {
  return `<form action="${origin}/search" method="get" role="search"><input name="q" type="search" aria-label="Поиск по новостям"><button>Найти</button></form>`;
}

/** The demo page: the widget in both modes, embedded with the same markup a site owner pastes. */
export function demoPage(origin: string): string {
  const snippet = `<script type="module" src="${origin}/widget.js"></script>\n<news-search endpoint="${origin}/api/search">${fallbackForm(origin)}</news-search>`;
  const modalSnippet = `<news-search mode="modal" endpoint="${origin}/api/search"></news-search>`;
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Поиск по новостям — демо</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; background: #fff; }
  @media (prefers-color-scheme: dark) { body { color: #ececec; background: #121316; } pre { background: #24262b !important; } }
  pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; border-radius: 6px; }
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
</style>
<script type="module" src="/widget.js"></script>
</head>
<body>
<header>
<h1>Поиск по новостям</h1>
<news-search id="modal-search" mode="modal" endpoint="/api/search"></news-search>
</header>
<main>
<p>Введите запрос — например, «соглашение» или «Гродноинвест». Результаты ведут прямо к нужному разделу статьи.</p>
<h2>Встроенный режим</h2>
<news-search id="inline-search" endpoint="/api/search">${fallbackForm('')}</news-search>
<p>Без JavaScript (или если скрипт заблокирован) форма внутри <code>&lt;news-search&gt;</code> ведёт на страницу результатов сервера.</p>
<h2>Модальный режим</h2>
<p>Кнопка «Поиск» вверху страницы, клавиша <kbd>/</kbd> или <kbd>Ctrl</kbd>+<kbd>K</kbd> (<kbd>⌘</kbd>+<kbd>K</kbd>) открывают окно поиска.</p>
<h2>Как встроить на свою страницу</h2>
<pre tabindex="0"><code>${escapeHtml(snippet)}</code></pre>
<p>Окно поиска вместо поля:</p>
<pre tabindex="0"><code>${escapeHtml(modalSnippet)}</code></pre>
</main>
</body>
</html>
`;
}
