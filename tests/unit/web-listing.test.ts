/** Feeds of every kind and sitemaps → listed items; page bytes → text by BOM, header or meta charset. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import { decodePage } from '../../indexer/web/decode.js';
import { MAX_LISTED_ITEMS, parseListing } from '../../indexer/web/listing.js';

const BASE = 'https://vestnik.example/feeds/main';

describe('parseListing', () => {
  it('Atom: alternate links resolved against the feed, categories, full content', () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Вестник</title>
      <entry><title>Мост открыт</title><link rel="alternate" href="/news/most.html"/><link rel="enclosure" href="/img.jpg"/><id>urn:1</id>
      <published>2026-12-01T09:00:00Z</published><updated>2026-12-02T10:00:00Z</updated><category term="transport" label="транспорт"/>
      <content type="html">&lt;p&gt;Текст&lt;/p&gt;</content></entry></feed>`;
    expect(parseListing(atom, 'feed', BASE).items).toEqual([
      { url: 'https://vestnik.example/news/most.html', stamp: '2026-12-02T10:00:00Z', title: 'Мост открыт', date: '2026-12-01T09:00:00Z', tags: ['транспорт'], summary: undefined, html: '<p>Текст</p>' },
    ]);
  });

  it('RDF (RSS 1.0): Dublin Core date and subjects', () => {
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="${BASE}"><title>Вестник</title></channel>
      <item rdf:about="https://vestnik.example/news/hokkey.html"><title>Финал</title><link>https://vestnik.example/news/hokkey.html</link><dc:date>2026-12-02</dc:date><dc:subject>спорт</dc:subject></item></rdf:RDF>`;
    expect(parseListing(rdf, 'feed', BASE).items).toMatchObject([{ url: 'https://vestnik.example/news/hokkey.html', date: '2026-12-02', tags: ['спорт'] }]);
  });

  it('JSON Feed: url, tags, content_html', () => {
    const json = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Вестник', items: [{ id: '1', url: '/news/lib.html', title: 'Библиотека', content_html: '<p>Часы</p>', tags: ['культура'], date_published: '2026-12-03T09:00:00Z' }] });
    expect(parseListing(json, 'feed', BASE).items).toMatchObject([{ url: 'https://vestnik.example/news/lib.html', html: '<p>Часы</p>', tags: ['культура'], date: '2026-12-03T09:00:00Z' }]);
  });

  it('RSS: ttl in seconds, repeated links listed once, non-web links dropped', () => {
    const rss = `<rss version="2.0"><channel><title>В</title><ttl>30</ttl>
      <item><title>А</title><link>/a.html</link></item><item><title>А снова</title><link>/a.html</link></item><item><title>Б</title><link>javascript:alert(1)</link></item></channel></rss>`;
    const listing = parseListing(rss, 'feed', BASE);
    expect(listing.ttlSeconds).toBe(1800);
    expect(listing.items.map((i) => i.url)).toEqual(['https://vestnik.example/a.html']);
  });

  it('a feed with more than MAX_LISTED_ITEMS items is cut, and says how many were dropped', () => {
    const items = Array.from({ length: MAX_LISTED_ITEMS + 5 }, (_, i) => `<item><title>${i}</title><link>/n/${i}.html</link></item>`).join('');
    const listing = parseListing(`<rss version="2.0"><channel><title>В</title>${items}</channel></rss>`, 'feed', BASE);
    expect(listing.items).toHaveLength(MAX_LISTED_ITEMS);
    expect(listing.dropped).toBe(5);
  });

  it('sitemap index and news sitemap; bad input named with the reason', () => {
    expect(parseListing('<sitemapindex><sitemap><loc>/s1.xml.gz</loc></sitemap></sitemapindex>', 'sitemap', BASE).sitemaps).toEqual(['https://vestnik.example/s1.xml.gz']);
    const news = `<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>/n/1.html</loc><news:news><news:publication_date>2026-12-04</news:publication_date><news:title>Ярмарка</news:title><news:keywords>праздники, город</news:keywords></news:news></url></urlset>`;
    expect(parseListing(news, 'sitemap', BASE).items).toEqual([{ url: 'https://vestnik.example/n/1.html', stamp: '2026-12-04', title: 'Ярмарка', date: '2026-12-04', tags: ['праздники', 'город'] }]);
    expect(() => parseListing('<html><body>Главная</body></html>', 'feed', BASE)).toThrow(/an HTML page, not a feed/);
    expect(() => parseListing('<html><body>Главная</body></html>', 'sitemap', BASE)).toThrow(/not a sitemap/);
    expect(() => parseListing('{"title": "не лента"}', 'feed', BASE)).toThrow(InputError);
  });
});

describe('decodePage', () => {
  const text = '<p>Съешь же ещё этих мягких французских булок</p>';
  it('by the Content-Type charset, by <meta charset>, by a BOM; UTF-8 otherwise', () => {
    expect(decodePage(iconv.encode(text, 'windows-1251'), 'text/html; charset=windows-1251', BASE)).toBe(text);
    const koi = `<meta charset="koi8-r">${text}`;
    expect(decodePage(iconv.encode(koi, 'koi8-r'), 'text/html', BASE)).toBe(koi);
    expect(decodePage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'text/html; charset=windows-1251', BASE)).toBe(text);
    expect(decodePage(Buffer.from(text), null, BASE)).toBe(text);
    expect(() => decodePage(Buffer.from(text), 'text/html; charset=x-martian', BASE)).toThrow(/unknown character encoding "x-martian"/);
  });
});
