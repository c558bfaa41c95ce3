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
