/** Paragraphs → sections with headings and anchors (the deep links). */
import type { Section } from '../core/document.js';
import { uniqueAnchors } from './anchors.js';
import { isHeading } from './headings.js';

/** Reserved so that a heading titled «Lead» cannot collide with the lead section. */
export const LEAD_ANCHOR = 'lead';

/**
 * Split an article's paragraphs into sections. The text before the first heading is the lead;
 * its title is the article's title. Headings come from the source's markup when it has any
 * (`headingIndexes`), otherwise they are inferred from the shape of the lines (headings.ts).
 * Headings without text after them are dropped.
 */
export function splitSections(articleTitle: string, paragraphs: readonly string[], headingIndexes?: readonly number[]): Section[] {
  const marked = headingIndexes ? new Set(headingIndexes) : undefined;
  const headingAt = (i: number) => (marked ? marked.has(i) : isHeading(paragraphs[i]!, paragraphs[i + 1], paragraphs[i - 1]));
  const groups: { title: string; paragraphs: string[] }[] = [{ title: articleTitle, paragraphs: [] }];
  paragraphs.forEach((paragraph, i) => {
    if (headingAt(i)) groups.push({ title: paragraph.trim(), paragraphs: [] });
    else groups.at(-1)!.paragraphs.push(paragraph);
  });
  const kept = groups.filter((group, i) => i === 0 || group.paragraphs.length > 0);
  const anchors = [LEAD_ANCHOR, ...uniqueAnchors(kept.slice(1).map((g) => g.title), [LEAD_ANCHOR])];
  return kept
    .map((group, index) => ({ title: group.title, index, anchor: anchors[index]!, paragraphs: group.paragraphs }))
    // An article that opens with a heading has no lead text; its lead is kept only when it is all there is.
    .filter((section) => section.paragraphs.length > 0 || kept.length === 1);
}
