/** ParsedArticle → Article: the one entry that validates and completes what any parser read. */
import type { Article } from '../../core/document.js';
import { articleIdFromContent, articleIdFromName, articleIdFromUrl } from '../identity.js';
import { splitSections } from '../sections.js';
import { isSafeArticleUrl, readerPageUrl } from '../../core/url.js';
import type { ParsedArticle } from './types.js';

/**
 * A parsed article → an Article with its id (see identity.ts for the rule) and sections.
 * `fileName` is given only when the file holds one article, so the name can identify it.
 */
export function toArticle(parsed: ParsedArticle, origin: string, fileName: string | undefined, sourceHash: string): Article {
  const notes = [...(parsed.notes ?? [])];
  const url = parsed.url !== undefined && !isSafeArticleUrl(parsed.url) ? dropUnsafeUrl(parsed.url, notes) : parsed.url;
  const name = parsed.slug ?? fileName;
  const id = url
    ? articleIdFromUrl(url)
    : name
      ? articleIdFromName(name)
      : articleIdFromContent(parsed.title, parsed.paragraphs.join('\n'));
  return {
    id,
    title: parsed.title,
    url: url ?? readerPageUrl(id),
    date: parsed.date,
    tags: parsed.tags,
    place: parsed.place,
    agency: parsed.agency,
    source: parsed.source,
    summary: parsed.summary,
    origin,
    sourceHash,
    sections: splitSections(parsed.title, parsed.paragraphs, parsed.headingIndexes),
    ...(notes.length > 0 ? { notes: notes.map((note) => `${origin}: ${note}`) } : {}),
  };
}

/** A `javascript:` or other non-web link would reach readers' browsers and API clients: dropped, and said. */
function dropUnsafeUrl(url: string, notes: string[]): undefined {
  const shown = url.length > 60 ? `${url.slice(0, 60)}…` : url;
  notes.push(`url ${JSON.stringify(shown)} dropped: only http(s) or site-relative links are kept (the article links to its reader page)`);
  return undefined;
}
