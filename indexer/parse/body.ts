import { cleanText } from '../../core/text/normalize.js';
import { parseDateline, parseSourceLine } from '../metadata.js';

/** A paragraph of body text; `heading` when the source marks it as one (Markdown `#`, HTML `<h2>`). */
export interface Block {
  text: string;
  heading: boolean;
}

/** Metadata that news bodies carry in their text rather than in fields. */
export interface BodyMetadata {
  place: string | undefined;
  agency: string | undefined;
  source: string | undefined;
  paragraphs: string[];
  /** Positions of the marked headings in `paragraphs`. */
  headingIndexes: number[];
}

/**
 * Take the «Источник: …» line out of the text (it is metadata, not prose) and read the dateline
 * («МИНСК, 13 фев — Sputnik.») of the first paragraph, which stays in the text.
 */
export function extractBodyMetadata(blocks: readonly (Block | string)[]): BodyMetadata {
  let source: string | undefined;
  const paragraphs: string[] = [];
  const headingIndexes: number[] = [];
  for (const block of blocks) {
    const { text, heading } = typeof block === 'string' ? { text: block, heading: false } : block;
    const sourceLine = heading ? undefined : parseSourceLine(text);
    if (sourceLine !== undefined && source === undefined) {
      source = sourceLine;
      continue;
    }
    if (heading) headingIndexes.push(paragraphs.length);
    paragraphs.push(text);
  }
  const firstProse = paragraphs.find((_, i) => !headingIndexes.includes(i));
  const dateline = firstProse === undefined ? undefined : parseDateline(firstProse);
  return { place: dateline?.place, agency: dateline?.agency, source, paragraphs, headingIndexes };
}

/** The «Также по теме» (related article) widget: its header line and the teaser lines after it. */
const RELATED_HEADER = /^\s*(Также по теме|Читайте также|Смотрите также)\s*:?\s*$/iu;
/** Embedded player/analytics code that leaked into the text of scraped pages. */
const CODE_LINE = /[{};]\s*$|^\s*(?:if\s*\(|for\s*\(|var |function\b|jwplayer)/u;
const SENTENCE_END = /[.!?…»"”)]$/u;
const MAX_CAPTION_CHARS = 200;

/**
 * Plain article text (one paragraph per line, as in JSON `content`) → paragraphs. Scraped news
 * marks embedded material by indenting it: photo captions, photo credits, «Также по теме» teasers.
 * Those are dropped (they are not the article's prose and would pollute sections); an indented
 * line that reads like prose (ends a sentence, or is long) is kept as a paragraph.
 */
export function plainTextToParagraphs(content: string): string[] {
  const lines = cleanText(content).split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const text = raw.trim();
    if (text === '' || CODE_LINE.test(text)) continue;
    if (RELATED_HEADER.test(text)) {
      while (i + 1 < lines.length && /^\s/.test(lines[i + 1]!)) i++;
      continue;
    }
    const indented = /^\s/.test(raw);
    if (indented && text.length <= MAX_CAPTION_CHARS && !SENTENCE_END.test(text)) continue;
    out.push(text.replace(/\s+/g, ' '));
  }
  return out;
}

/** Accept `YYYY-MM-DD…` (ISO date or date-time) or a Date, and return `YYYY-MM-DD` when valid. */
export function isoDate(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
  if (!match) return undefined;
  const d = new Date(`${match[1]}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(match[1]!) ? match[1] : undefined;
}

/** Tags/keywords as a clean, de-duplicated list from an array or a comma-separated string. */
export function tagList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  const tags = items.filter((t): t is string | number => typeof t === 'string' || typeof t === 'number');
  return [...new Set(tags.map((t) => cleanText(String(t)).trim()).filter(Boolean))];
}

/** A metadata value as trimmed text (numbers and YAML dates accepted), or undefined when empty. */
export function stringField(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = cleanText(String(value)).replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text;
}
