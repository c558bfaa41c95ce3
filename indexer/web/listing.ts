/**
 * A feed (RSS 2.0, Atom, RDF, JSON Feed: feedsmith) or a sitemap (sitemap index, urlset, Google
 * News sitemap: fast-xml-parser) → the article URLs it lists, with what it says about each.
 * Relative links are resolved against the listing's URL; repeated URLs are listed once.
 */
import { XMLParser } from 'fast-xml-parser';
import { parseFeed } from 'feedsmith';
import { InputError } from '../../core/errors.js';

export interface ListedItem {
  url: string;
  /** What tells an unchanged item without fetching it again: lastmod, updated, pubDate. */
  stamp?: string | undefined;
  title?: string | undefined;
  date?: string | undefined;
  tags: string[];
  summary?: string | undefined;
  /** The article's full text as HTML when the listing carries it (content:encoded, Atom content, content_html). */
  html?: string | undefined;
}

export interface Listing {
  items: ListedItem[];
  /** Sitemaps a sitemap index points to. */
  sitemaps: string[];
  /** How long the feed asks to be left alone (RSS <ttl>), in seconds. */
  ttlSeconds?: number | undefined;
  /** Items beyond MAX_LISTED_ITEMS, not taken. */
  dropped: number;
}

/** A listing with more items than this (a feed of 50,000) is cut, and the cut reported. */
export const MAX_LISTED_ITEMS = 20_000;

export function parseListing(text: string, kind: 'feed' | 'sitemap', url: string): Listing {
  const listing = kind === 'feed' ? parseFeedText(text, url) : parseSitemap(text, url);
  const unique = new Map<string, ListedItem>();
  for (const item of listing.items) if (!unique.has(item.url)) unique.set(item.url, item);
  const items = [...unique.values()];
  return { ...listing, items: items.slice(0, MAX_LISTED_ITEMS), dropped: Math.max(0, items.length - MAX_LISTED_ITEMS) };
}

type Raw = Record<string, unknown>;

function parseFeedText(text: string, url: string): Omit<Listing, 'dropped'> {
  const trimmed = text.trimStart();
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(trimmed.startsWith('{') ? (JSON.parse(trimmed) as object) : text);
  } catch (error) {
    if (/^(<!doctype html|<html)/i.test(trimmed)) throw new InputError(url, 'an HTML page, not a feed (RSS, Atom, RDF or JSON Feed); for a sitemap use --sitemap');
    const name = (error as Error).name;
    if (name === 'DetectError') throw new InputError(url, 'not a feed: neither RSS, Atom, RDF nor JSON Feed');
    throw new InputError(url, `malformed feed: ${(error as Error).message}`);
  }
  const resolve = (link: unknown) => absolute(link, url);
  const feed = parsed.feed as Raw;
  const items: ListedItem[] = [];
  if (parsed.format === 'atom') {
    for (const e of list(feed.entries) as Raw[]) {
      const links = list(e.links) as Raw[];
      const link = resolve((links.find((l) => l.rel === undefined || l.rel === 'alternate') ?? links[0])?.href);
      const content = e.content as Raw | undefined;
      if (link) items.push({ url: link, stamp: str(e.updated) ?? str(e.published), title: str((e.title as Raw)?.value), date: str(e.published) ?? str(e.updated), tags: (list(e.categories) as Raw[]).map((c) => str(c.label) ?? str(c.term)).filter(isString), summary: str((e.summary as Raw)?.value), html: content && content.type !== 'text' ? str(content.value) : undefined });
    }
  } else if (parsed.format === 'json') {
    for (const i of list(feed.items) as Raw[]) {
      const link = resolve(i.url ?? i.external_url);
      if (link) items.push({ url: link, stamp: str(i.date_modified) ?? str(i.date_published), title: str(i.title), date: str(i.date_published), tags: list(i.tags).filter(isString), summary: str(i.summary), html: str(i.content_html) });
    }
  } else {
    // RSS 2.0 and RDF (RSS 1.0) items share these fields; RDF keeps dates and subjects in Dublin Core.
    for (const i of list(feed.items) as Raw[]) {
      const guid = i.guid as Raw | undefined;
      const link = resolve(i.link ?? (guid && guid.isPermaLink !== false ? guid.value : undefined) ?? (i.rdf as Raw | undefined)?.about);
      const dc = (i.dc ?? {}) as Raw;
      const date = str(i.pubDate) ?? str(list(dc.dates)[0]) ?? str(dc.date);
      const tags = [...(list(i.categories) as Raw[]).map((c) => str(c.name)), ...list(dc.subjects).map(str)].filter(isString);
      if (link) items.push({ url: link, stamp: date, title: str(i.title), date, tags, summary: str(i.description), html: str((i.content as Raw | undefined)?.encoded) });
    }
  }
  const ttl = typeof feed.ttl === 'number' ? feed.ttl * 60 : undefined;
  return { items, sitemaps: [], ttlSeconds: ttl };
}

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'url' || name === 'sitemap' });

function parseSitemap(text: string, url: string): Omit<Listing, 'dropped'> {
  let doc: Raw;
  try {
    doc = xml.parse(text, true) as Raw;
  } catch (error) {
    throw new InputError(url, `malformed sitemap XML: ${(error as Error).message.split('\n')[0]}`);
  }
  const index = doc.sitemapindex as Raw | undefined;
  if (index) return { items: [], sitemaps: (list(index.sitemap) as Raw[]).map((s) => absolute(s.loc, url)).filter(isString) };
  const urlset = doc.urlset as Raw | undefined;
  if (!urlset) throw new InputError(url, 'not a sitemap: no <urlset> or <sitemapindex>');
  const items: ListedItem[] = [];
  for (const entry of list(urlset.url) as Raw[]) {
    const loc = absolute(entry.loc, url);
    if (!loc) continue;
    const news = (entry.news ?? {}) as Raw;
    const date = str(news.publication_date);
    items.push({ url: loc, stamp: str(entry.lastmod) ?? date, title: str(news.title), date, tags: typeof news.keywords === 'string' ? news.keywords.split(',').map((k) => k.trim()).filter(Boolean) : [] });
  }
  return { items, sitemaps: [] };
}

function absolute(link: unknown, base: string): string | undefined {
  const text = str(link);
  if (!text) return undefined;
  try {
    const resolved = new URL(text, base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : undefined;
  } catch {
    return undefined;
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

function str(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
