/**
 * Articles from a site (feed, sitemap, pages) against the real engine and a fixture site served
 * in the test: the same chunks and anchors as the same pages indexed from files, polite and
 * incremental fetching (counted requests), every bad item named with its URL and reason.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebFetchConfig } from '../../core/config.js';
import type { ChunkDocument } from '../../core/document.js';
import { runIndexer, type IndexSummary } from '../../indexer/run.js';
import { WebClient } from '../../indexer/web/client.js';
import type { WebSource } from '../../indexer/web/read.js';
import { webStateIndexUid } from '../../indexer/web/state.js';
import { sourcesIndexUid } from '../../indexer/sources.js';
import { sitePages } from '../fixtures/site/pages.js';
import { adminEngine, deleteIndex, testEngine, uniqueIndexUid } from '../support/engine.js';
import { startFixtureSite, type FixtureSite } from '../support/fixture-site.js';
import { spawnTsx } from '../support/process.js';

const engine = adminEngine();
const uids = { files: uniqueIndexUid('web_files'), feed: uniqueIndexUid('web_feed'), sitemap: uniqueIndexUid('web_map'), watch: uniqueIndexUid('web_watch'), bad: uniqueIndexUid('web_bad') };
const FETCH: WebFetchConfig = { timeoutMs: 1500, maxBytes: 512 * 1024, maxRedirects: 3, hostConcurrency: 4, hostDelayMs: 0, pollSeconds: 1 };
let site: FixtureSite;
let dir: string;

beforeAll(async () => {
  site = await startFixtureSite(sitePages(), { slowMs: 4000 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'web-files-'));
});
afterAll(async () => {
  await site.close();
  await rm(dir, { recursive: true, force: true });
  await Promise.all(Object.values(uids).flatMap((uid) => [deleteIndex(uid), deleteIndex(webStateIndexUid(uid)), deleteIndex(sourcesIndexUid(uid))]));
});

async function docs(uid: string): Promise<ChunkDocument[]> {
  const page = await engine.index<ChunkDocument>(uid).getDocuments({ limit: 10_000 });
  return page.results.sort((a, b) => a.id.localeCompare(b.id));
}

const fromSite = (uid: string, sources: WebSource[], prune = false): Promise<IndexSummary> =>
  runIndexer(engine, uid, { paths: [], prune, web: { sources, client: new WebClient(FETCH) } });

const feed = (): WebSource[] => [{ kind: 'feed', url: `${site.url}/rss.xml` }];
const pagePath = (slug: string) => `/news/${slug}.html`;
/** What differs by design between a page fetched and the same page read from a file: the source fingerprint. */
const comparable = (d: ChunkDocument) => ({ ...d, sourceHash: undefined });

