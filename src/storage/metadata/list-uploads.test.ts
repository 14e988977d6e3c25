import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { upload } from '../contract/fixtures.js';
import type { ListUploadsQuery, MultipartUploadRecord } from '../types.js';
import { compareUtf8 } from './keys.js';
import { type AsyncUploadSource, listUploads, listUploadsAsync, type UploadSource } from './list-uploads.js';

/** One bucket's uploads in memory, in (key, initiated, upload id) order, as both kinds of source. */
function sources(
  uploads: MultipartUploadRecord[],
  batch: number,
): { sync: UploadSource; async: AsyncUploadSource } {
  const sorted = [...uploads].sort(
    (a, b) =>
      compareUtf8(a.key, b.key) || a.initiatedAt - b.initiatedAt || compareUtf8(a.uploadId, b.uploadId),
  );
  const sync: UploadSource = {
    upload: (id) => sorted.find((u) => u.uploadId === id),
    uploadsOfKey: (key, after, limit) =>
      sorted
        .filter(
          (u) =>
            u.key === key &&
            ('initiatedAt' in after
              ? u.initiatedAt > after.initiatedAt ||
                (u.initiatedAt === after.initiatedAt && compareUtf8(u.uploadId, after.uploadId) > 0)
              : compareUtf8(u.uploadId, after.uploadId) > 0),
        )
        .slice(0, limit),
    *scan(lower, upper, limit) {
      let n = 0;
      for (const u of sorted) {
        if (compareUtf8(u.key, lower) < 0) continue;
        if ((upper !== undefined && compareUtf8(u.key, upper) >= 0) || n++ === limit) return;
        yield u;
      }
    },
  };
  const async: AsyncUploadSource = {
    upload: async (id) => sync.upload(id),
    uploadsOfKey: async (key, after, limit) => sync.uploadsOfKey(key, after, limit),
    async *scan(lower, upper, limit) {
      let rows: MultipartUploadRecord[] = [];
      for (const u of sync.scan(lower, upper, limit)) {
        rows.push(u);
        if (rows.length === batch) {
          yield rows;
          rows = [];
        }
      }
      if (rows.length > 0) yield rows;
    },
  };
  return { sync, async };
}

describe('listUploads', () => {
  it('gives the same pages over a synchronous and an asynchronous source (property)', async () => {
    const key = fc.constantFrom('a', 'a/1', 'a/2', 'b', 'b/c/d', 'é', 'é/x');
    const id = fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6');
    const layout = fc.uniqueArray(fc.record({ key, id, at: fc.nat(3) }), {
      selector: (u) => u.id,
      maxLength: 6,
    });
    const query = fc.record({
      prefix: fc.constantFrom('', 'a', 'a/', 'b/'),
      delimiter: fc.constantFrom('', '/'),
      keyMarker: fc.constantFrom('', 'a', 'a/1', 'b', 'é'),
      uploadIdMarker: fc.constantFrom('', 'u2', 'u4', 'zz'),
      maxUploads: fc.nat(4),
    });
    await fc.assert(
      fc.asyncProperty(layout, query, fc.integer({ min: 1, max: 3 }), async (us, q, batch) => {
        const { sync, async } = sources(
          us.map((u) => upload('b', u.key, u.id, u.at)),
          batch,
        );
        const full: ListUploadsQuery = { bucket: 'b', ...q };
        expect(await listUploadsAsync(async, full)).toEqual(listUploads(sync, full));
      }),
      { numRuns: 1_000, interruptAfterTimeLimit: 3_000 },
    );
  });

  it('starts after the marker upload within key-marker, and reports where the next page starts', () => {
    const { sync } = sources(
      [
        upload('b', 'k', 'x3', 3),
        upload('b', 'k', 'c4', 5),
        upload('b', 'k', 'w5', 4),
        upload('b', 'm', 'v6', 6),
      ],
      1,
    );
    const q = { bucket: 'b', prefix: '', delimiter: '', keyMarker: 'k', uploadIdMarker: 'x3', maxUploads: 1 };
    expect(listUploads(sync, q)).toEqual({
      uploads: [upload('b', 'k', 'w5', 4)],
      commonPrefixes: [],
      isTruncated: true,
      nextKeyMarker: 'k',
      nextUploadIdMarker: 'w5',
    });
  });
});
