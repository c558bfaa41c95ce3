/** The seed .txt format (articles/) → ParsedArticle. */
import { cleanText } from '../../core/text/normalize.js';
import { InputError } from '../../core/errors.js';
import { extractBodyMetadata, isoDate } from './body.js';
import type { ParsedArticle } from './types.js';

const HEADER = /^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.+?))?\s*$/u;

/** True when the text starts like the seed format (used to sniff stdin and unknown extensions). */
export function looksLikeSeedText(text: string): boolean {
  return HEADER.test(text.split('\n', 1)[0] ?? '');
}

/**
 * The newsroom text format of the seed article:
 *   ` date 2026-02-13 Ричмонд` / title line / paragraphs, one per line, blank lines between.
 */
export function parseSeedText(text: string, origin: string): ParsedArticle {
  const lines = cleanText(text).split(/\r?\n/);
  const headerAt = lines.findIndex((line) => line.trim() !== '');
  const header = HEADER.exec(lines[headerAt] ?? '');
  if (!header) {
    throw new InputError(`${origin}:${headerAt + 1}`, 'expected the first line to be `date YYYY-MM-DD <place>`');
  }
  const [, date, headerPlace] = header;
  const body = lines.slice(headerAt + 1).map((line) => line.trim());
  const titleAt = body.findIndex((line) => line !== '');
  if (titleAt < 0) throw new InputError(origin, 'no title line after the date line');
  const title = body[titleAt]!;

  const meta = extractBodyMetadata(body.slice(titleAt + 1).filter((line) => line !== ''));
  if (meta.paragraphs.length === 0) throw new InputError(origin, 'the article has a title but no text');
  return {
    title,
    url: undefined,
    slug: undefined,
    date: isoDate(date),
    tags: [],
    place: meta.place ?? headerPlace,
    agency: meta.agency,
    source: meta.source,
    paragraphs: meta.paragraphs,
  };
}
