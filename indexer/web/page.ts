/**
 * An article page (or a feed item's full text) → ParsedArticle, through the HTML parser files use
 * (indexer/parse/html.ts), so sections and anchors come out exactly as for the same page saved
 * as a file. A page that marks its article (<article> or <main>) is read as such: the site has
 * said where the text is, and that is what a file of the page gives. A page without either goes
 * through Mozilla's Readability (on a linkedom DOM) to find the main text with its headings first.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { InputError } from '../../core/errors.js';
import { parseHtml } from '../parse/html.js';
import { isoDate } from '../parse/body.js';
import type { ParsedArticle } from '../parse/types.js';
import type { ListedItem } from './listing.js';

const MARKED_ARTICLE = /<(article|main)[\s>]/i;

export function articleFromPage(html: string, url: string, listed: ListedItem | undefined): ParsedArticle {
  const parsed = MARKED_ARTICLE.test(html) ? parseHtml(html, url) : parseHtml(readableHtml(html, url), url);
  return withListed(parsed, url, listed);
}

/** A feed item that carries the article's full text: no page fetch. */
export function articleFromListed(listed: ListedItem & { html: string }): ParsedArticle {
  const title = listed.title ? `<title>${escapeHtml(listed.title)}</title>` : '';
  return withListed(parseHtml(`<html><head>${title}</head><body><article>${listed.html}</article></body></html>`, listed.url), listed.url, listed);
}

/** Readability's main text, under the page's own <head> (title, canonical link, dates, tags). */
function readableHtml(html: string, url: string): string {
  const { document } = parseHTML(html);
  const head = document.head?.innerHTML ?? '';
  const h1 = document.querySelector('h1')?.textContent?.trim();
  const found = new Readability(document as unknown as Document).parse();
  if (!found?.content || (found.textContent ?? '').trim().length < 80) throw new InputError(url, 'not an article: no main text found on the page');
  const { document: content } = parseHTML(`<html><body>${found.content}</body></html>`);
  // Readability turns the page's <h1> into an <h2>; it is the title, not a section.
  const first = content.querySelector('h2');
  if (first && h1 && first.textContent?.trim() === h1) first.remove();
  const heading = h1 ?? found.title;
  return `<html><head>${head}</head><body><article>${heading ? `<h1>${escapeHtml(heading)}</h1>` : ''}${content.body.innerHTML}</article></body></html>`;
}

/** What the page lacks, the listing may say: its date, its tags, its link. */
function withListed(parsed: ParsedArticle, url: string, listed: ListedItem | undefined): ParsedArticle {
  const tags = new Map<string, string>();
  for (const tag of [...parsed.tags, ...(listed?.tags ?? [])]) if (!tags.has(tag.toLowerCase())) tags.set(tag.toLowerCase(), tag);
  return {
    ...parsed,
    url: parsed.url ?? url,
    date: parsed.date ?? listedDate(listed?.date),
    tags: [...tags.values()],
    summary: parsed.summary ?? listed?.summary?.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim(),
  };
}

/** ISO dates, and the RFC 822 dates of RSS (`Mon, 07 Dec 2026 10:00:00 GMT`). */
function listedDate(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (isoDate(value) ?? isoDate(new Date(value)));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
