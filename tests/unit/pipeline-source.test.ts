import { describe, expect, it } from 'vitest';
import type { RankingIndex } from '../../server/ranking/index.js';
import { analyzeQuery } from '../../server/search/analyze.js';
import { buildEngineQuery } from '../../server/search/engine-query.js';
import { chooseSource } from '../../server/search/pipeline.js';
import { parseSearchRequest } from '../../server/search/validate-request.js';

const query = (raw: Record<string, string>) => buildEngineQuery(parseSearchRequest(raw));
/** chooseSource() only asks whether a current ranking index exists. */
const ranker = {} as RankingIndex;

describe('chooseSource: the one place deciding who ranks a query', () => {
  it('the engine for sorted and empty queries, with or without the ranking index', () => {
    for (const index of [ranker, undefined]) {
      const sorted = query({ q: 'соглашение', sort: 'date' });
      expect(chooseSource(sorted, analyzeQuery(sorted.q), index)).toBe('engine');
      const empty = query({ q: '' });
      expect(chooseSource(empty, analyzeQuery(empty.q), index)).toBe('engine');
    }
  });

  it('the ranking index for words when it is current, filters included; engine candidates re-ranked when it is not', () => {
    for (const raw of <Record<string, string>[]>[{ q: 'соглашение' }, { q: 'соглашение', tag: 'политика', from: '2020-01-01' }, { q: 'соглашение', group: 'article' }]) {
      const q = query(raw);
      expect(chooseSource(q, analyzeQuery(q.q), ranker)).toBe('ranking');
      expect(chooseSource(q, analyzeQuery(q.q), undefined)).toBe('engine-rerank');
    }
  });
});
