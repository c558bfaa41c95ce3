/**
 * Feeds and sitemaps → articles, as the file reader yields them (ReadItem): each listed page
 * fetched (or its full text taken from the feed), unchanged ones recognised without a download
 * where the listing's stamp or the server's validators allow, failures named by URL and reason.
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import { toArticle } from '../parse/index.js';
import { sourceHash, toFailure, type KnownSources, type ReadItem } from '../read.js';
import { WebClient, type FetchResult } from './client.js';
import { decodePage } from './decode.js';
import { parseListing, type ListedItem } from './listing.js';
import { articleFromListed, articleFromPage } from './page.js';
import type { UrlRecord, WebState } from './state.js';

export interface WebSource {
  /** `page`: one article page (the publish hook's `{ "url": … }`), no listing. */
  kind: 'feed' | 'sitemap' | 'page';
  url: string;
}

export interface WebRead {
  client: WebClient;
  state: WebState;
  known: KnownSources;
  /** Longest pause the listings asked for (RSS <ttl>, Cache-Control max-age), in seconds. */
  pollHintSeconds?: number;
}

/** Items fetched at once; the per-host queues in WebClient decide how many requests really fly. */
const WINDOW = 64;
/** Sitemap indexes pointing to sitemap indexes: followed this deep. */
const MAX_SITEMAP_DEPTH = 3;

export type WebItem = ReadItem | { listed: number };

export async function* readWebSources(sources: readonly WebSource[], run: WebRead): AsyncGenerator<WebItem> {
  const seenUrls = new Set<string>();
  const seenIds = new Map<string, string>();
  for (const source of sources) {
    const items: ListedItem[] = [];
    const listing = source.kind === 'page' ? onePage(source.url) : listItems(source.kind, source.url, run, 0);
    for await (const found of listing) {
      if ('failure' in found) yield found;
      else for (const item of found.items) if (!seenUrls.has(item.url)) (seenUrls.add(item.url), items.push(item));
    }
    yield { listed: items.length };
    for (let i = 0; i < items.length; i += WINDOW) {
      for (const result of await Promise.all(items.slice(i, i + WINDOW).map((item) => readItem(item, run)))) {
        const id = 'article' in result ? result.article.id : 'unchanged' in result ? result.unchanged.articleId : undefined;
        const earlier = id === undefined ? undefined : seenIds.get(id);
        if (id !== undefined && earlier !== undefined) {
          const origin = 'article' in result ? result.article.origin : source.url;
          yield { failure: { source: origin, reason: `duplicate article id ${id} (also produced by ${earlier})` } };
          continue;
        }
        if (id !== undefined) seenIds.set(id, 'article' in result ? result.article.origin : ('unchanged' in result ? result.unchanged.origin : ''));
        yield result;
      }
    }
  }
}

async function* onePage(url: string): AsyncGenerator<{ items: ListedItem[] }> {
  yield { items: [{ url, tags: [] }] };
}

/** A listing's items (a sitemap index: its sitemaps' items); unchanged listings from what was recorded. */
async function* listItems(kind: 'feed' | 'sitemap', url: string, run: WebRead, depth: number): AsyncGenerator<{ items: ListedItem[] } | { failure: ReturnType<typeof toFailure> & { listing: true } }> {
  try {
    const before = run.state.get(url);
    const response = await run.client.get(url, before?.listed ? before : {});
    notePollHint(run, response);
    let listed: { items: ListedItem[]; sitemaps: string[] };
    if (response.status === 'notModified') {
      if (!before?.listed) throw new InputError(url, 'HTTP 304 to a request without validators');
      listed = before.items === 'sitemaps' ? { items: [], sitemaps: before.listed } : { items: before.listed.map((u) => ({ url: u, stamp: run.state.get(u)?.stamp, tags: [] })), sitemaps: [] };
    } else {
      const bytes = response.bytes[0] === 0x1f && response.bytes[1] === 0x8b ? gunzip(response.bytes, url, run.client.maxBytes) : response.bytes;
      const listing = parseListing(decodePage(bytes, response.headers.get('content-type'), url), kind, url);
      if (listing.ttlSeconds !== undefined) run.pollHintSeconds = Math.max(run.pollHintSeconds ?? 0, listing.ttlSeconds);
      if (listing.dropped > 0) yield { failure: { source: url, reason: `lists ${listing.items.length + listing.dropped} items; only the first ${listing.items.length} were taken`, listing: true } };
      listed = listing;
      run.state.set(url, { etag: response.headers.get('etag') ?? undefined, lastModified: response.headers.get('last-modified') ?? undefined, ...(listing.sitemaps.length > 0 ? { listed: listing.sitemaps, items: 'sitemaps' } : { listed: listing.items.map((i) => i.url) }) });
    }
    yield { items: listed.items };
    for (const child of listed.sitemaps) {
      if (depth >= MAX_SITEMAP_DEPTH) {
        yield { failure: { source: child, reason: `sitemap indexes nested deeper than ${MAX_SITEMAP_DEPTH}`, listing: true } };
        continue;
      }
      yield* listItems('sitemap', child, run, depth + 1);
    }
  } catch (error) {
    yield { failure: { ...toFailure(error, url), listing: true } };
  }
}

