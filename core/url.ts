/**
 * An article link that is safe to hand to any client: an absolute http(s) URL or a path on this
 * site (`/…`, not the protocol-relative `//host`). `javascript:`, `data:` and the like never are.
 */
export function isSafeArticleUrl(url: string): boolean {
  if (url.startsWith('/')) return !url.startsWith('//') && !url.startsWith('/\\');
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The reader page the server renders for an article (the link of articles without a safe url). */
export function readerPageUrl(articleId: string): string {
  return `/articles/${encodeURIComponent(articleId)}`;
}

/** The article's own link when it is safe, else its reader page: what any response may carry. */
export function safeArticleUrl(url: string | undefined, articleId: string): string {
  return url !== undefined && isSafeArticleUrl(url) ? url : readerPageUrl(articleId);
}

/**
 * WEB_ALLOW_HOSTS matching: `example.com` is that host on any port, `example.com:8080` that port
 * only, `.example.com` the domain and its subdomains. Host names compare as the URL parser
 * normalised them (lower case, IPv6 in brackets).
 */
export function hostAllowed(allowed: readonly string[], url: URL): boolean {
  return allowed.some((entry) => {
    if (entry.startsWith('.')) return url.hostname === entry.slice(1) || url.hostname.endsWith(entry);
    return /:\d+$/.test(entry) ? url.host === entry : url.hostname === entry;
  });
}
