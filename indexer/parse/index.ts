import type { Article } from '../../core/document.js';
import { InputError } from '../../core/errors.js';
import { articleIdFromContent, articleIdFromName, articleIdFromUrl } from '../identity.js';
import { splitSections } from '../sections.js';
import { parseSeedText } from './seed-text.js';
import type { ParsedArticle } from './types.js';

/** One input: its bytes and where they came from. */
export interface SourceFile {
  /** Path or `-` for stdin; used as the file name for identity and in error messages. */
  origin: string;
  bytes: Buffer;
}

/** Decode, pick the parser by format and build articles with sections and ids. */
export function parseSource(file: SourceFile): Article[] {
  const text = decodeUtf8(file);
  const parsed = parseSeedText(text, file.origin);
  return [toArticle(parsed, file.origin, file.origin === '-' ? undefined : file.origin)];
}

export function toArticle(parsed: ParsedArticle, origin: string, fileName: string | undefined): Article {
  const id = parsed.url
    ? articleIdFromUrl(parsed.url)
    : parsed.slug || fileName
      ? articleIdFromName((parsed.slug ?? fileName)!)
      : articleIdFromContent(parsed.title, parsed.paragraphs.join('\n'));
  return {
    id,
    title: parsed.title,
    url: parsed.url ?? `/articles/${id}`,
    date: parsed.date,
    tags: parsed.tags,
    place: parsed.place,
    agency: parsed.agency,
    source: parsed.source,
    origin,
    sections: splitSections(parsed.title, parsed.paragraphs),
  };
}

function decodeUtf8(file: SourceFile): string {
  if (file.bytes.length === 0) throw new InputError(file.origin, 'the file is empty');
  if (file.bytes.subarray(0, 8192).includes(0)) throw new InputError(file.origin, 'binary file (contains NUL bytes)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file.bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new InputError(file.origin, 'not valid UTF-8');
  }
}
