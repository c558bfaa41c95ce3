/** The widget's report body (core/analytics-report.ts), checked field by field: 400 names the field. */
import { z } from 'zod';
import type { AnalyticsReport } from '../../core/analytics-report.js';
import { ParameterError } from '../../core/errors.js';
import { codePointLength, MAX_QUERY_CHARS } from '../../core/query-length.js';

/** Lengths in characters (code points), the unit of the OpenAPI document's maxLength and of the search's own limit. */
const text = (max: number) => z.string().refine((s) => s.length <= max || codePointLength(s) <= max, `at most ${max} characters`);
const schema = z
  .object({
    v: z.literal(1),
    q: text(MAX_QUERY_CHARS),
    filters: z
      .object({
        tag: text(200).optional(),
        from: text(10).optional(),
        to: text(10).optional(),
        sort: z.enum(['relevance', 'date']).optional(),
        group: z.enum(['section', 'article']).optional(),
        article: text(400).optional(),
      })
      .strict()
      .optional(),
    total: z.number().int().min(0).max(1e9),
    correction: z.object({ to: text(MAX_QUERY_CHARS), rejected: z.boolean() }).strict().optional(),
    click: z.object({ position: z.number().int().min(1).max(1050), id: text(600) }).strict().optional(),
    more: z.number().int().min(0).max(1000),
    prev: text(MAX_QUERY_CHARS).optional(),
    prevMissed: z.enum(['zero', 'no-click']).optional(),
    end: z.enum(['click', 'idle', 'leave']),
  })
  .strict();

/** The body's text as a report, or a ParameterError naming the first wrong field. */
export function parseReport(body: unknown): AnalyticsReport {
  if (typeof body !== 'string' || body.length === 0) throw new ParameterError('body', 'expected a JSON analytics report (core/analytics-report.ts) as text/plain');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ParameterError('body', 'not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new ParameterError(field, issue.message);
  }
  return parsed.data as AnalyticsReport;
}
