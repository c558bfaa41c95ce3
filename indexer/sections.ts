import type { Section } from '../core/document.js';
import { uniqueAnchors } from './anchors.js';
import { isHeading } from './headings.js';

/** Reserved so that a heading titled «Lead» cannot collide with the lead section. */
export const LEAD_ANCHOR = 'lead';

/**
 * Split an article's paragraphs into sections. The text before the first heading is the lead;
 * its title is the article's title. Headings without text after them are dropped.
 */
export function splitSections(articleTitle: string, paragraphs: readonly string[]): Section[] {
  const groups: { title: string; paragraphs: string[] }[] = [{ title: articleTitle, paragraphs: [] }];
  paragraphs.forEach((paragraph, i) => {
    if (isHeading(paragraph, paragraphs[i + 1], paragraphs[i - 1])) {
      groups.push({ title: paragraph.trim(), paragraphs: [] });
    } else {
      groups.at(-1)!.paragraphs.push(paragraph);
    }
  });
  const kept = groups.filter((group, i) => i === 0 || group.paragraphs.length > 0);
  const anchors = [LEAD_ANCHOR, ...uniqueAnchors(kept.slice(1).map((g) => g.title), [LEAD_ANCHOR])];
  return kept
    .map((group, index) => ({ title: group.title, index, anchor: anchors[index]!, paragraphs: group.paragraphs }))
    .filter((section) => section.paragraphs.length > 0 || section.index === 0);
}
