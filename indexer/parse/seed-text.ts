import { cleanText } from '../../core/text/normalize.js';
import { InputError } from '../../core/errors.js';
import { parseDateline, parseSourceLine } from '../metadata.js';
import type { ParsedArticle } from './types.js';

const HEADER = /^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.+?))?\s*$/u;

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

  let source: string | undefined;
  const paragraphs: string[] = [];
  for (const line of body.slice(titleAt + 1)) {
    if (line === '') continue;
    const sourceLine = parseSourceLine(line);
    if (sourceLine !== undefined && source === undefined) source = sourceLine;
    else paragraphs.push(line);
  }
  if (paragraphs.length === 0) throw new InputError(origin, 'the article has a title but no text');
  const dateline = parseDateline(paragraphs[0]!);
  return {
    title,
    url: undefined,
    slug: undefined,
    date: isValidDate(date!) ? date : undefined,
    tags: [],
    place: dateline?.place ?? headerPlace,
    agency: dateline?.agency,
    source,
    paragraphs,
  };
}

function isValidDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso);
}