function gunzip(bytes: Buffer, url: string, maxBytes: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(url, code === 'ERR_BUFFER_TOO_LARGE' ? `larger than the ${Math.round(maxBytes / 1024)} KB limit after gunzip (WEB_MAX_BYTES)` : `corrupt gzip data (${(error as Error).message})`);
  }
}

async function readItem(item: ListedItem, run: WebRead): Promise<ReadItem> {
  try {
    return item.html ? fromListing(item as ListedItem & { html: string }, run) : await fromPage(item, run);
  } catch (error) {
    return { failure: toFailure(error, item.url) };
  }
}

/** Full text in the feed: its hash says whether anything changed; no request at all. */
function fromListing(item: ListedItem & { html: string }, run: WebRead): ReadItem {
  const hash = sourceHash(item.url, JSON.stringify(item));
  const knownId = run.known.get(hash);
  if (knownId !== undefined) return unchanged(run, item, knownId, hash, {});
  const article = toArticle(articleFromListed(item), item.url, undefined, hash);
  run.state.set(item.url, { stamp: item.stamp, articleId: article.id, sourceHash: hash });
  return { article };
}

async function fromPage(item: ListedItem, run: WebRead): Promise<ReadItem> {
  const before = run.state.get(item.url);
  const stored = before?.articleId !== undefined && before.sourceHash !== undefined && run.known.get(before.sourceHash) === before.articleId ? before : undefined;
  // The listing says the page has not changed since the run that stored it: not even asked.
  if (stored && item.stamp !== undefined && stored.stamp === item.stamp) return { unchanged: { articleId: stored.articleId!, origin: item.url } };
  const response = await run.client.get(item.url, stored ?? {});
  const validators = { etag: response.headers.get('etag') ?? stored?.etag, lastModified: response.headers.get('last-modified') ?? stored?.lastModified };
  if (response.status === 'notModified') {
    if (!stored) throw new InputError(item.url, 'HTTP 304 to a request without validators');
    return unchanged(run, item, stored.articleId!, stored.sourceHash!, validators);
  }
  // What the listing adds (tags, date) is part of the article, so part of its fingerprint.
  const hash = sourceHash(item.url, response.bytes, JSON.stringify({ tags: item.tags, date: item.date, summary: item.summary }));
  const knownId = run.known.get(hash);
  if (knownId !== undefined) return unchanged(run, item, knownId, hash, validators);
  const html = decodePage(response.bytes, response.headers.get('content-type'), item.url);
  const article = toArticle(articleFromPage(html, response.url, item), item.url, undefined, hash);
  run.state.set(item.url, { ...validators, stamp: item.stamp, articleId: article.id, sourceHash: hash });
  return { article };
}

function unchanged(run: WebRead, item: ListedItem, articleId: string, hash: string, validators: Pick<UrlRecord, 'etag' | 'lastModified'>): ReadItem {
  run.state.set(item.url, { ...validators, stamp: item.stamp, articleId, sourceHash: hash });
  return { unchanged: { articleId, origin: item.url } };
}

/** Cache-Control max-age on a listing asks the next poll to wait that long. */
function notePollHint(run: WebRead, response: FetchResult): void {
  const maxAge = /max-age=(\d+)/i.exec(response.headers.get('cache-control') ?? '')?.[1];
  if (maxAge !== undefined) run.pollHintSeconds = Math.max(run.pollHintSeconds ?? 0, Number(maxAge));
}
