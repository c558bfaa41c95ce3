/**
 * The API's query length limit and how a client fits a query into it, shared by the server, the
 * widget and the benchmarks so they cannot drift apart. Its own module: the widget's entry needs it,
 * its lazy chunks import core/api.ts, and one shared module would make esbuild split a third chunk.
 */

/**
 * The longest `q`, in UTF-16 units. Long enough for a pasted paragraph: the dev set's editor
 * summaries run to 867 characters, and 86 of 300 are over 512, the limit until 2026-12-04 (refused
 * with 400 then). A query's work is bounded by terms and postings, not characters
 * (server/search/analyze.ts, server/ranking/params.ts).
 */
export const MAX_QUERY_CHARS = 1500;

/**
 * Request size defaults that carry any MAX_QUERY_CHARS query (core/config.ts MAX_URL_BYTES,
 * MAX_BODY_BYTES): a character percent-encodes to at most 9 bytes of URL (3 UTF-8 bytes: CJK,
 * typographic quotes, №) and JSON-escapes to at most 12 bytes (a surrogate pair as two \uXXXX), plus
 * room for the other parameters.
 */
export const DEFAULT_MAX_URL_BYTES = MAX_QUERY_CHARS * 9 + 2048;
export const DEFAULT_MAX_BODY_BYTES = MAX_QUERY_CHARS * 12 + 2048;

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
