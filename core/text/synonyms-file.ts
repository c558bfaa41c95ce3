/**
 * The editors' synonyms file (`synonyms.txt` at the top of the articles folder): one group per
 * line, expressions separated by commas, `#` starts a comment. Parsing reports every bad line with
 * its number and reason and keeps the good ones; candidateSynonymLines() writes lines in the same
 * format from the analytics reports' query pairs, so a suggestion pastes in as it is.
 */
import { stems, words } from './stem.js';

export const SYNONYMS_FILE = 'synonyms.txt';
/** Words per expression: a longer one is a phrase or a sentence, not a name for the same thing. */
export const MAX_EXPRESSION_WORDS = 6;

export interface SynonymLine {
  /** 1-based line number in its file. */
  line: number;
  expressions: string[];
}

export interface SynonymLineError {
  line: number;
  reason: string;
}

export interface ParsedSynonyms {
  groups: SynonymLine[];
  errors: SynonymLineError[];
}

/**
 * Where each stemmed expression was first given (`file:line`), shared by the files of one run so
 * an expression in two groups is caught across files too.
 */
export type SynonymsSeen = Map<string, string>;

/**
 * Parses one file's text. A line in error is left out whole (never half a group); every other line
 * applies. An expression already in an earlier group is an error on the later line: the engine
 * would silently merge the two groups, which is rarely what the editor meant.
 */
export function parseSynonyms(text: string, file: string, seen: SynonymsSeen = new Map()): ParsedSynonyms {
  const groups: SynonymLine[] = [];
  const errors: SynonymLineError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const parsed = parseGroup(content);
    if ('reason' in parsed) return void errors.push({ line, reason: parsed.reason });
    const again = parsed.keys.map((key, j) => [key, j] as const).find(([key]) => seen.has(key));
    if (again) {
      return void errors.push({ line, reason: `«${parsed.expressions[again[1]]}» is already in the group at ${seen.get(again[0])}; merge the two lines into one group` });
    }
    for (const key of parsed.keys) seen.set(key, `${file}:${line}`);
    groups.push({ line, expressions: parsed.expressions });
  });
  return { groups, errors };
}

function parseGroup(content: string): { expressions: string[]; keys: string[] } | { reason: string } {
  if (content.includes('=>')) return { reason: 'one-way rules (=>) are not supported: list equivalent expressions separated by commas' };
  const expressions = content.split(',').map((e) => e.trim().replace(/\s+/g, ' '));
  if (expressions.some((e) => e === '')) return { reason: 'an empty expression (two commas in a row, or a comma at the start or end)' };
  if (expressions.length < 2) return { reason: `a group needs at least two expressions separated by commas; found only «${expressions[0]}»` };
  const keys: string[] = [];
  for (const expression of expressions) {
    const count = words(expression).length;
    if (count > MAX_EXPRESSION_WORDS) return { reason: `«${expression}» has ${count} words; at most ${MAX_EXPRESSION_WORDS} per expression` };
    const key = stems(expression).join(' ');
    if (key === '') return { reason: `«${expression}» has no searchable word (only stop words or punctuation)` };
    const same = keys.indexOf(key);
    if (same >= 0) return { reason: `«${expressions[same]}» and «${expression}» are the same once case, ё and word endings are set aside; list it once` };
    keys.push(key);
  }
  return { expressions, keys };
}

/** One group as a line of the file. */
export function formatSynonymLine(expressions: readonly string[]): string {
  return expressions.join(', ');
}

/** From the analytics: a query that found nothing or was not clicked, then a clicked one in the same session. */
export interface QueryPair {
  /** The query that failed (zero results, or results and no click). */
  from: string;
  /** The query the reader then typed and clicked a result of. */
  to: string;
  /** Sessions that made this pair (default 1). */
  count?: number;
}

/**
 * Candidate lines for the synonyms file from reformulation pairs, most frequent first, each with a
 * comment saying why (for the editor to judge: a pair is evidence, not a rule). Left out: pairs that
 * differ only in case, ё or word endings (the search already treats them alike), pairs where one
 * query narrows or widens the other (a word added or removed is a refinement, not a synonym),
 * expressions the file format cannot hold, and pairs already in one group. A pair touching an
 * existing group is offered as that group with the new expression added (and says which line).
 */
export function candidateSynonymLines(pairs: readonly QueryPair[], existing: readonly SynonymLine[] = []): string[] {
  const groupOf = new Map<string, SynonymLine>();
  for (const group of existing) for (const expression of group.expressions) groupOf.set(stems(expression).join(' '), group);
  const byPair = new Map<string, { from: string; to: string; count: number }>();
  for (const pair of pairs) {
    const from = cleanExpression(pair.from);
    const to = cleanExpression(pair.to);
    if (!from || !to) continue;
    const [a, b] = [stems(from), stems(to)];
    if (a.length === 0 || b.length === 0 || a.join(' ') === b.join(' ')) continue;
    if (a.every((s) => b.includes(s)) || b.every((s) => a.includes(s))) continue;
    const key = [a.join(' '), b.join(' ')].sort().join('\u0000');
    const had = byPair.get(key);
    if (had) had.count += pair.count ?? 1;
    else byPair.set(key, { from, to, count: pair.count ?? 1 });
  }
  const lines: string[] = [];
  for (const { from, to, count } of [...byPair.values()].sort((x, y) => y.count - x.count || x.from.localeCompare(y.from))) {
    const [groupA, groupB] = [groupOf.get(stems(from).join(' ')), groupOf.get(stems(to).join(' '))];
    if (groupA && groupA === groupB) continue;
    const why = `${count} session${count === 1 ? '' : 's'}: «${from}» → «${to}»`;
    if (groupA && groupB) lines.push(`# ${why}: in two groups already (lines ${groupA.line} and ${groupB.line}); merge them by hand if they mean the same`);
    else if (groupA || groupB) {
      const group = (groupA ?? groupB)!;
      lines.push(`${formatSynonymLine([...group.expressions, groupA ? to : from])}  # ${why}; replaces line ${group.line}`);
    } else lines.push(`${formatSynonymLine([to, from])}  # ${why}`);
  }
  return lines;
}

/** A query as an expression: whitespace folded; none when it holds what the format cannot (`,` `#` `=>`) or is too long. */
function cleanExpression(query: string): string | undefined {
  const expression = query.trim().replace(/\s+/g, ' ');
  if (expression === '' || /[,#]|=>/.test(expression)) return undefined;
  if (words(expression).length > MAX_EXPRESSION_WORDS) return undefined;
  return expression;
}
