import { describe, expect, it } from 'vitest';
import { deriveSigningKey, SigningKeyCache } from './signing-key.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('signing key', () => {
  it('derives the AWS documentation example key', () => {
    // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
    expect(deriveSigningKey(SECRET, '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('caches derived keys in a bounded LRU', () => {
    const cache = new SigningKeyCache(3);
    const a = cache.get(SECRET, '20120215', 'us-east-1', 'iam');
    expect(cache.get(SECRET, '20120215', 'us-east-1', 'iam')).toBe(a); // hit: same object
    for (let day = 10; day < 20; day++) cache.get(SECRET, `201202${day}`, 'us-east-1', 's3');
    expect(cache.size).toBe(3);
    // The least recently used entry was evicted; a refreshed entry survives.
    const b = cache.get('other', '20260101', '', 's3');
    cache.get(SECRET, '20120219', 'us-east-1', 's3');
    cache.get('x', '20260101', '', 's3');
    cache.get('y', '20260101', '', 's3');
    expect(cache.size).toBe(3);
    expect(cache.get('other', '20260101', '', 's3')).not.toBe(b);
    expect(cache.get(SECRET, '20120215', 'us-east-1', 'iam')).not.toBe(a);
    expect(cache.get(SECRET, '20120215', 'us-east-1', 'iam').equals(a)).toBe(true);
  });

  it('never serves a key derived from a rotated secret', () => {
    const cache = new SigningKeyCache(8);
    const before = cache.get(SECRET, '20260101', 'r', 's3');
    expect(cache.get('rotated', '20260101', 'r', 's3').equals(before)).toBe(false);
    // Each part of the scope after the same call: its own key (the repeat fast path compares all four).
    for (const [s, d, r, v] of [
      [SECRET, '20260102', 'r', 's3'],
      [SECRET, '20260101', 'r2', 's3'],
      [SECRET, '20260101', 'r', 'sts'],
    ] as const) {
      cache.get(SECRET, '20260101', 'r', 's3');
      expect(cache.get(s, d, r, v)).toEqual(deriveSigningKey(s, d, r, v));
    }
  });
});
