import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('never holds more than its limit, evicting the least recently used', () => {
    const lru = new Lru<string, number>(3);
    for (const [i, k] of ['a', 'b', 'c'].entries()) lru.set(k, i);
    expect(lru.get('a')).toBe(0); // refreshes a
    lru.set('d', 3); // evicts b
    expect([...lru.keys()]).toEqual(['c', 'a', 'd']);
    expect(lru.get('b')).toBeUndefined();
    for (let i = 0; i < 1000; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(3);
    expect([...lru.keys()]).toEqual(['k997', 'k998', 'k999']);
  });

  it('peek does not refresh; set of an existing key refreshes; delete and clear', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.peek('a')).toBe(1);
    lru.set('c', 3); // a was not refreshed: evicted
    expect(lru.peek('a')).toBeUndefined();
    lru.set('b', 20);
    lru.set('d', 4); // c is older than b now
    expect([...lru.keys()]).toEqual(['b', 'd']);
    expect(lru.delete('b')).toBe(true);
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('refuses a non-positive limit', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});
