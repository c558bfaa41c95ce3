/** Tells embedded player and analytics code from article prose, line by line. */
import { parse } from 'acorn';

/**
 * Embedded player/analytics code that leaked into the text of scraped pages, told apart from prose
 * that merely ends in `;` (enumerations: «— поставки газа;»). A line counts as code when it starts
 * like a script statement, is nothing but brackets (`});`), or ends in `;`, `{` or `}` and parses as
 * JavaScript while holding code punctuation (`=`, a call's brackets, braces), continues a statement
 * (opens with a closing brace), or is a CSS rule. Prose almost never
 * parses: two words side by side are a syntax error. Measured on the shared corpus (RT + NG):
 * docs/RELIABILITY.md, `npm run corpus:dropped-lines`.
 */
export function isCodeLine(line: string): boolean {
  if (STATEMENT_START.test(line) || ONLY_BRACKETS.test(line) || CSS_RULE.test(line)) return true;
  // The middle of a statement broken over lines (`}, width: "100%", … });`): prose never opens with a closing brace.
  if (/^[})\]]/u.test(line) && CODE_END.test(line)) return true;
  if (!CODE_END.test(line) || !CODE_PUNCTUATION.test(line)) return false;
  return parsesAsScript(line) || (line.endsWith('{') && parsesAsScript(`${line}}`));
}

const STATEMENT_START = /^\s*(?:if\s*\(|for\s*\(|var |let |const |function\b|\(function\b|return [{(]|jwplayer|window\.|document\.)/u;
const ONLY_BRACKETS = /^[\s{}()[\];,]+$/u;
/** `selector { property: value }` — a style sheet's rule (prose has no braces). */
const CSS_RULE = /^[^{}]*\{[^{}]*:[^{}]*\}/u;
const CODE_END = /[{};]\s*$/u;
const CODE_PUNCTUATION = /[=(){}]/u;

function parsesAsScript(source: string): boolean {
  try {
    parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
    return true;
  } catch {
    return false;
  }
}
