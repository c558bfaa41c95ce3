/** JSON and JSON Lines records → ParsedArticle, with line-numbered errors. */
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { extractBodyMetadata, isoDate, plainTextBody, stringField, tagList } from './body.js';
import type { ParsedArticle } from './types.js';

/** One article as a JSON object: the layout of ../shared/corpus/*.jsonl.gz, plus optional extras. */
const articleRecord = z.looseObject({
  title: z.string().trim().min(1, 'must be a non-empty string'),
  content: z.string().trim().min(1, 'must be a non-empty string'),
  url: z.string().optional().nullable(),
  id: z.union([z.string(), z.number()]).optional().nullable(),
  slug: z.string().optional().nullable(),
  date: z.string().optional().nullable(),
  summary: z.string().optional().nullable(),
  keywords: z.union([z.array(z.unknown()), z.string()]).optional().nullable(),
  tags: z.union([z.array(z.unknown()), z.string()]).optional().nullable(),
  source: z.string().optional().nullable(),
  place: z.string().optional().nullable(),
  agency: z.string().optional().nullable(),
});

/** Parse one JSON text (a line, or a whole .json file's element) into records or throw naming `origin`. */
export function parseJsonText(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(origin, `malformed JSON: ${(error as Error).message}`);
  }
}

/** A decoded JSON value → article; `content` keeps line structure (one paragraph per line). */
export function parseJsonRecord(value: unknown, origin: string): ParsedArticle {
  const result = articleRecord.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? `field \`${issue.path.join('.')}\`` : 'record';
    const reason = issue.code === 'invalid_type' && issue.path.length === 0 ? 'expected a JSON object' : `${field}: ${issue.message}`;
    throw new InputError(origin, reason);
  }
  const record = result.data;
  const { paragraphs, codeLinesDropped } = plainTextBody(record.content);
  const body = extractBodyMetadata(paragraphs);
  if (body.paragraphs.length === 0) throw new InputError(origin, 'field `content` has no text');
  return {
    title: stringField(record.title)!,
    url: stringField(record.url),
    slug: stringField(record.slug) ?? stringField(record.id),
    date: isoDate(record.date),
    tags: tagList(record.tags ?? record.keywords),
    place: stringField(record.place) ?? body.place,
    agency: stringField(record.agency) ?? body.agency,
    source: stringField(record.source) ?? body.source,
    summary: stringField(record.summary),
    paragraphs: body.paragraphs,
    ...(codeLinesDropped > 0 ? { notes: [`${codeLinesDropped} line(s) of embedded script/style code dropped from \`content\``] } : {}),
  };
}

/** A whole .json file: one article object or an array of them. */
export function parseJsonDocument(text: string, origin: string): { value: unknown; origin: string }[] {
  const value = parseJsonText(text, origin);
  return Array.isArray(value) ? value.map((item, i) => ({ value: item, origin: `${origin}[${i}]` })) : [{ value, origin }];
}
