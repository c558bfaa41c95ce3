/**
 * The API's query length limit and how a client fits a query into it, shared by the server, the
 * widget and the benchmarks so they cannot drift apart. Its own module: the widget's entry needs it,
 * its lazy chunks import core/api.ts, and one shared module would make esbuild split a third chunk.
 *
 * One unit everywhere: **code points** (characters as JSON Schema's `maxLength` counts them, and as
 * zod's `.max()` does), never UTF-16 units: an emoji is one character, for the validator, the
 * OpenAPI document, clipQuery() and the size limits below alike.
 */

/**
 * The longest `q`, in code points. Long enough for a pasted paragraph: the dev set's editor
 * summaries run to 867 characters, and 86 of 300 are over 512, the limit until 2026-12-04 (refused
 * with 400 then). A query's work is bounded by terms and postings, not characters
 * (server/search/analyze.ts, server/ranking/params.ts).
 */
export const MAX_QUERY_CHARS = 1500;
/** The longest `tag` filter, in code points. */
export const MAX_TAG_CHARS = 200;

/** The most bytes one code point takes: 4 UTF-8 bytes percent-encode to 12 bytes of URL; an astral one JSON-escapes as two `\uXXXX` (12 bytes). */
const MAX_BYTES_PER_CHAR = 12;
/** Room for everything else a search can carry: names, `article` (128), dates, numbers, enums (~260 bytes at most). */
const OTHER_PARAMETERS_BYTES = 1024;

/**
 * Request size defaults that carry any request the OpenAPI document allows (core/config.ts
 * MAX_URL_BYTES, MAX_BODY_BYTES): the longest `q` and `tag` of the widest characters, plus the
 * other parameters. Sized for code points: 1,500 emoji in a GET `q` were schema-valid but over the
 * old URL limit, sized for UTF-16 units (414 until 2026-12-07).
 */
export const DEFAULT_MAX_URL_BYTES = (MAX_QUERY_CHARS + MAX_TAG_CHARS) * MAX_BYTES_PER_CHAR + OTHER_PARAMETERS_BYTES;
export const DEFAULT_MAX_BODY_BYTES = DEFAULT_MAX_URL_BYTES;

/** Length in code points (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * `q` cut to MAX_QUERY_CHARS code points after the last whole word that fits, as a search box does
 * with a long paste (the widget; the benchmarks with long summaries). Without a space to cut at, it
 * cuts at the limit; a code point is never split (the API refuses ill-formed text).
 */
export function clipQuery(q: string): string {
  if (q.length <= MAX_QUERY_CHARS || codePointLength(q) <= MAX_QUERY_CHARS) return q;
  const chars = [...q];
  const cut = chars.slice(0, MAX_QUERY_CHARS + 1).join('');
  const space = cut.search(/\s\S*$/);
  return (space > 0 ? cut.slice(0, space) : chars.slice(0, MAX_QUERY_CHARS).join('')).trim();
}
