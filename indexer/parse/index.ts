import type { Article } from '../../core/document.js';
import { articleIdFromContent, articleIdFromName, articleIdFromUrl } from '../identity.js';
import { splitSections } from '../sections.js';
import type { ParsedArticle } from './types.js';

/**
 * A parsed article → an Article with its id (see identity.ts for the rule) and sections.
 * `fileName` is given only when the file holds one article, so the name can identify it.
 */
export function toArticle(parsed: ParsedArticle, origin: string, fileName: string | undefined, sourceHash: string): Article {
  const name = parsed.slug ?? fileName;
  const id = parsed.url
    ? articleIdFromUrl(parsed.url)
    : name
      ? articleIdFromName(name)
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
    summary: parsed.summary,
    origin,
    sourceHash,
    sections: splitSections(parsed.title, parsed.paragraphs, parsed.headingIndexes),
  };
}