describe('articles from a site', { timeout: 180_000 }, () => {
  it('a feed gives the same chunks and anchors as the same pages indexed from files; each bad item is named', async () => {
    const marked = site.pages.filter((p) => !p.unmarked);
    for (const page of marked) await writeFile(path.join(dir, `${page.slug}.html`), site.fileHtml(page));
    const files = await runIndexer(engine, uids.files, { paths: [dir], prune: false });
    expect(files.failed).toBe(0);

    const summary = await fromSite(uids.feed, feed());
    const fromFiles = await docs(uids.files);
    const fetched = await docs(uids.feed);
    const fileIds = new Set(fromFiles.map((d) => d.articleId));
    expect(fetched.filter((d) => fileIds.has(d.articleId)).map(comparable)).toEqual(fromFiles.map(comparable));
    // windows-1251 (by header) and KOI8-R (by <meta charset> only) decoded.
    expect(fetched.map((d) => d.articleTitle)).toEqual(expect.arrayContaining(['Тестовские «Ястребы» вышли в финал кубка области', 'Центральная библиотека продлила часы работы']));
    expect(fetched.find((d) => d.sectionTitle === 'Освещение')).toMatchObject({ sectionAnchor: 'освещение', tags: ['транспорт', 'город'], date: '2026-12-01' });

    // A page without <article>: Readability finds the text and its h2/h3 sections, not the furniture.
    const fair = fetched.filter((d) => d.articleTitle.startsWith('На Соборной площади'));
    expect(fair.map((d) => d.sectionTitle)).toEqual(expect.arrayContaining(['Что продают', 'Мастер-классы']));
    expect(fair.map((d) => d.text).join(' ')).not.toMatch(/Популярное|Главная|Все права/);

    // Full text in the feed (content:encoded): sections, the feed's date and category; the page is never asked for.
    const full = fetched.filter((d) => d.articleUrl === `${site.url}/news/full-text.html`);
    expect(full.map((d) => d.sectionAnchor)).toEqual(expect.arrayContaining(['кто-будет-сажать', 'субботники']));
    expect(full[0]).toMatchObject({ date: '2026-12-06', tags: ['город'] });
    expect(site.requests.get('/news/full-text.html')).toBeUndefined();

    expect(summary).toMatchObject({ added: 5, failed: 7 });
    const reasons = Object.fromEntries(summary.failures.map((f) => [f.source.replace(site.url, ''), f.reason]));
    expect(reasons).toEqual({
      '/slow.html': expect.stringMatching(/no complete answer within 1500 ms/),
      '/broken.html': 'HTTP 500 Internal Server Error',
      '/gone.html': 'HTTP 404 Not Found',
      '/private/secret.html': `disallowed by ${site.url}/robots.txt`,
      '/loop.html': expect.stringMatching(/redirect loop/),
      '/gallery.html': expect.stringMatching(/no article text|not an article/),
      '/huge.html': 'larger than the 512 KB limit (WEB_MAX_BYTES)',
    });
    // Disallowed: never requested. The duplicate item: fetched once.
    expect(site.requests.get('/private/secret.html')).toBeUndefined();
    expect(site.requests.get(pagePath('most-otkryt'))).toBe(1);
    expect(site.requests.get('/robots.txt')).toBe(1);
  });

  it('a second run fetches nothing unchanged: the feed answers 304 and no stored page is asked for', async () => {
    site.reset();
    const summary = await fromSite(uids.feed, feed());
    expect(summary).toMatchObject({ added: 0, updated: 0, unchanged: 5, chunksSent: 0 });
    for (const page of site.pages) expect(site.requests.get(pagePath(page.slug)), page.slug).toBeUndefined();
    expect(site.requests.get('/rss.xml')).toBe(1);
    // Only the items that failed are tried again (and robots.txt once per run).
    expect([...site.requests.keys()].sort()).toEqual(['/broken.html', '/gallery.html', '/gone.html', '/huge.html', '/loop.html', '/loop2.html', '/robots.txt', '/rss.xml', '/slow.html']);
  });

  it('a sitemap index with a gzipped news sitemap; a re-run downloads nothing again', async () => {
    site.reset();
    const first = await fromSite(uids.sitemap, [{ kind: 'sitemap', url: `${site.url}/sitemap.xml` }]);
    expect(first).toMatchObject({ added: site.pages.length, failed: 0 });
    expect(site.requests.get('/news-sitemap.xml.gz')).toBe(1);
    site.reset();
    const again = await fromSite(uids.sitemap, [{ kind: 'sitemap', url: `${site.url}/sitemap.xml` }]);
    expect(again).toMatchObject({ added: 0, unchanged: site.pages.length, failed: 0 });
    expect([...site.requests.keys()].sort()).toEqual(['/news-sitemap.xml.gz', '/robots.txt', '/sitemap.xml']);
  });

  it('--prune removes an article that left the sitemap and keeps one whose fetch failed', async () => {
    const removed = site.pages.pop()!;
    const failing = site.pages[1]!;
    const date = failing.date;
    failing.date = '2026-12-05'; // its lastmod changes, so it is fetched again…
    site.failing.add(pagePath(failing.slug)); // …and the fetch fails
    try {
      const summary = await fromSite(uids.sitemap, [{ kind: 'sitemap', url: `${site.url}/sitemap.xml` }], true);
      expect(summary.failures).toEqual([{ source: `${site.url}${pagePath(failing.slug)}`, reason: 'HTTP 500 Internal Server Error' }]);
      expect(summary.pruned).toBe(1);
      const titles = new Set((await docs(uids.sitemap)).map((d) => d.articleTitle));
      expect(titles.has(removed.title)).toBe(false);
      expect(titles.has(failing.title)).toBe(true);
    } finally {
      failing.date = date;
      site.failing.clear();
      site.pages.push(removed);
    }
  });

  it('an HTML page or malformed XML given as a feed: named with the reason, nothing pruned', async () => {
    const summary = await fromSite(uids.feed, [{ kind: 'feed', url: `${site.url}/not-a-feed.html` }, { kind: 'feed', url: `${site.url}/malformed.xml` }], true);
    expect(summary.failures).toEqual([
      { source: `${site.url}/not-a-feed.html`, reason: expect.stringMatching(/an HTML page, not a feed/), listing: true },
      { source: `${site.url}/malformed.xml`, reason: expect.stringMatching(/malformed feed/), listing: true },
    ]);
    expect(summary.pruned).toBe(0);
    expect(summary.pruneKept?.length).toBeGreaterThan(0);
  });

  it('the command line: exit 1 with each failing URL named; --watch picks up a new item', async () => {
    const env = { MEILI_URL: testEngine().url, MEILI_MASTER_KEY: testEngine().masterKey, INDEX_UID: uids.watch, WEB_TIMEOUT_MS: '1500', WEB_HOST_DELAY_MS: '0', WEB_POLL_SECONDS: '1' };
    const cli = spawnTsx('indexer/cli.ts', ['--watch', `${site.url}/rss.xml`], env);
    try {
      await cli.waitFor(/next poll in 1 s/, 60_000);
      expect(cli.output()).toContain(`error: ${site.url}/broken.html: HTTP 500 Internal Server Error`);
      site.addPage({ slug: 'novyi-park', title: 'В Заречном районе заложили новый парк', date: '2026-12-07', tags: ['город'], lead: 'Жители Заречного района посадили первые деревья будущего парка у школы номер пять.', sections: [{ heading: 'Что будет в парке', level: 2, paragraphs: ['Проект предусматривает пруд, спортивную площадку и аллею из каштанов.'] }] });
      await expect.poll(async () => (await docs(uids.watch)).filter((d) => d.articleTitle === 'В Заречном районе заложили новый парк').map((d) => d.sectionAnchor), { timeout: 60_000, interval: 250 }).toContain('что-будет-в-парке');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      site.pages.pop();
    }
    const once = spawnTsx('indexer/cli.ts', [`${site.url}/rss.xml`], env);
    expect(await once.exited).toBe(1);
    expect(once.output()).toContain(`error: ${site.url}/gone.html: HTTP 404 Not Found`);
  });
});
