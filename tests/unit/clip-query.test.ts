import { describe, expect, it } from 'vitest';
import { clipQuery, codePointLength, MAX_QUERY_CHARS } from '../../core/query-length.js';

describe('clipQuery (a long paste is cut, not refused)', () => {
  it('keeps a query within the limit as it is', () => {
    const q = 'слово '.repeat(250).trim();
    expect(q.length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    expect(clipQuery(q)).toBe(q);
  });

  it('cuts a longer paste after the last whole word that fits', () => {
    const q = 'переговоры '.repeat(400);
    const clipped = clipQuery(q);
    expect(clipped.length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    expect(clipped.length).toBeGreaterThan(MAX_QUERY_CHARS - 'переговоры '.length);
    expect(clipped.split(' ').every((w) => w === 'переговоры')).toBe(true);
  });

  it('cuts a paste without spaces at the limit, never inside a surrogate pair', () => {
    expect(clipQuery('я'.repeat(MAX_QUERY_CHARS + 10))).toHaveLength(MAX_QUERY_CHARS);
    const emoji = '😀'.repeat(MAX_QUERY_CHARS); // two UTF-16 units each
    const clipped = clipQuery(`x${emoji}`);
    expect(codePointLength(clipped)).toBe(MAX_QUERY_CHARS);
    expect(clipped).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it('counts characters (code points) as the API does: MAX_QUERY_CHARS emoji are kept whole', () => {
    const emoji = '😀'.repeat(MAX_QUERY_CHARS);
    expect(clipQuery(emoji)).toBe(emoji);
    expect(clipQuery(`${emoji} 😀`)).toBe(emoji);
  });
});
