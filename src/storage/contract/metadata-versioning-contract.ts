import { beforeEach, describe, expect, it } from 'vitest';
import { isDeleteMarker, type ListVersionsQuery, type MetadataStore, type VersionSummary } from '../types.js';
import {
  blobObject,
  bucket,
  collect,
  expectCode,
  fresh,
  inlineObject,
  freshBlob as obj,
  upload,
  VERSION_ID,
  versionsQuery,
} from './fixtures.js';
import { runObjectReadContract } from './metadata-read-contract.js';
import { runVersionListingContract } from './metadata-version-listing-contract.js';

/**
 * S3 versioning through the metadata port, writes and deletes (run by runMetadataContract; the
 * listing half is metadata-version-listing-contract.ts, registered from here).
 */
export function runVersioningContract(getStore: () => MetadataStore): void {
  describe('versioning', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('v'));
    });

    const short = (v: VersionSummary) =>
      `${v.key}:${v.deleteMarker ? 'marker' : 'object'}${v.isLatest ? ':latest' : ''}`;
    const listAll = async (name = 'v', q: Partial<ListVersionsQuery> = {}) =>
      (await store.listObjectVersions(name, versionsQuery(q))).versions;

    it('keeps the bucket versioning state: never configured, Enabled, Suspended', async () => {
      expect(await store.getBucketVersioning('v')).toBeUndefined();
      expect('versioning' in (await store.getBucket('v'))!).toBe(false);
      await store.setBucketVersioning('v', 'Enabled');
      expect(await store.getBucketVersioning('v')).toBe('Enabled');
      expect((await store.getBucket('v'))?.versioning).toBe('Enabled');
      await store.setBucketVersioning('v', 'Suspended');
      expect(await store.getBucketVersioning('v')).toBe('Suspended');
      expect((await store.listBuckets()).find((b) => b.name === 'v')?.versioning).toBe('Suspended');
      await expectCode(store.getBucketVersioning('nope'), 'NoSuchBucket');
      await expectCode(store.setBucketVersioning('nope', 'Enabled'), 'NoSuchBucket');
      await store.createBucket({ ...bucket('born-versioned'), versioning: 'Enabled' });
      expect(await store.getBucketVersioning('born-versioned')).toBe('Enabled');
    });

    it('reports the null version for writes to a never-configured bucket, as before', async () => {
      expect(await store.putObjectVersioned(obj('v', 'k', 'b1'))).toEqual({
        versionId: 'null',
        released: [],
      });
      expect(await store.putObjectVersioned(obj('v', 'k', 'b2'))).toEqual({
        versionId: 'null',
        released: ['b1'],
      });
      expect(await store.deleteObjectVersioned('v', 'k')).toEqual({ deleteMarker: false, released: ['b2'] });
      expect(await listAll()).toEqual([]);
    });

    it('Enabled: every put is a new current version with a fresh id, and releases nothing', async () => {
      await store.putObject(obj('v', 'k', 'b0')); // the null version, from before versioning
      await store.setBucketVersioning('v', 'Enabled');
      const w1 = await store.putObjectVersioned(obj('v', 'k', 'b1'));
      const w2 = await store.putObjectVersioned(obj('v', 'k', 'b2'));
      expect(w1.released).toEqual([]);
      expect(w2.released).toEqual([]);
      expect(w1.versionId).toMatch(VERSION_ID);
      expect(w2.versionId).toMatch(VERSION_ID);
      expect(w1.versionId).not.toBe(w2.versionId);
      const current = await store.getObject('v', 'k');
      expect(current?.versionId).toBe(w2.versionId);
      expect(current?.data).toEqual({ kind: 'blobs', segments: [{ blobId: 'b2', size: 1 }] });
      expect((await store.getObject('v', 'k', w1.versionId))?.data).toEqual({
        kind: 'blobs',
        segments: [{ blobId: 'b1', size: 1 }],
      });
      expect((await store.getObject('v', 'k', 'null'))?.versionId).toBe('null');
      expect(await collect(store.referencedBlobIds())).toEqual(new Set(['b0', 'b1', 'b2']));
      const versions = await listAll();
      expect(versions.map((v) => [v.versionId, v.isLatest])).toEqual([
        [w2.versionId, true],
        [w1.versionId, false],
        ['null', false],
      ]);
      expect(versions[0]).toMatchObject({ key: 'k', size: 1, deleteMarker: false, etag: current?.etag });
      // listObjects shows the current version once.
      const list = await store.listObjects({
        bucket: 'v',
        prefix: '',
        delimiter: '',
        after: '',
        maxKeys: 10,
      });
      expect(list.objects.map((o) => o.key)).toEqual(['k']);
    });

    it('refuses a record that names a version id in an Enabled bucket', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      await expectCode(store.putObjectVersioned(inlineObject('v', 'k')), 'InternalError');
      await expectCode(store.putObjectVersioned(fresh(inlineObject('nobucket', 'k'))), 'NoSuchBucket');
    });

    it('Suspended: a put replaces the null version (releasing it) and keeps the others', async () => {
      await store.putObject(obj('v', 'k', 'b0'));
      await store.setBucketVersioning('v', 'Enabled');
      const w1 = await store.putObjectVersioned(obj('v', 'k', 'b1'));
      await store.setBucketVersioning('v', 'Suspended');
      expect(await store.putObjectVersioned(obj('v', 'k', 'b2'))).toEqual({
        versionId: 'null',
        released: ['b0'],
      });
      expect(await store.putObjectVersioned(obj('v', 'k', 'b3'))).toEqual({
        versionId: 'null',
        released: ['b2'],
      });
      // A record may name the version the store assigns ('null').
      expect(await store.putObjectVersioned(blobObject('v', 'k', [{ blobId: 'b4', size: 1 }]))).toEqual({
        versionId: 'null',
        released: ['b3'],
      });
      expect((await listAll()).map((v) => [v.versionId, v.isLatest])).toEqual([
        ['null', true],
        [w1.versionId, false],
      ]);
      expect((await store.getObject('v', 'k'))?.versionId).toBe('null');
    });

    it('Enabled: a delete without a version id puts a delete marker on top', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      const w1 = await store.putObjectVersioned(obj('v', 'k', 'b1'));
      await store.putObjectVersioned(obj('v', 'other', 'b9'));
      const d = await store.deleteObjectVersioned('v', 'k', undefined, 1_700_000_009_000);
      expect(d.deleteMarker).toBe(true);
      expect(d.released).toEqual([]);
      expect(d.versionId).toMatch(VERSION_ID);
      expect(await store.getObject('v', 'k')).toBeUndefined();
      expect(await store.lookupObject('v', 'k')).toEqual({
        bucket: 'v',
        key: 'k',
        versionId: d.versionId,
        lastModified: 1_700_000_009_000,
        deleteMarker: true,
      });
      const byId = await store.lookupObject('v', 'k', d.versionId);
      expect(byId !== undefined && isDeleteMarker(byId)).toBe(true);
      expect(await store.getObject('v', 'k', d.versionId)).toBeUndefined();
      const older = await store.lookupObject('v', 'k', w1.versionId);
      expect(older !== undefined && !isDeleteMarker(older) && older.versionId === w1.versionId).toBe(true);
      expect((await store.getObject('v', 'k', w1.versionId))?.versionId).toBe(w1.versionId);
      const list = await store.listObjects({
        bucket: 'v',
        prefix: '',
        delimiter: '',
        after: '',
        maxKeys: 10,
      });
      expect(list.objects.map((o) => o.key)).toEqual(['other']);
      expect((await listAll()).map(short)).toEqual(['k:marker:latest', 'k:object', 'other:object:latest']);
      const marker = (await listAll())[0]!;
      expect(marker).toEqual({
        key: 'k',
        versionId: d.versionId,
        isLatest: true,
        deleteMarker: true,
        size: 0,
        etag: '',
        lastModified: 1_700_000_009_000,
      });
      await expectCode(store.setObjectTags('v', 'k', []), 'NoSuchKey');
      await expectCode(store.setObjectTags('v', 'k', [], d.versionId), 'NoSuchVersion');
      // A second delete stacks another marker; a delete of a key with no versions makes one too.
      expect((await store.deleteObjectVersioned('v', 'k')).deleteMarker).toBe(true);
      expect((await store.deleteObjectVersioned('v', 'never')).deleteMarker).toBe(true);
      expect((await listAll()).map(short)).toEqual([
        'k:marker:latest',
        'k:marker',
        'k:object',
        'never:marker:latest',
        'other:object:latest',
      ]);
      expect(await store.lookupObject('v', 'missing')).toBeUndefined();
    });

    it('Suspended: a delete puts a null delete marker in place of the null version', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      const w1 = await store.putObjectVersioned(obj('v', 'k', 'b1'));
      await store.setBucketVersioning('v', 'Suspended');
      await store.putObjectVersioned(obj('v', 'k', 'b2'));
      expect(await store.deleteObjectVersioned('v', 'k')).toEqual({
        versionId: 'null',
        deleteMarker: true,
        released: ['b2'],
      });
      expect((await listAll()).map((v) => [v.versionId, v.deleteMarker, v.isLatest])).toEqual([
        ['null', true, true],
        [w1.versionId, false, false],
      ]);
      expect(await store.deleteObjectVersioned('v', 'k')).toEqual({
        versionId: 'null',
        deleteMarker: true,
        released: [],
      });
      expect((await listAll()).length).toBe(2);
    });

    it('a delete with a version id removes it for good; the next newest becomes current', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      const w1 = await store.putObjectVersioned(obj('v', 'k', 'b1'));
      const w2 = await store.putObjectVersioned(obj('v', 'k', 'b2'));
      const m = await store.deleteObjectVersioned('v', 'k');
      // Removing the delete marker brings the object back.
      expect(await store.deleteObjectVersioned('v', 'k', m.versionId)).toEqual({
        versionId: m.versionId,
        deleteMarker: true,
        released: [],
      });
      expect((await store.getObject('v', 'k'))?.versionId).toBe(w2.versionId);
      // A non-current version: the current one stays.
      expect(await store.deleteObjectVersioned('v', 'k', w1.versionId)).toEqual({
        versionId: w1.versionId,
        deleteMarker: false,
        released: ['b1'],
      });
      expect((await store.getObject('v', 'k'))?.versionId).toBe(w2.versionId);
      const w3 = await store.putObjectVersioned(obj('v', 'k', 'b3'));
      expect((await store.deleteObjectVersioned('v', 'k', w3.versionId)).released).toEqual(['b3']);
      expect((await store.getObject('v', 'k'))?.versionId).toBe(w2.versionId);
      expect((await listAll()).map(short)).toEqual(['k:object:latest']);
      // A version that does not exist: nothing happens, S3 still answers with its id.
      expect(await store.deleteObjectVersioned('v', 'k', 'nope')).toEqual({
        versionId: 'nope',
        deleteMarker: false,
        released: [],
      });
      expect((await store.deleteObjectVersioned('v', 'k', w2.versionId)).released).toEqual(['b2']);
      expect(await store.lookupObject('v', 'k')).toBeUndefined();
      expect(await collect(store.referencedBlobIds())).toEqual(new Set());
    });

    it('a bucket holding only delete markers is not empty', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      const m = await store.deleteObjectVersioned('v', 'k');
      await expectCode(store.deleteBucket('v'), 'BucketNotEmpty');
      await store.deleteObjectVersioned('v', 'k', m.versionId);
      await store.deleteBucket('v');
    });

    it('completes a multipart upload as a new version in an Enabled bucket', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      const w1 = await store.putObjectVersioned(obj('v', 'k', 'b1'));
      await store.createUpload(upload('v', 'k', 'u1'));
      await store.putPart({
        uploadId: 'u1',
        partNumber: 1,
        size: 1,
        etag: 'e',
        lastModified: 1,
        blobId: 'p1',
      });
      await store.putPart({
        uploadId: 'u1',
        partNumber: 2,
        size: 1,
        etag: 'e',
        lastModified: 1,
        blobId: 'p2',
      });
      const w = await store.completeUploadVersioned('u1', obj('v', 'k', 'p1'));
      expect(w.versionId).toMatch(VERSION_ID);
      expect(w.released).toEqual(['p2']); // the unused part; the older version is kept
      expect((await listAll()).map((v) => v.versionId)).toEqual([w.versionId, w1.versionId]);
    });
  });
  runVersionListingContract(getStore);
  runObjectReadContract(getStore);
}
