import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { candidateSynonymLines, parseSynonyms, type SynonymsSeen } from '../../core/text/synonyms-file.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { synonymTable } from '../../core/text/synonyms.js';

describe('synonyms.txt', () => {
  it('the shipped file parses without an error', async () => {
    const parsed = parseSynonyms(await readFile('articles/synonyms.txt', 'utf8'), 'articles/synonyms.txt');
    expect(parsed.errors).toEqual([]);
    expect(parsed.groups.length).toBeGreaterThan(10);
  });

  it('reads one group per line; comments, blank lines, a BOM and CRLF are fine', () => {
    const text = '\uFEFF# a comment\r\nБеларусь, Белоруссия,  РБ  # trailing comment\r\n\r\n   \nКНР,Китай\n';
    expect(parseSynonyms(text, 's.txt')).toEqual({
      groups: [
        { line: 2, expressions: ['Беларусь', 'Белоруссия', 'РБ'] },
        { line: 5, expressions: ['КНР', 'Китай'] },
      ],
      errors: [],
    });
  });

  it('names every bad line with its number and reason, and keeps every good line', () => {
    const text = [
      'КНР, Китай', // 1
      'одиночка', // 2
      'ФРГ, , Германия', // 3
      'ЦБ => Центробанк', // 4
      'и, в', // 5
      'Госдума, госдумы', // 6
      'Китай, Поднебесная', // 7: Китай is in line 1's group
      'раз два три четыре пять шесть семь, семь', // 8
      'МИД, Министерство иностранных дел', // 9
    ].join('\n');
    const { groups, errors } = parseSynonyms(text, 'synonyms.txt');
    expect(groups.map((g) => g.line)).toEqual([1, 9]);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(errors[0]!.reason).toMatch(/at least two expressions.*«одиночка»/);
    expect(errors[1]!.reason).toMatch(/empty expression/);
    expect(errors[2]!.reason).toMatch(/one-way rules/);
    expect(errors[3]!.reason).toMatch(/«и» has no searchable word/);
    expect(errors[4]!.reason).toMatch(/«Госдума» and «госдумы» are the same/);
    expect(errors[5]!.reason).toBe('«Китай» is already in the group at synonyms.txt:1; merge the two lines into one group');
    expect(errors[6]!.reason).toMatch(/has 7 words; at most 6/);
  });

  it('catches an expression in two groups across files', () => {
    const seen: SynonymsSeen = new Map();
    parseSynonyms('ФРГ, Германия', 'a/synonyms.txt', seen);
    expect(parseSynonyms('Германии, Дойчланд', 'b/synonyms.txt', seen).errors).toEqual([{ line: 1, reason: '«Германии» is already in the group at a/synonyms.txt:1; merge the two lines into one group' }]);
  });
});

describe('candidate lines from the analytics', () => {
  const existing = parseSynonyms('Беларусь, Белоруссия, РБ\nКНР, Китай\n', 'synonyms.txt').groups;

  it('offers each pair once, most frequent first, leaving out refinements, word forms and known groups', () => {
    const lines = candidateSynonymLines(
      [
        { from: 'киберпатруль', to: 'кибердружина', count: 2 },
        { from: 'кибердружина', to: 'киберпатрулем' }, // the same pair, other form and order
        { from: 'электричка', to: 'пригородный поезд', count: 7 },
        { from: 'путин', to: 'путин визит', count: 9 }, // a refinement
        { from: 'выборы', to: 'выборов', count: 9 }, // only the ending differs
        { from: 'Белоруссия', to: 'РБ', count: 9 }, // one group already
        { from: 'Бацькаўшчына', to: 'Беларусь', count: 3 }, // extends a group
        { from: 'a, b', to: 'c', count: 9 }, // a comma the format cannot hold
      ],
      existing,
    );
    expect(lines).toEqual([
      'пригородный поезд, электричка  # 7 sessions: «электричка» → «пригородный поезд»',
      'Беларусь, Белоруссия, РБ, Бацькаўшчына  # 3 sessions: «Бацькаўшчына» → «Беларусь»; replaces line 1',
      'кибердружина, киберпатруль  # 3 sessions: «киберпатруль» → «кибердружина»',
    ]);
  });

  it('every line it offers is a valid line of the file that makes the pair synonyms', () => {
    const lines = candidateSynonymLines([{ from: 'киберпатруль', to: 'кибердружина' }, { from: 'Поднебесная', to: 'Китай' }], existing);
    for (const line of lines) {
      const { groups, errors } = parseSynonyms(line, 'candidate');
      expect(errors).toEqual([]);
      const [term] = analyzeQuery(groups[0]!.expressions.at(-1)!, synonymTable([groups[0]!.expressions])).terms;
      expect(term!.alternatives.length).toBe(groups[0]!.expressions.length);
    }
  });
});
