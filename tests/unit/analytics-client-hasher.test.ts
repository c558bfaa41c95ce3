import { describe, expect, it } from 'vitest';
import { ClientHasher } from '../../server/analytics/client-key.js';

const key = (byte: number) => Buffer.alloc(32, byte);

describe('ClientHasher (keyed hash of a client address)', () => {
  it('gives one address the same hash under one key (every proxy of a cluster hashes alike)', () => {
    const a = new ClientHasher(key(1));
    const b = new ClientHasher(key(1));
    expect(a.hash('203.0.113.7')).toBe(b.hash('203.0.113.7'));
    expect(a.hash('203.0.113.7')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells addresses apart, and the same address under another day key is another hash', () => {
    const hasher = new ClientHasher(key(1));
    const first = hasher.hash('203.0.113.7');
    expect(hasher.hash('203.0.113.8')).not.toBe(first);
    hasher.setKey(key(2));
    expect(hasher.hash('203.0.113.7')).not.toBe(first);
  });

  it('never contains the address, and hashes input longer than its scratch buffer alike', () => {
    const hasher = new ClientHasher(key(3));
    const long = `2001:db8::1%${'x'.repeat(600)}`;
    expect(hasher.hash(long)).toBe(new ClientHasher(key(3)).hash(long));
    expect(hasher.hash(long)).not.toBe(hasher.hash(long.slice(0, -1)));
    expect(hasher.hash('203.0.113.7')).not.toContain('203');
  });

  it('refuses a key too short to be one, naming the reason', () => {
    expect(() => new ClientHasher(key(1)).setKey(Buffer.alloc(8))).toThrow(/16 bytes, got 8/);
  });
});
