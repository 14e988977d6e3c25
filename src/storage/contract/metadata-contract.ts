import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore, ObjectRecord } from '../types.js';
import { blobObject, bucket, collect, expectCode, inlineObject } from './fixtures.js';
import { runAclContract } from './metadata-acl-contract.js';
import { runDamageContract } from './metadata-damage-contract.js';
import { runListingContract } from './metadata-listing-contract.js';
import { runLockContract } from './metadata-lock-contract.js';
import { runSseContract } from './metadata-sse-contract.js';
import { runUploadsContract } from './metadata-uploads-contract.js';
import { runVersioningContract } from './metadata-versioning-contract.js';

export type MetadataFactory = () => Promise<MetadataStore>;

/**
 * The contract every MetadataStore implementation passes. `open` returns a
 * fresh, empty store; the suite closes it.
 * @example runMetadataContract('sqlite', async () => new SqliteMetadataStore(tempFile()));
 */
export function runMetadataContract(name: string, open: MetadataFactory): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('buckets', () => {
      it('creates, gets and lists buckets sorted by name', async () => {
        await store.createBucket(bucket('zeta'));
        await store.createBucket({ ...bucket('alpha', 'acct-1'), region: 'eu-west-1', createdAt: 42 });
        expect(await store.getBucket('alpha')).toEqual({
          name: 'alpha',
          account: 'acct-1',
          region: 'eu-west-1',
          createdAt: 42,
        });
        expect(await store.getBucket('missing')).toBeUndefined();
        expect((await store.listBuckets()).map((b) => b.name)).toEqual(['alpha', 'zeta']);
      });

      it('rejects a second create: owned by you for the same account, exists for another', async () => {
        await store.createBucket(bucket('b1', 'acct-1'));
        await expectCode(store.createBucket(bucket('b1', 'acct-1')), 'BucketAlreadyOwnedByYou');
        await expectCode(store.createBucket(bucket('b1', 'acct-2')), 'BucketAlreadyExists');
        expect((await store.getBucket('b1'))?.account).toBe('acct-1');
      });

      it('deletes an empty bucket; NoSuchBucket when missing', async () => {
        await store.createBucket(bucket('b1'));
        await store.deleteBucket('b1');
        expect(await store.getBucket('b1')).toBeUndefined();
        await expectCode(store.deleteBucket('b1'), 'NoSuchBucket');
      });

      it('refuses to delete a bucket with objects or in-progress uploads', async () => {
        await store.createBucket(bucket('b1'));
        await store.putObject(inlineObject('b1', 'k'));
        await expectCode(store.deleteBucket('b1'), 'BucketNotEmpty');
        await store.deleteObject('b1', 'k');
        await store.createUpload({
          uploadId: 'u1',
          bucket: 'b1',
          key: 'k',
          initiatedAt: 1,
          headers: {},
          userMetadata: {},
          tags: [],
        });
        await expectCode(store.deleteBucket('b1'), 'BucketNotEmpty');
        await store.abortUpload('b1', 'k', 'u1');
        await store.deleteBucket('b1');
      });

      it('stores bucket tags; undefined means no tag set', async () => {
        await store.createBucket(bucket('b1'));
        expect(await store.getBucketTags('b1')).toBeUndefined();
        await store.setBucketTags('b1', [{ key: 'team', value: 'blue' }]);
        expect(await store.getBucketTags('b1')).toEqual([{ key: 'team', value: 'blue' }]);
        await store.setBucketTags('b1', []);
        expect(await store.getBucketTags('b1')).toEqual([]);
        await store.setBucketTags('b1', undefined);
        expect(await store.getBucketTags('b1')).toBeUndefined();
        await expectCode(store.getBucketTags('nope'), 'NoSuchBucket');
        await expectCode(store.setBucketTags('nope', []), 'NoSuchBucket');
      });
    });

    describe('objects', () => {
      beforeEach(async () => {
        await store.createBucket(bucket('b'));
      });

      it('checks a write expectation inside the commit (compare-and-set), never committing on failure', async () => {
        const first = inlineObject('b', 'cas', 'one');
        await expectCode(store.putObjectVersioned(first, { ifMatch: '*' }), 'NoSuchKey');
        await store.putObjectVersioned(first, { ifNoneMatch: true });
        const second = { ...inlineObject('b', 'cas', 'two'), etag: 'b8a9f715dbb64fd5c56e7783c6820a61' };
        await expectCode(
          store.putObjectVersioned(second, { ifNoneMatch: true }),
          'ConditionalRequestConflict',
        );
        await expectCode(
          store.putObjectVersioned(second, { ifMatch: '"0000"' }),
          'ConditionalRequestConflict',
        );
        expect((await store.getObject('b', 'cas'))?.etag).toBe(first.etag);
        await store.putObjectVersioned(second, { ifMatch: `"${first.etag}"` });
        expect((await store.getObject('b', 'cas'))?.etag).toBe(second.etag);
        await expectCode(
          store.deleteObjectVersioned('b', 'cas', undefined, undefined, { ifMatch: first.etag }),
          'ConditionalRequestConflict',
        );
        await store.deleteObjectVersioned('b', 'cas', undefined, undefined, { ifMatch: second.etag });
        expect(await store.getObject('b', 'cas')).toBeUndefined();
      });

      it('round-trips an inline object with every field', async () => {
        const record: ObjectRecord = {
          ...inlineObject('b', 'dir/file.txt', 'bytes\u0000\u00ff'),
          contentType: 'text/plain',
          headers: { 'cache-control': 'no-cache', 'content-language': 'fr' },
          userMetadata: { color: 'bleu', 'x-y': 'ü' },
          tags: [
            { key: 'a', value: '1' },
            { key: 'b', value: '' },
          ],
          checksum: { algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' },
        };
        expect(await store.putObject(record)).toEqual([]);
        const got = await store.getObject('b', 'dir/file.txt');
        expect(got).toEqual(record);
        expect(got?.data.kind === 'inline' && Buffer.isBuffer(got.data.bytes)).toBe(true);
      });

      it('omits absent optional fields and round-trips an empty body', async () => {
        await store.putObject(inlineObject('b', 'empty', ''));
        const got = await store.getObject('b', 'empty');
        expect(got).toBeDefined();
        for (const field of ['contentType', 'checksum', 'parts']) expect(field in got!).toBe(false);
        expect(got!.data).toEqual({ kind: 'inline', bytes: Buffer.alloc(0) });
      });

      it('round-trips a multipart object made of blob segments', async () => {
        const record: ObjectRecord = {
          ...blobObject('b', 'big', [
            { blobId: 'p1', size: 5, crc32: 4_294_967_295 },
            { blobId: 'p2', size: 3 },
          ]),
          etag: 'abc-2',
          parts: [
            { partNumber: 1, size: 5, etag: 'e1' },
            {
              partNumber: 2,
              size: 3,
              etag: 'e2',
              checksum: { algorithm: 'SHA256', value: 'x=', type: 'COMPOSITE' },
            },
          ],
          checksum: { algorithm: 'SHA256', value: 'y=-2', type: 'COMPOSITE' },
        };
        await store.putObject(record);
        expect(await store.getObject('b', 'big')).toEqual(record);
        expect(await collect(store.referencedBlobIds())).toEqual(new Set(['p1', 'p2']));
      });

      it('returns undefined for a missing key and NoSuchBucket when putting into a missing bucket', async () => {
        expect(await store.getObject('b', 'nope')).toBeUndefined();
        expect(await store.getObject('nobucket', 'nope')).toBeUndefined();
        await expectCode(store.putObject(inlineObject('nobucket', 'k')), 'NoSuchBucket');
      });

      it('overwrites last-writer-wins and returns the replaced blobs', async () => {
        expect(await store.putObject(blobObject('b', 'k', [{ blobId: 'old', size: 1 }]))).toEqual([]);
        expect(await store.putObject(blobObject('b', 'k', [{ blobId: 'new', size: 2 }]))).toEqual(['old']);
        expect(await store.putObject(inlineObject('b', 'k', 'inline now'))).toEqual(['new']);
        expect(await store.putObject(inlineObject('b', 'k', 'again'))).toEqual([]);
        const got = await store.getObject('b', 'k');
        expect(got?.data).toEqual({ kind: 'inline', bytes: Buffer.from('again') });
        expect(await collect(store.referencedBlobIds())).toEqual(new Set());
      });

      it('never returns a blob that something still references', async () => {
        await store.putObject(blobObject('b', 'one', [{ blobId: 'shared', size: 1 }]));
        await store.putObject(blobObject('b', 'two', [{ blobId: 'shared', size: 1 }]));
        // Rewriting an object onto the blob it already has frees nothing.
        expect(await store.putObject(blobObject('b', 'one', [{ blobId: 'shared', size: 1 }]))).toEqual([]);
        expect(await store.deleteObject('b', 'one')).toEqual([]);
        expect(await store.deleteObject('b', 'two')).toEqual(['shared']);
      });

      it('deletes objects, returning their blobs; deleting a missing key returns nothing', async () => {
        await store.putObject(
          blobObject('b', 'k', [
            { blobId: 'x', size: 1 },
            { blobId: 'y', size: 1 },
          ]),
        );
        expect((await store.deleteObject('b', 'k')).sort()).toEqual(['x', 'y']);
        expect(await store.getObject('b', 'k')).toBeUndefined();
        expect(await store.deleteObject('b', 'k')).toEqual([]);
        expect(await store.deleteObject('nobucket', 'k')).toEqual([]);
      });

      it('sets object tags; NoSuchKey and NoSuchBucket', async () => {
        await store.putObject(inlineObject('b', 'k'));
        await store.setObjectTags('b', 'k', [{ key: 'env', value: 'prod' }]);
        expect((await store.getObject('b', 'k'))?.tags).toEqual([{ key: 'env', value: 'prod' }]);
        await store.setObjectTags('b', 'k', []);
        expect((await store.getObject('b', 'k'))?.tags).toEqual([]);
        await expectCode(store.setObjectTags('b', 'nope', []), 'NoSuchKey');
        await expectCode(store.setObjectTags('nobucket', 'k', []), 'NoSuchBucket');
      });

      it('keeps objects of different buckets apart', async () => {
        await store.createBucket(bucket('c'));
        await store.putObject(inlineObject('b', 'k', 'in b'));
        await store.putObject(inlineObject('c', 'k', 'in c'));
        await store.deleteObject('b', 'k');
        expect((await store.getObject('c', 'k'))?.data).toEqual({
          kind: 'inline',
          bytes: Buffer.from('in c'),
        });
        const list = await store.listObjects({
          bucket: 'c',
          prefix: '',
          delimiter: '',
          after: '',
          maxKeys: 10,
        });
        expect(list.objects.map((o) => o.key)).toEqual(['k']);
      });
    });

    describe('versions', () => {
      beforeEach(async () => {
        await store.createBucket(bucket('b'));
      });

      it('assigns the null version to an object of an unversioned bucket', async () => {
        const { versionId: _, ...unversioned } = inlineObject('b', 'k', 'v1');
        await store.putObject(unversioned);
        expect((await store.getObject('b', 'k'))?.versionId).toBe('null');
        expect(await store.getObject('b', 'k', 'null')).toEqual(inlineObject('b', 'k', 'v1'));
        expect(await store.getObject('b', 'k', 'other')).toBeUndefined();
        await store.putObject(inlineObject('b', 'k', 'v2')); // replaces the null version
        expect((await store.getObject('b', 'k', 'null'))?.data).toEqual({
          kind: 'inline',
          bytes: Buffer.from('v2'),
        });
      });

      it('deletes and tags one version: the current one when none is named', async () => {
        await store.putObject(blobObject('b', 'k', [{ blobId: 'x', size: 1 }]));
        expect(await store.deleteObject('b', 'k', 'other')).toEqual([]);
        await store.setObjectTags('b', 'k', [{ key: 't', value: '1' }], 'null');
        expect((await store.getObject('b', 'k'))?.tags).toEqual([{ key: 't', value: '1' }]);
        await expectCode(store.setObjectTags('b', 'k', [], 'other'), 'NoSuchVersion');
        expect(await store.deleteObject('b', 'k', 'null')).toEqual(['x']);
        expect(await store.getObject('b', 'k')).toBeUndefined();
        await expectCode(store.setObjectTags('b', 'k', [], 'null'), 'NoSuchVersion');
        await expectCode(store.setObjectTags('b', 'k', []), 'NoSuchKey');
      });
    });

    runListingContract(() => store);
    runUploadsContract(() => store);
    runVersioningContract(() => store);
    runLockContract(() => store);
    runDamageContract(() => store);
    runAclContract(() => store);
    runSseContract(() => store);
  });
}
