import { describe, expect, it } from 'vitest';
import { analyzeQuery } from '../../server/search/analyze.js';
import { TermStatsReader } from '../../server/search/engine-rerank.js';

describe('the fallback ranking\'s word counts', () => {
  it('give the word being typed no count, even one cached by an earlier search of the finished word', () => {
    const reader = new TermStatsReader('news');
    // «караван» finished (another word follows it), then the same word alone, still being typed.
    const finished = analyzeQuery('караван судов').terms;
    expect(finished[0]!.prefix).toBe(false);
    const requests = reader.missing(finished);
    reader.absorb(requests, requests.map(() => ({ estimatedTotalHits: 42 }) as never));
    expect(reader.stats(finished).df.size).toBe(1);
    // The same word still being typed ranks the same whatever was searched a minute ago.
    const typing = analyzeQuery('караван').terms;
    expect(typing[0]!.prefix).toBe(true);
    expect(reader.stats(typing).df.size).toBe(0);
  });
});
