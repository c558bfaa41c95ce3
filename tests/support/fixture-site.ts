/**
 * A small news site served on 127.0.0.1 for the web-source tests and the feeds benchmark: an RSS
 * feed, a sitemap index pointing to a gzipped Google News sitemap, robots.txt, article pages in
 * UTF-8, windows-1251 and KOI8-R with <h2>/<h3> sections, a page without <article> (Readability's
 * case), and slow, failing, redirecting and disallowed pages. Pages answer ETag / Last-Modified and
 * 304; every request is counted by path. The texts are written for these tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';

export interface SitePage {
  slug: string;
  title: string;
  date: string;
  tags: string[];
  lead: string;
  sections: { heading: string; level: 2 | 3; paragraphs: string[] }[];
  charset?: 'utf-8' | 'windows-1251' | 'koi8-r';
  /** Without <article>/<main>: the main text is inside generic <div>s among page furniture. */
  unmarked?: boolean;
  /** How the charset is told: the Content-Type header (default) or only a <meta charset>. */
  charsetIn?: 'header' | 'meta';
}

export interface FixtureSite {
  url: string;
  pages: SitePage[];
  /** Requests by path (`/rss.xml`, `/news/x.html`, …). */
  requests: Map<string, number>;
  total(): number;
  reset(): void;
  /** The page as a file would hold it (UTF-8, same markup): for comparing with indexing files. */
  fileHtml(page: SitePage): string;
  addPage(page: SitePage): void;
  /** Paths that answer 500 until removed. */
  failing: Set<string>;
  close(): Promise<void>;
}

const LAST_MODIFIED = 'Mon, 07 Dec 2026 08:00:00 GMT';

export function pageHtml(base: string, page: SitePage): string {
  const charset = page.charset ?? 'utf-8';
  const sections = page.sections.map((s) => `<h${s.level}>${s.heading}</h${s.level}>\n${s.paragraphs.map((p) => `<p>${p}</p>`).join('\n')}`).join('\n');
  const head = `<meta charset="${charset}">
<title>${page.title} — Вестник Тестовска</title>
<link rel="canonical" href="${base}/news/${page.slug}.html">
<meta property="article:published_time" content="${page.date}T09:00:00+03:00">
${page.tags.map((t) => `<meta property="article:tag" content="${t}">`).join('\n')}`;
  const nav = '<nav><a href="/">Главная</a> <a href="/news/">Новости</a></nav>';
  const footer = '<footer>© Вестник Тестовска. Все права защищены.</footer>';
  if (page.unmarked) {
    return `<!doctype html><html><head>${head}</head><body>${nav}<div class="sidebar"><a href="/a">Популярное</a></div><div class="content"><h1>${page.title}</h1><div class="text"><p>${page.lead}</p>\n${sections}</div></div>${footer}</body></html>`;
  }
  return `<!doctype html><html><head>${head}</head><body>${nav}<article><h1>${page.title}</h1>
<p>${page.lead}</p>
${sections}
</article>${footer}</body></html>`;
}

