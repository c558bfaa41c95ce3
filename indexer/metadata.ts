/** Metadata found in the body of news text: datelines and the «Источник: …» line. */

export interface Dateline {
  place: string;
  agency: string | undefined;
}

// «МИНСК, 13 фев — Sputnik.» / «МОСКВА, 5 марта. /ТАСС/.»
const DATELINE = /^([\p{Lu}][\p{Lu}\- ]{1,40}),\s*\d{1,2}\s+\p{L}+\.?\s*(?:[—–-]\s*([^.,]{2,40})\.|\/?\s*([^/]{2,20})\/)?/u;
const SOURCE_LINE = /^\s*Источник:\s*(.+?)\s*$/u;

export function parseDateline(paragraph: string): Dateline | undefined {
  const match = DATELINE.exec(paragraph.trim());
  if (!match) return undefined;
  const place = titleCase(match[1]!.trim());
  const agency = (match[2] ?? match[3])?.trim();
  return { place, agency: agency || undefined };
}

export function parseSourceLine(line: string): string | undefined {
  return SOURCE_LINE.exec(line)?.[1];
}

function titleCase(word: string): string {
  return word
    .toLowerCase()
    .replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}
