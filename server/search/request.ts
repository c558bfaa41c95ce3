import { z } from 'zod';
import { ParameterError } from '../../core/errors.js';

export const MAX_QUERY_CHARS = 512;

export interface SearchRequest {
  q: string;
  limit: number;
}

const schema = z.object({
  q: z.string().max(MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`).default(''),
  limit: z.coerce
    .number({ error: 'must be an integer from 1 to 50' })
    .int('must be an integer from 1 to 50')
    .min(1, 'must be an integer from 1 to 50')
    .max(50, 'must be an integer from 1 to 50')
    .default(10),
});

const KNOWN = new Set(Object.keys(schema.shape));

/** req.query → SearchRequest, or a ParameterError naming the first bad parameter. */
export function parseSearchRequest(raw: Record<string, unknown>): SearchRequest {
  for (const [name, value] of Object.entries(raw)) {
    if (!KNOWN.has(name)) throw new ParameterError(name.slice(0, 64), 'unknown parameter');
    if (typeof value !== 'string') throw new ParameterError(name, 'must be given once, as a plain value');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ParameterError(String(issue.path[0] ?? 'request'), issue.message);
  }
  return parsed.data;
}
