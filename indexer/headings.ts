/**
 * Is a line of an article a section heading? Real news text has no markup, so we decide from
 * the shape of the line and its neighbours.
 */
const MAX_HEADING_CHARS = 90;
const MAX_HEADING_WORDS = 12;
/** A heading never ends like a sentence or a clause. */
const SENTENCE_END = /[.!?…;,:—–-]$/;
const STARTS_UPPER = /^[«"„“(]?[\p{Lu}\p{N}]/u;
const STARTS_LOWER = /^[«"„“(]?\p{Ll}/u;

export function isHeading(line: string, next: string | undefined, previous: string | undefined): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_HEADING_CHARS) return false;
  if (next === undefined) return false;
  if (text.split(/\s+/).length > MAX_HEADING_WORDS) return false;
  if (!STARTS_UPPER.test(text)) return false;
  if (SENTENCE_END.test(text)) return false;
  // A quotation that is the whole line («…») is a heading; one that continues (« — сказал он») is not.
  if (/^[«"„“]/.test(text) && !/[»"”]$/.test(text)) return false;
  // The text continues in lower case: the line was broken mid-sentence.
  if (STARTS_LOWER.test(next.trim())) return false;
  // The previous line stopped mid-sentence, so this line finishes it.
  if (previous !== undefined && /[\p{L},]$/u.test(previous.trim()) && !SENTENCE_END.test(previous.trim())) {
    return false;
  }
  return true;
}
