import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteOrder, modelList } from '../contract/list-model.js';
import { commonPrefixOf, compareUtf8, successor } from './keys.js';
import { type AsyncRangeScan, type RangeScan, startOf, walkListing, walkListingAsync } from './list.js';

/** An in-memory sorted key range that counts the rows it hands out. */
function sortedScan(keys: string[]): { scan: RangeScan<{ key: string }>; rowsRead: () => number } {
  const sorted = [...keys].sort(compareUtf8);
  let read = 0;
  const scan: RangeScan<{ key: string }> = function* (lower, upper, limit) {
    let i = sorted.findIndex((k) => compareUtf8(k, lower) >= 0);
    if (i < 0) return;
    for (let n = 0; n < limit && i < sorted.length; n++, i++) {
      if (upper !== undefined && compareUtf8(sorted[i]!, upper) >= 0) return;
      read++;
      yield { key: sorted[i]! };
    }
  };
  return { scan, rowsRead: () => read };
}

/** The same range as sortedScan, asynchronous, in batches of `batch` rows; counts rows and closed cursors. */
function asyncScan(keys: string[], batch: number) {
  const { scan: sync, rowsRead } = sortedScan(keys);
  let open = 0;
  const scan: AsyncRangeScan<{ key: string }> = async function* (lower, upper, limit) {
    open++;
    try {
      let rows: { key: string }[] = [];
      for (const row of sync(lower, upper, limit)) {
        rows.push(row);
        if (rows.length === batch) {
          yield rows;
          rows = [];
        }
      }
      if (rows.length > 0) yield rows;
    } finally {
      open--;
    }
  };
  return { scan, rowsRead, openCursors: () => open };
}

describe('keys', () => {
  it('compares in UTF-8 byte order', () => {
    const samples = [
      '',
      'a',
      'ab',
      '\u007f',
      '\u0080',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '😀',
      '😁',
      '\u{10ffff}',
      'a\u0000',
    ];
    for (const a of samples)
      for (const b of samples) expect(Math.sign(compareUtf8(a, b))).toBe(byteOrder(a, b));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(byteOrder(a, b));
      }),
    );
  });

  it('finds the successor of a prefix at code point level', () => {
    expect(successor('photos/')).toBe('photos0');
    expect(successor('a//')).toBe('a/0');
    expect(successor('a\u007f')).toBe('a\u0080'); // a byte increment would give invalid UTF-8
    expect(successor('a\ud7ff')).toBe('a\ue000'); // skips the surrogate range
    expect(successor('a\uffff')).toBe('a\u{10000}');
    expect(successor('a😀')).toBe('a😁');
    expect(successor('a\u{10ffff}')).toBe('b');
    expect(successor('\u{10ffff}\u{10ffff}')).toBeUndefined();
    expect(successor('')).toBeUndefined();
  });

  it('bounds every string with the prefix and nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.string({ unit: 'grapheme' }),
        (prefix, tail) => {
          const next = successor(prefix);
          if (next === undefined) return;
          expect(compareUtf8(prefix + tail, next)).toBeLessThan(0);
          const other = tail;
          if (!other.startsWith(prefix) && compareUtf8(other, prefix) > 0) {
            expect(compareUtf8(other, next)).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });

  it('finds the common prefix up to the first delimiter after the prefix', () => {
    expect(commonPrefixOf('a/b/c', 'a/', '/')).toBe('a/b/');
    expect(commonPrefixOf('a/b/c', '', '/')).toBe('a/');
    expect(commonPrefixOf('a///b', 'a', '//')).toBe('a//');
    expect(commonPrefixOf('a/b', 'a/', '/')).toBeUndefined();
    expect(commonPrefixOf('a/b', '', '')).toBeUndefined();
  });

  it('starts after a group that `after` lies in', () => {
    expect(startOf('', '/', 'a/b')).toBe('a0');
    expect(startOf('', '/', 'a')).toBe('a\u0000');
    expect(startOf('p/', '/', 'a')).toBe('p/');
    expect(startOf('p/', '/', '')).toBe('p/');
  });
});

