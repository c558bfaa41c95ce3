/** Blocks of an article body → paragraphs and metadata (date, tags, url) found in the text. */
import { cleanText } from '../../core/text/normalize.js';
import { parseDateline, parseSourceLine } from '../metadata.js';
import { isCodeLine } from './code-lines.js';

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
/**
 * Remains of embedded social posts: a bare link, the author line «— Name (@handle)», «Публикация
 * от …», and the post's timestamp on a line of its own («October 2, 2017», «Апр 25 2017 в 2:23 PDT»).
 */
const EMBED_LINE = new RegExp(
  [
    String.raw`^pic\.twitter\.com/\S+$`,
    String.raw`^https?://\S+$`,
    String.raw`\(@[\w.]+\)$`,
    String.raw`^(?:Публикация от|A post shared by) `,
    String.raw`^На страницу галереи$`,
    String.raw`^\p{L}{3,9}\.? \d{1,2},? \d{4}(?: (?:в|at) \d{1,2}:\d{2}(?: ?[AP]M)?(?: [A-Z]{2,4})?)?$`,
    String.raw`^\d{1,2} \p{L}{3,9}\.? \d{4}(?: (?:г\.|года))?$`,
  ].join('|'),
  'u',
);
const SENTENCE_END = /[.!?…»"”)]$/u;
/** A line that cannot start a paragraph: it continues the previous one (lower case, closing punctuation). */
const CONTINUES = /^[\p{Ll})\]»”,.;:!?…]/u;
/** A line that cannot end a paragraph: it stops on an opening bracket, a dash or a comma. */
const OPEN_END = /[(«„“"—–,:-]$/u;
const MAX_CAPTION_CHARS = 200;

/**
 * Plain article text (one paragraph per line, as in JSON `content`) → paragraphs. Scraped news
 * marks embedded material by indenting it: photo captions, photo credits, «Также по теме» teasers.
 * Those are dropped (they are not the article's prose and would pollute sections); an indented
 * line that reads like prose (ends a sentence, or is long) is kept. Lines broken mid-sentence
 * (where a link or a name was cut out) are joined back into one paragraph.
 */
export function plainTextToParagraphs(content: string): string[] {
  return plainTextBody(content).paragraphs;
}

/** plainTextToParagraphs, and how many lines were dropped as embedded code (reported to the editor). */
export function plainTextBody(content: string): { paragraphs: string[]; codeLinesDropped: number } {
  const { kept, codeLinesDropped } = keptLines(cleanText(content).split(/\r?\n/));
  const out: string[] = [];
  let openEnd = false;
  kept.forEach(({ raw, text }, i) => {
    if (out.length > 0 && (openEnd || CONTINUES.test(text))) {
      const previous = out.pop()!;
      out.push(/^[)\]»”,.;:!?…]/u.test(text) ? `${previous}${text}` : `${previous} ${text}`);
    } else {
      out.push(text);
    }
    openEnd = OPEN_END.test(text) || isCutAroundLink(raw, kept[i + 2]?.text);
  });
  return { paragraphs: out, codeLinesDropped };
}

/** The lines that are article prose (or headings), with their raw form for the spacing clues. */
function keptLines(lines: readonly string[]): { kept: { raw: string; text: string }[]; codeLinesDropped: number } {
  const kept: { raw: string; text: string }[] = [];
  let codeLinesDropped = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const text = raw.replace(/\s+/g, ' ').trim();
    if (text === '' || EMBED_LINE.test(text)) continue;
    if (isCodeLine(text)) {
      codeLinesDropped++;
      continue;
    }
    if (RELATED_HEADER.test(text)) {
      while (i + 1 < lines.length && /^\s/.test(lines[i + 1]!)) i++;
      continue;
    }
    const indented = /^\s/.test(raw);
    if (indented && text.length <= MAX_CAPTION_CHARS && !SENTENCE_END.test(text)) continue;
    kept.push({ raw, text });
  }
  return { kept, codeLinesDropped };
}

/**
 * «… на период правления », «Екатерины II», «, которая …»: the page had a link in the middle of a
 * sentence and the scrape put the link text on its own line. The trailing space of the first
 * part and a continuation two lines down give it away.
 */
function isCutAroundLink(raw: string, afterNext: string | undefined): boolean {
  return /\S\s$/.test(raw) && afterNext !== undefined && CONTINUES.test(afterNext);
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