export async function startFixtureSite(pages: SitePage[], options: { slowMs?: number; feedTtlMinutes?: number; /** false: the feed lists only the pages (the benchmark) */ badItems?: boolean } = {}): Promise<FixtureSite> {
  const requests = new Map<string, number>();
  const failing = new Set<string>();
  let base = '';
  const byPath = new Map<string, SitePage>();
  const add = (page: SitePage) => {
    pages.push(page);
    byPath.set(`/news/${page.slug}.html`, page);
  };
  for (const page of [...pages]) byPath.set(`/news/${page.slug}.html`, page);

  const badItems = () => `<item><title>Повтор</title><link>${base}/news/${pages[0]?.slug}.html</link></item>
<item><title>Медленная страница</title><link>${base}/slow.html</link></item>
<item><title>Сломанная страница</title><link>${base}/broken.html</link></item>
<item><title>Пропавшая страница</title><link>${base}/gone.html</link></item>
<item><title>Закрытый раздел</title><link>${base}/private/secret.html</link></item>
<item><title>Петля</title><link>${base}/loop.html</link></item>
<item><title>Не статья</title><link>${base}/gallery.html</link></item>
<item><title>Огромная страница</title><link>${base}/huge.html</link></item>
<item><title>Полный текст в ленте</title><link>${base}/news/full-text.html</link><pubDate>Sun, 06 Dec 2026 07:00:00 GMT</pubDate><category>город</category>
<content:encoded><![CDATA[<p>Городской совет утвердил план озеленения набережной: до конца весны там высадят двести лип и сто кустов сирени.</p><h2>Кто будет сажать</h2><p>Работы поручены муниципальному предприятию «Зеленстрой», добровольцев позовут на два субботника.</p><h3>Субботники</h3><p>Первый субботник назначен на середину апреля, второй — на начало мая.</p>]]></content:encoded></item>`;

  const rss = () => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Вестник Тестовска</title><link>${base}/</link><description>Новости города</description>
${options.feedTtlMinutes ? `<ttl>${options.feedTtlMinutes}</ttl>` : ''}
${pages
  .map((p) => `<item><title>${p.title}</title><link>/news/${p.slug}.html</link><guid>${base}/news/${p.slug}.html</guid><pubDate>${new Date(`${p.date}T06:00:00Z`).toUTCString()}</pubDate>${p.tags.map((t) => `<category>${t}</category>`).join('')}</item>`)
  .join('\n')}
${options.badItems === false ? '' : badItems()}
</channel></rss>`;

  const newsSitemap = () => `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${pages.map((p) => `<url><loc>${base}/news/${p.slug}.html</loc><lastmod>${p.date}T09:00:00+03:00</lastmod><news:news><news:publication><news:name>Вестник Тестовска</news:name><news:language>ru</news:language></news:publication><news:publication_date>${p.date}T09:00:00+03:00</news:publication_date><news:title>${p.title}</news:title></news:news></url>`).join('\n')}
</urlset>`;

  const send = (req: IncomingMessage, res: ServerResponse, body: Buffer, type: string, extra: Record<string, string> = {}) => {
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'last-modified': LAST_MODIFIED, ...extra }).end();
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': String(body.length), etag, 'last-modified': LAST_MODIFIED, ...extra }).end(body);
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const page = byPath.get(path);
    if (failing.has(path)) {
      res.writeHead(500).end('internal error');
      return;
    }
    if (page) {
      const charset = page.charset ?? 'utf-8';
      const type = page.charsetIn === 'meta' ? 'text/html' : `text/html; charset=${charset}`;
      send(req, res, iconv.encode(pageHtml(base, page), charset), type);
      return;
    }
    switch (path) {
      case '/robots.txt':
        return send(req, res, Buffer.from('User-agent: *\nDisallow: /private/\n'), 'text/plain');
      case '/rss.xml':
        return send(req, res, Buffer.from(rss()), 'application/rss+xml; charset=utf-8', { 'cache-control': 'no-cache' });
      case '/sitemap.xml':
        return send(req, res, Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${base}/news-sitemap.xml.gz</loc></sitemap></sitemapindex>`), 'application/xml');
      case '/news-sitemap.xml.gz':
        return send(req, res, gzipSync(newsSitemap()), 'application/gzip');
      case '/slow.html':
        setTimeout(() => send(req, res, Buffer.from('<html><body><article><h1>Поздно</h1><p>Эта страница отвечает слишком долго.</p></article></body></html>'), 'text/html'), options.slowMs ?? 3000);
        return;
      case '/huge.html': {
        // Streamed without a Content-Length: the size cap must stop the read itself.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        const block = `<p>${'Очень длинная страница. '.repeat(400)}</p>`;
        res.write('<html><body><article><h1>Огромная</h1>');
        for (let i = 0; i < 200; i++) res.write(block);
        res.end('</article></body></html>');
        return;
      }
      case '/broken.html':
        res.writeHead(500).end('internal error');
        return;
      case '/loop.html':
        res.writeHead(302, { location: '/loop2.html' }).end();
        return;
      case '/loop2.html':
        res.writeHead(302, { location: '/loop.html' }).end();
        return;
      case '/gallery.html':
        return send(req, res, Buffer.from('<!doctype html><html><head><title>Фотогалерея</title></head><body><nav><a href="/">Главная</a></nav><div><img src="a.jpg" alt=""><img src="b.jpg" alt=""></div></body></html>'), 'text/html; charset=utf-8');
      case '/not-a-feed.html':
        return send(req, res, Buffer.from('<!doctype html><html><head><title>Главная</title></head><body><p>Это главная страница, а не лента.</p></body></html>'), 'text/html');
      case '/malformed.xml':
        return send(req, res, Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Обрыв<item><title>без конца'), 'application/rss+xml');
      default:
        res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    pages,
    requests,
    total: () => [...requests.values()].reduce((a, b) => a + b, 0),
    reset: () => requests.clear(),
    fileHtml: (page) => pageHtml(base, { ...page, charset: 'utf-8' }),
    addPage: add,
    failing,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
