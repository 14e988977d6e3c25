import { beforeEach, describe, expect, it } from 'vitest';
import type { ListUploadsQuery, MetadataStore, MultipartUploadRecord, ObjectRecord } from '../types.js';
import { blobObject, bucket, collect, expectCode, inlineObject, part, upload } from './fixtures.js';

export function runUploadsContract(getStore: () => MetadataStore): void {
  describe('multipart uploads', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('b'));
    });

    it('creates and gets an upload with every field; only for its own bucket and key', async () => {
      const record: MultipartUploadRecord = {
        ...upload('b', 'k', 'u1', 123),
        contentType: 'video/mp4',
        headers: { 'content-disposition': 'attachment' },
        userMetadata: { origin: 'cam' },
        tags: [{ key: 't', value: 'v' }],
        checksumAlgorithm: 'CRC32C',
        checksumType: 'COMPOSITE',
      };
      await store.createUpload(record);
      expect(await store.getUpload('b', 'k', 'u1')).toEqual(record);
      expect(await store.getUpload('b', 'other', 'u1')).toBeUndefined();
      expect(await store.getUpload('c', 'k', 'u1')).toBeUndefined();
      expect(await store.getUpload('b', 'k', 'nope')).toBeUndefined();
      await store.createUpload(upload('b', 'k', 'u2'));
      const plain = await store.getUpload('b', 'k', 'u2');
      for (const field of ['contentType', 'checksumAlgorithm', 'checksumType'])
        expect(field in plain!).toBe(false);
      await expectCode(store.createUpload(upload('nobucket', 'k', 'u3')), 'NoSuchBucket');
    });

    it('records parts, returning the blob of a replaced part number', async () => {
      await store.createUpload(upload('b', 'k', 'u1'));
      expect(await store.putPart(part('u1', 2, 'blob2'))).toBeUndefined();
      expect(await store.putPart(part('u1', 1, 'blob1'))).toBeUndefined();
      expect(await store.putPart({ ...part('u1', 2, 'blob2b', 9), etag: 'new' })).toBe('blob2');
      const parts = await store.getParts('u1');
      expect(parts.map((p) => [p.partNumber, p.blobId, p.size, p.etag])).toEqual([
        [1, 'blob1', 5, 'etag1'],
        [2, 'blob2b', 9, 'new'],
      ]);
      const withChecksum = {
        ...part('u1', 3, 'blob3'),
        checksum: { algorithm: 'CRC32' as const, value: 'q==', type: 'COMPOSITE' as const },
        crc32: 123_456_789,
      };
      await store.putPart(withChecksum);
      expect((await store.getParts('u1'))[2]).toEqual(withChecksum);
      expect('checksum' in parts[0]!).toBe(false);
      await expectCode(store.putPart(part('nope', 1, 'x')), 'NoSuchUpload');
      expect(await collect(store.referencedBlobIds())).toEqual(new Set(['blob1', 'blob2b', 'blob3']));
    });

    it('pages parts with part-number-marker and max-parts', async () => {
      await store.createUpload(upload('b', 'k', 'u1'));
      for (const n of [1, 2, 3, 5, 8]) await store.putPart(part('u1', n, `blob${n}`));
      const numbers = async (partNumberMarker: number, maxParts: number) => {
        const r = await store.listParts({ uploadId: 'u1', partNumberMarker, maxParts });
        return [r.parts.map((p) => p.partNumber), r.isTruncated, r.nextPartNumberMarker];
      };
      expect(await numbers(0, 1000)).toEqual([[1, 2, 3, 5, 8], false, undefined]);
      expect(await numbers(0, 2)).toEqual([[1, 2], true, 2]);
      expect(await numbers(2, 2)).toEqual([[3, 5], true, 5]);
      expect(await numbers(5, 2)).toEqual([[8], false, undefined]);
      expect(await numbers(3, 2)).toEqual([[5, 8], false, undefined]);
      expect(await numbers(0, 0)).toEqual([[], false, undefined]);
      await expectCode(
        store.listParts({ uploadId: 'nope', partNumberMarker: 0, maxParts: 10 }),
        'NoSuchUpload',
      );
    });

    it('completes an upload: removes it, keeps used part blobs, frees unused ones and the replaced object', async () => {
      await store.putObject(blobObject('b', 'k', [{ blobId: 'previous', size: 4 }]));
      await store.createUpload(upload('b', 'k', 'u1'));
      for (const n of [1, 2, 3]) await store.putPart(part('u1', n, `blob${n}`));
      const record: ObjectRecord = {
        ...blobObject('b', 'k', [
          { blobId: 'blob1', size: 5 },
          { blobId: 'blob3', size: 5 },
        ]),
        etag: 'abc-2',
        parts: [
          { partNumber: 1, size: 5, etag: 'etag1' },
          { partNumber: 3, size: 5, etag: 'etag3' },
        ],
      };
      expect((await store.completeUpload('u1', record)).sort()).toEqual(['blob2', 'previous']);
      expect(await store.getObject('b', 'k')).toEqual(record);
      expect(await store.getUpload('b', 'k', 'u1')).toBeUndefined();
      expect(await store.getParts('u1')).toEqual([]);
      expect(await collect(store.referencedBlobIds())).toEqual(new Set(['blob1', 'blob3']));
      await expectCode(store.completeUpload('u1', record), 'NoSuchUpload');
      expect((await store.deleteObject('b', 'k')).sort()).toEqual(['blob1', 'blob3']);
      await store.deleteBucket('b');
    });

    it('completes only the upload of the record key; a missing upload is NoSuchUpload', async () => {
      await store.createUpload(upload('b', 'k', 'u1'));
      await expectCode(store.completeUpload('u1', inlineObject('b', 'other')), 'NoSuchUpload');
      await expectCode(store.completeUpload('nope', inlineObject('b', 'k')), 'NoSuchUpload');
      expect(await store.getObject('b', 'other')).toBeUndefined();
      expect(await store.getUpload('b', 'k', 'u1')).toBeDefined();
    });

    it('aborts an upload, returning its part blobs', async () => {
      await store.createUpload(upload('b', 'k', 'u1'));
      await store.putPart(part('u1', 1, 'blob1'));
      await store.putPart(part('u1', 2, 'blob2'));
      await expectCode(store.abortUpload('b', 'wrong', 'u1'), 'NoSuchUpload');
      expect((await store.abortUpload('b', 'k', 'u1')).sort()).toEqual(['blob1', 'blob2']);
      await expectCode(store.abortUpload('b', 'k', 'u1'), 'NoSuchUpload');
      expect(await store.getParts('u1')).toEqual([]);
      expect(await collect(store.referencedBlobIds())).toEqual(new Set());
    });

    describe('listUploads', () => {
      const base: ListUploadsQuery = {
        bucket: 'b',
        prefix: '',
        delimiter: '',
        keyMarker: '',
        uploadIdMarker: '',
        maxUploads: 1000,
      };
      // key → [upload id, initiated]; ids deliberately not in time order.
      const layout: [string, string, number][] = [
        ['a/1', 'z1', 1],
        ['a/2', 'y2', 2],
        ['b', 'x3', 3],
        ['b', 'c4', 5],
        ['b', 'w5', 4],
        ['c/d/e', 'v6', 6],
        ['é', 'u7', 7],
      ];
      const ids = (r: { uploads: MultipartUploadRecord[] }) => r.uploads.map((u) => u.uploadId);
      beforeEach(async () => {
        for (const [key, id, at] of layout) await store.createUpload(upload('b', key, id, at));
      });

      it('sorts by key, then by initiation time', async () => {
        const r = await store.listUploads(base);
        expect(ids(r)).toEqual(['z1', 'y2', 'x3', 'w5', 'c4', 'v6', 'u7']);
        expect(r.isTruncated).toBe(false);
        expect(r.uploads[0]).toEqual(upload('b', 'a/1', 'z1', 1));
      });

      it('filters by prefix and rolls up common prefixes', async () => {
        const r = await store.listUploads({ ...base, delimiter: '/' });
        expect(ids(r)).toEqual(['x3', 'w5', 'c4', 'u7']);
        expect(r.commonPrefixes).toEqual(['a/', 'c/']);
        const sub = await store.listUploads({ ...base, prefix: 'c/', delimiter: '/' });
        expect(sub.commonPrefixes).toEqual(['c/d/']);
        expect(ids(await store.listUploads({ ...base, prefix: 'a/' }))).toEqual(['z1', 'y2']);
      });

      it('applies key-marker, and upload-id-marker within the key-marker', async () => {
        expect(ids(await store.listUploads({ ...base, keyMarker: 'b' }))).toEqual(['v6', 'u7']);
        expect(ids(await store.listUploads({ ...base, keyMarker: 'b', uploadIdMarker: 'x3' }))).toEqual([
          'w5',
          'c4',
          'v6',
          'u7',
        ]);
        // upload-id-marker is ignored without key-marker.
        expect(ids(await store.listUploads({ ...base, uploadIdMarker: 'x3' }))).toHaveLength(7);
        expect(await store.listUploads({ ...base, maxUploads: 0 })).toEqual({
          uploads: [],
          commonPrefixes: [],
          isTruncated: false,
        });
      });

      it('pages through every upload and prefix exactly once', async () => {
        for (const delimiter of ['', '/']) {
          const full = await store.listUploads({ ...base, delimiter });
          for (const maxUploads of [1, 2, 3]) {
            const seen: string[] = [];
            const prefixes: string[] = [];
            let q: ListUploadsQuery = { ...base, delimiter, maxUploads };
            for (let page = 0; page < 100; page++) {
              const r = await store.listUploads(q);
              expect(r.uploads.length + r.commonPrefixes.length).toBeLessThanOrEqual(maxUploads);
              seen.push(...ids(r));
              prefixes.push(...r.commonPrefixes);
              if (!r.isTruncated) break;
              q = { ...q, keyMarker: r.nextKeyMarker!, uploadIdMarker: r.nextUploadIdMarker ?? '' };
            }
            expect(seen).toEqual(ids(full));
            expect(prefixes).toEqual(full.commonPrefixes);
          }
        }
      });
    });
  });
}
