/**
 * What the analytics keeps of one search answer, taken from it once when it is computed: enough to
 * count the answer and to check later reports against it. With the shared (Redis) response cache
 * it is stored beside the cached body, so another proxy counts a hit without parsing the body.
 */
import type { SearchResponse } from '../../core/api.js';

export interface AnswerFacts {
  /** The query as searched (normalized). */
  q: string;
  total: number;
  /** No shard failed (a partial answer's "no result" is not a zero-result search). */
  complete: boolean;
  /** The corrected query the answer's hits are for, when the server corrected it. */
  correction?: string;
  /** Article ids of the hits answered: a reported click counts its article only when it is one of them. */
  articles: string[];
  /** Tag names in the answer's facets (the index's own tags): a reported tag filter counts its value only when known so. */
  tags: string[];
}

export function answerFacts(response: SearchResponse): AnswerFacts {
  const facts: AnswerFacts = {
    q: response.query,
    total: response.total,
    complete: response.partial !== true,
    articles: [...new Set(response.hits.map((hit) => hit.article.id))],
    tags: Object.keys(response.facets.tags),
  };
  if (response.correctedQuery !== undefined) facts.correction = response.correctedQuery;
  return facts;
}
