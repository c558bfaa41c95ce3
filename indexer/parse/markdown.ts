/** Markdown article (front matter, headings) → ParsedArticle. */
import matter from 'gray-matter';
import { cleanText } from '../../core/text/normalize.js';
import { InputError } from '../../core/errors.js';
import { extractBodyMetadata, isoDate, tagList, stringField, type Block } from './body.js';
import type { ParsedArticle } from './types.js';

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/u;
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/u;

/**
 * Markdown with optional YAML front matter (`title`, `date`, `url`, `slug`, `tags`/`keywords`).
 * `#`, `##` and `###` headings start sections; the first `#` heading is the title when the front
 * matter has none. Inline markup is reduced to its text.
 */
export function parseMarkdown(text: string, origin: string): ParsedArticle {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // gray-matter caches by input string; a fresh options object disables that shared cache.
    parsed = matter(cleanText(text), {});
  } catch (error) {
    throw new InputError(origin, `invalid front matter: ${(error as Error).message.split('\n')[0]}`);
  }
  const data = parsed.data as Record<string, unknown>;
  const blocks = markdownBlocks(parsed.content);
  let title = stringField(data.title);
  if (title === undefined) {
    const first = blocks.findIndex((b) => b.heading);
    if (first >= 0) title = blocks.splice(first, 1)[0]!.text;
  }
  if (!title) throw new InputError(origin, 'no title (front matter `title` or a `#` heading)');

  const meta = extractBodyMetadata(blocks);
  if (meta.paragraphs.length === meta.headingIndexes.length) throw new InputError(origin, 'the article has a title but no text');
  return {
    title,
    url: stringField(data.url),
    slug: stringField(data.slug) ?? stringField(data.id),
    date: isoDate(data.date),
    tags: tagList(data.tags ?? data.keywords),
    place: stringField(data.place) ?? meta.place,
    agency: stringField(data.agency) ?? meta.agency,
    source: stringField(data.source) ?? meta.source,
    summary: stringField(data.summary) ?? stringField(data.description),
    paragraphs: meta.paragraphs,
    headingIndexes: meta.headingIndexes,
  };
}

/** Paragraphs (blank-line separated, soft breaks joined), headings and list items as blocks. */
function markdownBlocks(content: string): Block[] {
  const blocks: Block[] = [];
  let lines: string[] = [];
  let inFence = false;
  const flush = () => {
    if (lines.length > 0) blocks.push({ text: inline(lines.join(' ')), heading: false });
    lines = [];
  };
  for (const raw of content.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      flush();
      continue;
    }
    if (inFence) continue;
    const heading = HEADING.exec(raw);
    if (heading && heading[1]!.length <= 3) {
      flush();
      blocks.push({ text: inline(heading[2]!), heading: true });
    } else if (heading) {
      flush();
      blocks.push({ text: inline(heading[2]!), heading: false });
    } else if (raw.trim() === '' || /^\s*([-*_])(\s*\1){2,}\s*$/.test(raw)) {
      flush();
    } else if (LIST_ITEM.test(raw)) {
      flush();
      lines.push(raw.replace(LIST_ITEM, ''));
    } else {
      lines.push(raw.replace(/^\s*>\s?/, ''));
    }
  }
  flush();
  return blocks.filter((b) => b.text !== '');
}

/** Links and images keep their text, emphasis and code marks go. */
function inline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}
