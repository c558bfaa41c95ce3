/** Query-string or JSON parameters → a validated SearchRequest (zod), errors naming the parameter. */
import { z } from 'zod';
import type { GroupBy, SortOrder } from '../../core/api.js';
import { MAX_QUERY_CHARS, MAX_TAG_CHARS } from '../../core/query-length.js';
import { ParameterError } from '../../core/errors.js';

export const MAX_LIMIT = 50;
export const MAX_OFFSET = 1000;
const ARTICLE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** A validated search request, with defaults applied. */
export interface SearchRequest {
  q: string;
  limit: number;
  offset: number;
  article?: string | undefined;
  tag?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  sort: SortOrder;
  group: GroupBy;
  /** Search exactly what was typed: no keyboard-layout or transliteration correction. */
  exact: boolean;
}

/**
 * Where the parameters came from. A query string has only text, so integers and booleans arrive as
 * text and are read as such (`limit=5`, `exact=1`); a JSON body has types, and the OpenAPI document
 * says `integer` and `boolean`: there `"5"` and `"true"` are refused, naming the parameter.
 */
export type ParameterSource = 'query' | 'json';

/** From a query string digits only (`1e1`, `0x10`, ` 5` are refused); from JSON a number. */
function integer(min: number, max: number, fallback: number, source: ParameterSource) {
  const reason = `must be an integer from ${min} to ${max}`;
  const typed = source === 'json' ? z.number({ error: `${reason} (a JSON number, not text)` }) : z.union([z.number(), z.string().regex(/^-?\d{1,9}$/).transform(Number)], { error: reason });
  return typed.pipe(z.number().int(reason).min(min, reason).max(max, reason)).default(fallback);
}

function boolean(source: ParameterSource) {
  if (source === 'json') return z.boolean({ error: 'must be `true` or `false` (a JSON boolean, not text)' }).default(false);
  return z
    .union([z.boolean(), z.enum(['1', '0', 'true', 'false'])], { error: 'must be `1`, `0`, `true` or `false`' })
    .transform((v) => v === true || v === '1' || v === 'true')
    .default(false);
}

/** `2025-02-30` has the right shape but is not a day; zod runs this even after a failed regex. */
function isCalendarDate(d: string): boolean {
  const time = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(d);
}

const isoDate = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a real calendar date YYYY-MM-DD')
  .optional();

const schemaFor = (source: ParameterSource) =>
  z.object({
    // zod's max() counts code points, the unit of core/query-length.ts and of the OpenAPI maxLength.
    q: z.string({ error: 'must be text' }).max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`).default(''),
    limit: integer(1, MAX_LIMIT, 10, source),
    offset: integer(0, MAX_OFFSET, 0, source),
    article: z.string({ error: 'must be an article id' }).regex(ARTICLE_ID, 'must be an article id (1–128 letters, digits, - and _)').optional(),
    tag: z.string({ error: 'must be text' }).min(1, 'must not be empty').max(MAX_TAG_CHARS, `must be at most ${MAX_TAG_CHARS} characters`).optional(),
    from: isoDate,
    to: isoDate,
    sort: z.enum(['relevance', 'date'], { error: 'must be `relevance` or `date`' }).default('relevance'),
    group: z.enum(['section', 'article'], { error: 'must be `section` or `article`' }).default('section'),
    exact: boolean(source),
  });
const SCHEMAS = { query: schemaFor('query'), json: schemaFor('json') };
export const SEARCH_PARAMETERS: readonly string[] = Object.keys(SCHEMAS.query.shape);
const KNOWN = new Set(SEARCH_PARAMETERS);

/**
 * `req.query` (GET, source `query`) or the JSON body (POST, source `json`) → SearchRequest, or a ParameterError naming the first
 * bad parameter. Repeated parameters (`q=a&q=b` parses to an array), nested values and unknown
 * names are refused rather than guessed at.
 */
export function parseSearchRequest(raw: unknown, source: ParameterSource = 'query'): SearchRequest {
  if (raw === undefined) raw = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ParameterError('body', 'must be a JSON object of search parameters');
  }
  for (const [name, value] of Object.entries(raw)) {
    if (!KNOWN.has(name)) throw new ParameterError(printable(name), `unknown parameter; expected one of ${SEARCH_PARAMETERS.join(', ')}`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ParameterError(name, 'must be given once, as a plain value');
    }
    if (typeof value === 'string') assertWellFormed(name, value);
  }
  const parsed = SCHEMAS[source].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParameterError(String(issue.path[0] ?? 'request'), issue.message);
  }
  // `from` after `to` is a valid request (the OpenAPI document cannot forbid it) that matches nothing.
  return parsed.data;
}

/**
 * JSON can carry a lone surrogate (`"\ud800"`), which is no character at all: the engine refuses
 * such text with an error we would otherwise pass on as a 502. Refused here, naming the parameter.
 */
export function assertWellFormed(name: string, value: string): void {
  if (LONE_SURROGATE.test(value)) throw new ParameterError(name, 'contains a lone surrogate (ill-formed UTF-16); send well-formed Unicode text');
}

/** In a `u` regex a surrogate pair is one code point, so only unpaired halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Parameter names are echoed in errors: keep them short and free of control characters. */
function printable(name: string): string {
  return name.replace(/[^\p{L}\p{N}\p{P}\p{S} ]/gu, '?').slice(0, 64);
}
