/**
 * Is a line of an article a section heading? Plain news text has no markup, so we decide from
 * the shape of the line and its neighbours. The rules come from running the splitter over the
 * 8,800 real articles of ../shared/corpus (`npm run corpus:sections`) and reading what it found.
 */
const MAX_HEADING_CHARS = 90;
const MAX_HEADING_WORDS = 12;
/** A heading never ends like a sentence or a clause. */
const SENTENCE_END = /[.!?…;,:—–-]$/;
const STARTS_UPPER = /^[«"„“(]?[\p{Lu}\p{N}]/u;
const STARTS_LOWER = /^[«"„“(]?\p{Ll}/u;
/** The next line continues this one: lower case or closing punctuation. */
const CONTINUES = /^(?:[«"„“(]?\p{Ll}|[)\]»”,.;:!?…])/u;
/** Conjunctions and prepositions: a line ending in one stops mid-sentence. */
const DANGLING_WORD = /(?:^|\s)(?:и|а|но|или|в|во|на|с|со|к|ко|о|об|от|по|за|из|у|для|что|чтобы|как|который|которая|которые|не)$/iu;
const CYRILLIC = /[\u0400-\u04FF]/u;

export function isHeading(line: string, next: string | undefined, previous: string | undefined): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_HEADING_CHARS) return false;
  if (next === undefined) return false;
  if (text.split(/\s+/).length > MAX_HEADING_WORDS) return false;
  if (!STARTS_UPPER.test(text)) return false;
  if (SENTENCE_END.test(text) || DANGLING_WORD.test(text)) return false;
  // Russian news headings are Russian; a Latin-only line is a quoted tweet or a name in a caption.
  if (!CYRILLIC.test(text) || (text.match(/\p{L}/gu)?.length ?? 0) < 2) return false;
  // An unbalanced bracket or quote means the line is a fragment of a longer sentence.
  if (!balanced(text)) return false;
  // A quotation that is the whole line («…») is a heading; one that continues (« — сказал он») is not.
  if (/^[«"„“]/.test(text) && !/[»"”]$/.test(text)) return false;
  // The text continues in lower case: the line was broken mid-sentence.
  if (CONTINUES.test(next.trim())) return false;
  // The previous line stopped mid-sentence, so this line finishes it.
  if (previous !== undefined && /[\p{L},]$/u.test(previous.trim()) && !SENTENCE_END.test(previous.trim())) {
    return false;
  }
  return true;
}

function balanced(text: string): boolean {
  const count = (re: RegExp) => text.match(re)?.length ?? 0;
  // Nested Russian quotes are often written «…«…» with one closing mark, so only « > » is unbalanced.
  return count(/\(/g) === count(/\)/g) && count(/«/g) >= count(/»/g) && count(/»/g) > 0 === count(/«/g) > 0;
}
