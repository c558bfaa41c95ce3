import type { Segment } from '../../core/api.js';

/**
 * Only http(s) links may become hrefs; relative urls (the API's `/articles/…`) resolve against the
 * API's origin, not the embedding page's, because that is where the article pages live.
 */
export function safeHref(url: string, base: string): string | undefined {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The first highlighted run of the snippet: the phrase the reader is looking for. */
export function matchedPhrase(segments: readonly Segment[]): string | undefined {
  const phrase = segments.find((s) => s.highlight)?.text.trim();
  return phrase ? phrase : undefined;
}

/**
 * Adds a text fragment (`#anchor:~:text=phrase`) so the browser scrolls to and highlights the match
 * inside the section. `-`, `&` and `,` are syntax in text directives, so they are percent-encoded too.
 */
export function withTextFragment(href: string, phrase: string | undefined): string {
  if (!phrase) return href;
  const encoded = encodeURIComponent(phrase).replace(/-/g, '%2D');
  return `${href}${href.includes('#') ? '' : '#'}:~:text=${encoded}`;
}

/**
 * Links to the server's own article pages (`/articles/<id>` on the API's origin) carry the query as
 * `?highlight=`, so the page marks the words even in browsers without text fragments.
 */
export function withHighlight(href: string, base: string, query: string): string {
  const url = new URL(href);
  if (!query || url.origin !== new URL(base).origin || !/^\/articles\/[^/]+$/.test(url.pathname)) return href;
  url.searchParams.set('highlight', query);
  return url.href;
}
