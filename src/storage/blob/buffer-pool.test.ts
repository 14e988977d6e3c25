import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import { BufferPool, MAX_POOLED, MIN_POOLED } from './buffer-pool.js';

const MiB = 1024 * 1024;

describe('BufferPool', () => {
  it('never hands out a buffer again while it is in use', () => {
    const pool = new BufferPool();
    const held = Array.from({ length: 8 }, () => pool.acquire(MiB));
    expect(new Set(held.map((b) => b.buffer)).size).toBe(8);
    pool.release(held[3]!);
    const again = pool.acquire(MiB);
    expect(again.buffer).toBe(held[3]!.buffer);
    // Still in use: none of the other seven comes back, nor the one just taken.
    const fresh = pool.acquire(MiB);
    expect(held.some((b) => b.buffer === fresh.buffer)).toBe(false);
  });

  it('rounds up to power-of-two size classes and keeps classes apart', () => {
    const pool = new BufferPool();
    expect(pool.acquire(MIN_POOLED).length).toBe(MIN_POOLED);
    expect(pool.acquire(MIN_POOLED + 1).length).toBe(2 * MIN_POOLED);
    const odd = pool.acquire(3 * MiB + 7);
    expect(odd.length).toBe(4 * MiB);
    pool.release(odd);
    expect(pool.acquire(MiB).length).toBe(MiB);
    expect(pool.acquire(4 * MiB).buffer).toBe(odd.buffer);
  });

  it('refuses lengths outside the pooled sizes', () => {
    const pool = new BufferPool();
    expect(BufferPool.pools(MIN_POOLED - 1)).toBe(false);
    expect(BufferPool.pools(MAX_POOLED + 1)).toBe(false);
    expect(() => pool.acquire(MAX_POOLED + 1)).toThrow(/outside the pooled sizes/);
  });

  it('accepts a view of its buffer back, and throws on a double or foreign release', () => {
    const pool = new BufferPool();
    const buf = pool.acquire(MiB);
    pool.release(buf.subarray(0, 10));
    let err: unknown;
    try {
      pool.release(buf);
    } catch (e) {
      err = e;
    }
    expect(isTesseraError(err, 'InternalError')).toBe(true);
    expect(() => pool.release(Buffer.allocUnsafeSlow(MiB))).toThrow(/did not hand out/);
  });

  it('keeps at most its idle budget for reuse', () => {
    const pool = new BufferPool(3 * MiB);
    const held = Array.from({ length: 5 }, () => pool.acquire(MiB));
    for (const b of held) pool.release(b);
    expect(pool.idleBytes).toBe(3 * MiB);
    const reused = Array.from({ length: 5 }, () => pool.acquire(MiB));
    expect(reused.filter((b) => held.some((h) => h.buffer === b.buffer)).length).toBe(3);
    expect(pool.idleBytes).toBe(0);
  });
});
