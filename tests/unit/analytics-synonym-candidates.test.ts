import { describe, expect, it } from 'vitest';
import { SYNONYM_COLUMN, withReformulationLines, withZeroResultLines } from '../../server/analytics/synonym-candidates.js';

const reformulations = {
  columns: ['searched_first', 'then_found_with', 'times'],
  rows: [
    ['путин', 'путин визит', 9],
    ['электричка', 'пригородный поезд', 7],
    ['звонок [phone]', 'горячая линия', 3],
    ['путин', 'президент', 2],
  ],
};

describe('synonym candidates in the analytics reports', () => {
  it('adds a line for the synonyms file to each reformulation that is a candidate, none to refinements or masked text', () => {
    const table = withReformulationLines(reformulations);
    expect(table.columns).toEqual(['searched_first', 'then_found_with', 'times', SYNONYM_COLUMN]);
    expect(table.rows.map((r) => r[3])).toEqual(['', 'пригородный поезд, электричка  # 7 sessions: «электричка» → «пригородный поезд»', '', 'президент, путин  # 2 sessions: «путин» → «президент»']);
  });

  it('offers each zero-result query the line of its most frequent reformulation that makes one', () => {
    const zero = { columns: ['query', 'zero_result_searches'], rows: [['путин', 4], ['электричка', 3], ['ничего', 1]] };
    expect(withZeroResultLines(zero, reformulations).rows).toEqual([
      ['путин', 4, 'президент, путин  # 2 sessions: «путин» → «президент»'],
      ['электричка', 3, 'пригородный поезд, электричка  # 7 sessions: «электричка» → «пригородный поезд»'],
      ['ничего', 1, ''],
    ]);
  });
});
