import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BlobReadCache } from '../../s3/object-reader.js';
import { ENTRY_OVERHEAD, MAX_CACHED_BLOB, ReadCache } from './read-cache.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A buffer of its own memory, `size` bytes of `fill`. */
const bytesOf = (size: number, fill = 1) => Buffer.alloc(size, fill);
const sound = (bytes: Buffer) => async () => ({ bytes, sound: true });

/** Puts blobs in the cache through load, as the object reader does. */
async function fill(cache: ReadCache, ...blobs: [string, number][]) {
  for (const [id, size] of blobs) await cache.load(id, 'crc32:1', sound(bytesOf(size)));
}

describe('ReadCache', () => {
  it('is what the object reader expects of a read cache', () => {
    expectTypeOf<ReadCache>().toMatchTypeOf<BlobReadCache>();
  });

  it('keeps sound loads and serves them for the same check only', async () => {
    const cache = new ReadCache({ capacity: MiB });
    const bytes = bytesOf(10 * KiB, 7);
    const loaded = await cache.load('a', 'crc32:5', sound(bytes));
    expect(loaded.bytes).toEqual(bytes);
    expect(cache.get('a', 'crc32:5')).toBe(loaded.bytes);
    // A record expecting other bytes is not served these.
    expect(cache.get('a', 'crc32:6')).toBeUndefined();
    expect(cache.get('a', 'md5:0123')).toBeUndefined();
    expect(cache.get('b', 'crc32:5')).toBeUndefined();
    expect(cache.bytes).toBe(10 * KiB + ENTRY_OVERHEAD);
  });

  it('never keeps a load that failed verification, and reads again next time', async () => {
    const cache = new ReadCache({ capacity: MiB });
    let reads = 0;
    const damaged = async () => {
      reads++;
      return { bytes: bytesOf(100), sound: false, kind: 'checksum' };
    };
    expect((await cache.load('a', 'crc32:1', damaged)).sound).toBe(false);
    expect(cache.get('a', 'crc32:1')).toBeUndefined();
    expect(await cache.load('a', 'crc32:1', damaged)).toMatchObject({ kind: 'checksum' });
    expect([reads, cache.count, cache.bytes]).toEqual([2, 0, 0]);
  });

  it('evicts the least recently used blobs to stay within its byte budget', async () => {
    const entry = 100 * KiB;
    const cache = new ReadCache({ capacity: 3 * (entry + ENTRY_OVERHEAD), maxEntry: entry });
    await fill(cache, ['a', entry], ['b', entry], ['c', entry]);
    expect(cache.count).toBe(3);
    // Using a makes b the least recently used.
    expect(cache.get('a', 'crc32:1')).toBeDefined();
    await fill(cache, ['d', entry]);
    expect(['a', 'b', 'c', 'd'].map((id) => cache.get(id, 'crc32:1') !== undefined)).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(cache.bytes).toBeLessThanOrEqual(cache.capacity);
    // The lookups above used a, c, d in that order: a is now the least recent. A smaller blob
    // pushes out only as much as it needs: that one entry.
    await fill(cache, ['e', 10 * KiB]);
    expect(cache.count).toBe(3);
    expect(cache.get('a', 'crc32:1')).toBeUndefined();
    expect(cache.get('c', 'crc32:1')).toBeDefined();
    expect(cache.bytes).toBe(2 * (entry + ENTRY_OVERHEAD) + 10 * KiB + ENTRY_OVERHEAD);
  });

  it('counts an overhead per entry, so many tiny blobs stay bounded too', async () => {
    const cache = new ReadCache({ capacity: 10 * ENTRY_OVERHEAD });
    for (let i = 0; i < 100; i++) await fill(cache, [`t${i}`, 1]);
    expect(cache.count).toBe(Math.floor((10 * ENTRY_OVERHEAD) / (1 + ENTRY_OVERHEAD)));
    expect(cache.bytes).toBeLessThanOrEqual(cache.capacity);
  });

  it('takes no blob above its per-object limit: 4 MiB, at most an eighth of the budget', async () => {
    expect(new ReadCache({ capacity: 64 * MiB }).maxEntry).toBe(MAX_CACHED_BLOB);
    expect(MAX_CACHED_BLOB).toBe(4 * MiB);
    const cache = new ReadCache({ capacity: 8 * MiB });
    expect(cache.maxEntry).toBe(MiB);
    expect([cache.admits(MiB), cache.admits(MiB + 1)]).toEqual([true, false]);
    // Offered anyway, an oversized blob is handed back, not kept.
    const big = await cache.load('big', 'crc32:1', sound(bytesOf(MiB + 1)));
    expect(big.bytes.length).toBe(MiB + 1);
    expect([cache.get('big', 'crc32:1'), cache.count]).toEqual([undefined, 0]);
  });

  it('at capacity 0 keeps nothing', async () => {
    const cache = new ReadCache({ capacity: 0 });
    expect([cache.admits(0), cache.admits(1)]).toEqual([false, false]);
    await fill(cache, ['a', 10]);
    expect([cache.get('a', 'crc32:1'), cache.count, cache.bytes]).toEqual([undefined, 0, 0]);
  });

  it('shares one read among concurrent loads of the same blob and check', async () => {
    const cache = new ReadCache({ capacity: MiB });
    let reads = 0;
    let finish: (v: { bytes: Buffer; sound: boolean }) => void = () => {};
    const read = () => {
      reads++;
      return new Promise<{ bytes: Buffer; sound: boolean }>((r) => {
        finish = r;
      });
    };
    const loads = Array.from({ length: 8 }, () => cache.load('a', 'crc32:1', read));
    // Another check is another load (a record expecting other bytes verifies its own way).
    const other = cache.load('a', 'crc32:2', async () => ({ bytes: bytesOf(5, 2), sound: true }));
    expect(reads).toBe(1);
    finish({ bytes: bytesOf(1000, 3), sound: true });
    const results = await Promise.all(loads);
    expect(new Set(results.map((r) => r.bytes)).size).toBe(1);
    expect(results[0]!.bytes).toEqual(bytesOf(1000, 3));
    expect((await other).bytes).toEqual(bytesOf(5, 2));
    // Once settled, a new load reads again (nothing is shared across time but the entry).
    await cache.load('a', 'crc32:1', sound(bytesOf(1000, 3)));
    expect(reads).toBe(1);
  });

  it('gives bytes it already keeps without reading again', async () => {
    const cache = new ReadCache({ capacity: MiB });
    const first = await cache.load('a', 'crc32:1', sound(bytesOf(10, 4)));
    const never = async (): Promise<never> => {
      throw new Error('read again');
    };
    expect(await cache.load('a', 'crc32:1', never)).toEqual({ bytes: first.bytes, sound: true });
    await expect(cache.load('a', 'crc32:2', never)).rejects.toThrow('read again'); // another check
  });

  it('a failed read reaches every caller that shared it, and is not remembered', async () => {
    const cache = new ReadCache({ capacity: MiB });
    const failing = async () => {
      throw Object.assign(new Error('EIO'), { code: 'EIO' });
    };
    const both = [cache.load('a', 'crc32:1', failing), cache.load('a', 'crc32:1', failing)];
    for (const p of both) await expect(p).rejects.toMatchObject({ code: 'EIO' });
    expect((await cache.load('a', 'crc32:1', sound(bytesOf(3)))).bytes).toEqual(bytesOf(3));
    // A reader that throws before it returns a promise is not remembered either.
    const throwsAtOnce = (() => {
      throw new Error('bad handle');
    }) as () => Promise<never>;
    await expect(cache.load('b', 'crc32:1', throwsAtOnce)).rejects.toThrow('bad handle');
    expect((await cache.load('b', 'crc32:1', sound(bytesOf(4)))).bytes).toEqual(bytesOf(4));
  });

  it('holds memory of its own: a view into a larger buffer is copied, a whole buffer kept', async () => {
    const cache = new ReadCache({ capacity: MiB });
    const slab = bytesOf(8 * KiB, 9);
    const view = slab.subarray(100, 200);
    const kept = await cache.load('v', 'crc32:1', sound(view));
    expect(kept.bytes).toEqual(view);
    expect(kept.bytes.buffer).not.toBe(slab.buffer);
    slab.fill(0);
    expect(cache.get('v', 'crc32:1')).toEqual(bytesOf(100, 9));
    const whole = Buffer.allocUnsafeSlow(64 * KiB).fill(4);
    expect(cache.get('w', 'crc32:1')).toBeUndefined();
    expect((await cache.load('w', 'crc32:1', sound(whole))).bytes).toBe(whole);
  });

  it('forgets deleted blobs at once, including a load still in flight', async () => {
    const cache = new ReadCache({ capacity: MiB });
    await fill(cache, ['a', 100]);
    cache.delete(['a', 'never-cached']);
    expect([cache.get('a', 'crc32:1'), cache.count, cache.bytes]).toEqual([undefined, 0, 0]);
    let finish: () => void = () => {};
    const started = new Promise<void>((r) => {
      finish = r;
    });
    const loading = cache.load('b', 'crc32:1', async () => {
      await started;
      return { bytes: bytesOf(100), sound: true };
    });
    cache.delete(['b']);
    finish();
    expect((await loading).bytes.length).toBe(100);
    expect(cache.get('b', 'crc32:1')).toBeUndefined();
  });
});