describe('walkListing', () => {
  it('rolls up 10,000 keys under 5 prefixes reading one row per prefix', () => {
    const keys: string[] = [];
    for (const folder of ['a', 'b', 'c', 'd', 'e'])
      for (let i = 0; i < 2000; i++) keys.push(`${folder}/${i}`);
    keys.push('top');
    const { scan, rowsRead } = sortedScan(keys);
    const result = walkListing(scan, { prefix: '', delimiter: '/', after: '', max: 1000 });
    expect(result.prefixes).toEqual(['a/', 'b/', 'c/', 'd/', 'e/']);
    expect(result.rows.map((r) => r.key)).toEqual(['top']);
    expect(rowsRead()).toBe(6);
  });

  it('reads at most max + 1 rows of a big folder', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `dir/${String(i).padStart(5, '0')}`);
    const { scan, rowsRead } = sortedScan(keys);
    const result = walkListing(scan, { prefix: 'dir/', delimiter: '/', after: 'dir/00099', max: 100 });
    expect(result.rows[0]!.key).toBe('dir/00100');
    expect(result.rows).toHaveLength(100);
    expect(result.truncated).toBe(true);
    expect(rowsRead()).toBe(101);
  });

  it('agrees with the model (property)', () => {
    const char = fc.constantFrom('a', 'b', '/', 'é', '😀', '\u{10ffff}', '\uffff');
    const text = fc.array(char, { maxLength: 5 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(
          text.filter((k) => k !== ''),
          { maxLength: 30 },
        ), // S3 keys are never empty
        text,
        fc.constantFrom('', '/', '//', 'a/', '😀'),
        text,
        fc.nat(6),
        (keys, prefix, delimiter, after, max) => {
          const { scan } = sortedScan(keys);
          const walk = walkListing(scan, { prefix, delimiter, after, max });
          const model = modelList(keys, { prefix, delimiter, after, maxKeys: max });
          expect(walk.rows.map((r) => r.key)).toEqual(model.keys);
          expect(walk.prefixes).toEqual(model.commonPrefixes);
          expect(walk.truncated).toBe(model.isTruncated);
        },
      ),
      { numRuns: 2_000, interruptAfterTimeLimit: 3_000 },
    );
  });
});

describe('walkListingAsync', () => {
  it('rolls up reading one row per prefix with one-row batches, and closes every cursor', async () => {
    const keys: string[] = [];
    for (const folder of ['a', 'b', 'c', 'd', 'e'])
      for (let i = 0; i < 2000; i++) keys.push(`${folder}/${i}`);
    keys.push('top');
    const { scan, rowsRead, openCursors } = asyncScan(keys, 1);
    const result = await walkListingAsync(scan, { prefix: '', delimiter: '/', after: '', max: 1000 });
    expect(result.prefixes).toEqual(['a/', 'b/', 'c/', 'd/', 'e/']);
    expect(result.rows.map((r) => r.key)).toEqual(['top']);
    expect(rowsRead()).toBe(6);
    expect(openCursors()).toBe(0);
  });

  it('agrees with walkListing and the model for any batch size (property)', async () => {
    const char = fc.constantFrom('a', 'b', '/', 'é', '😀', '\u{10ffff}', '\uffff');
    const text = fc.array(char, { maxLength: 5 }).map((cs) => cs.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          text.filter((k) => k !== ''),
          { maxLength: 30 },
        ),
        text,
        fc.constantFrom('', '/', '//', 'a/', '😀'),
        text,
        fc.nat(6),
        fc.integer({ min: 1, max: 8 }),
        async (keys, prefix, delimiter, after, max, batch) => {
          const q = { prefix, delimiter, after, max };
          const { scan, openCursors } = asyncScan(keys, batch);
          const walk = await walkListingAsync(scan, q);
          expect(walk).toEqual(walkListing(sortedScan(keys).scan, q));
          const model = modelList(keys, { prefix, delimiter, after, maxKeys: max });
          expect(walk.rows.map((r) => r.key)).toEqual(model.keys);
          expect(walk.prefixes).toEqual(model.commonPrefixes);
          expect(walk.truncated).toBe(model.isTruncated);
          expect(openCursors()).toBe(0);
        },
      ),
      { numRuns: 1_000, interruptAfterTimeLimit: 3_000 },
    );
  });
});
