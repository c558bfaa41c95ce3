import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../server/search/cache.js';

describe('response cache', () => {
  it('is bounded in bytes as well as in entries: the oldest answers go first', () => {
    const cache = new ResponseCache(1000, 10_000);
    cache.setVersion('v1');
    for (let i = 0; i < 20; i++) cache.set(`q${i}`, Buffer.alloc(1000, 65), cache.generation);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBeLessThan(20);
    expect(cache.get('q19')).toBeDefined();
    expect(cache.get('q0')).toBeUndefined();
    // An answer bigger than the whole bound is not kept, and evicts nothing.
    cache.set('huge', Buffer.alloc(20_000), cache.generation);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('q19')).toBeDefined();
  });
});
