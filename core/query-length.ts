/**
 * The API's query length limit and how a client fits a query into it, shared by the server, the
 * widget and the benchmarks so they cannot drift apart. Its own module: the widget's entry needs it,
 * its lazy chunks import core/api.ts, and one shared module would make esbuild split a third chunk.
 */

/**
 * The longest `q`, in UTF-16 units. Long enough for a pasted paragraph: the dev set's editor
 * summaries run to 867 characters, and 86 of 300 are over 512, the limit until 2026-12-04 (refused
 * with 400 then). A query's work is bounded by terms and postings, not characters
 * (server/search/analyze.ts, server/ranking/params.ts). 1,500 Cyrillic characters percent-encoded
 * are ~9 KB of URL: within MAX_URL_BYTES (12 KiB) and Node's 16 KiB header cap, so a GET carries them.
 */
export const MAX_QUERY_CHARS = 1500;

/**
 * `q` cut to MAX_QUERY_CHARS after the last whole word that fits, as a search box does with a long
 * paste (the widget; the benchmarks with long summaries). Without a space to cut at, it cuts at the
 * limit, never between the halves of a surrogate pair (the API refuses ill-formed text).
 */
export function clipQuery(q: string): string {
  if (q.length <= MAX_QUERY_CHARS) return q;
  const cut = q.slice(0, MAX_QUERY_CHARS + 1);
  const space = cut.search(/\s\S*$/);
  return (space > 0 ? cut.slice(0, space) : cut.slice(0, MAX_QUERY_CHARS).replace(/[\uD800-\uDBFF]$/, '')).trim();
}
