import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  isDeleteMarker,
  type ListVersionsQuery,
  type MetadataStore,
  type ObjectRecord,
  type VersionSummary,
} from '../types.js';
import { blobObject, bucket, collect, expectCode, inlineObject, upload } from './fixtures.js';
import { VersionModel } from './version-model.js';

/** AWS-style version ids: 32 URL-safe characters (what src/s3/version-id.ts accepts). */
const VERSION_ID = /^[A-Za-z0-9._-]{32}$/;

/** A record as a caller writes it: the store assigns the version id. */
function fresh(record: ObjectRecord): ObjectRecord {
  const { versionId: _, ...rest } = record;
  return rest;
}

function obj(name: string, key: string, blobId: string): ObjectRecord {
  return fresh(blobObject(name, key, [{ blobId, size: 1 }]));
}

function versionsQuery(q: Partial<ListVersionsQuery> = {}): ListVersionsQuery {
  return { prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', maxKeys: 1000, ...q };
}

/** S3 versioning through the metadata port (run by runMetadataContract). */
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

    it('lists versions with prefix, delimiter, markers and truncation', async () => {
      await store.setBucketVersioning('v', 'Enabled');
      const ids: Record<string, string[]> = {};
      for (const key of ['a', 'b', 'dir/x', 'dir/y', 'e']) {
        ids[key] = [];
        for (let i = 0; i < 3; i++)
          ids[key].unshift((await store.putObjectVersioned(obj('v', key, `${key}${i}`))).versionId);
      }
      await store.deleteObjectVersioned('v', 'b');
      const top = await store.listObjectVersions('v', versionsQuery({ delimiter: '/' }));
      expect(top.commonPrefixes).toEqual(['dir/']);
      expect(top.versions.map((v) => v.key)).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'b', 'e', 'e', 'e']);
      expect(top.isTruncated).toBe(false);
      const p1 = await store.listObjectVersions('v', versionsQuery({ maxKeys: 2 }));
      expect(p1.versions.map((v) => v.versionId)).toEqual(ids['a']!.slice(0, 2));
      expect(p1).toMatchObject({ isTruncated: true, nextKeyMarker: 'a', nextVersionIdMarker: ids['a']![1] });
      const p2 = await store.listObjectVersions(
        'v',
        versionsQuery({ maxKeys: 2, keyMarker: 'a', versionIdMarker: ids['a']![1]! }),
      );
      expect(p2.versions.map((v) => [v.key, v.versionId])).toEqual([
        ['a', ids['a']![2]],
        ['b', expect.stringMatching(VERSION_ID)],
      ]);
      expect(p2.versions[1]).toMatchObject({ deleteMarker: true, isLatest: true });
      // key-marker alone: keys after it.
      const afterA = await store.listObjectVersions('v', versionsQuery({ keyMarker: 'a', maxKeys: 1 }));
      expect(afterA.versions.map((v) => v.key)).toEqual(['b']);
      // A page ending on a common prefix resumes after it, without a version id marker.
      const rolled = await store.listObjectVersions(
        'v',
        versionsQuery({ delimiter: '/', keyMarker: 'b', maxKeys: 1 }),
      );
      expect(rolled).toEqual({
        versions: [],
        commonPrefixes: ['dir/'],
        isTruncated: true,
        nextKeyMarker: 'dir/',
      });
      const next = await store.listObjectVersions('v', versionsQuery({ delimiter: '/', keyMarker: 'dir/' }));
      expect(next.versions.map((v) => v.key)).toEqual(['e', 'e', 'e']);
      const inDir = await store.listObjectVersions('v', versionsQuery({ prefix: 'dir/' }));
      expect(inDir.versions.map((v) => v.key)).toEqual([
        'dir/x',
        'dir/x',
        'dir/x',
        'dir/y',
        'dir/y',
        'dir/y',
      ]);
      expect(await store.listObjectVersions('v', versionsQuery({ maxKeys: 0 }))).toEqual({
        versions: [],
        commonPrefixes: [],
        isTruncated: false,
      });
      // An unknown version-id-marker resumes at the next key.
      const unknown = await store.listObjectVersions(
        'v',
        versionsQuery({ keyMarker: 'a', versionIdMarker: 'null', maxKeys: 1 }),
      );
      expect(unknown.versions.map((v) => v.key)).toEqual(['b']);
      expect(await store.listObjectVersions('empty-or-missing', versionsQuery())).toEqual({
        versions: [],
        commonPrefixes: [],
        isTruncated: false,
      });
    });

    it('matches a model of AWS versioning on random operation sequences (property, time-boxed)', async () => {
      const key = fc.constantFrom('a', 'a/b', 'a/c', 'b', 'c/d/e');
      const op = fc.oneof(
        { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), key }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
        {
          weight: 2,
          arbitrary: fc.record({ kind: fc.constant('deleteVersion' as const), key, pick: fc.nat(5) }),
        },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('enable' as const) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('suspend' as const) }) },
      );
      const listing = fc.record({
        prefix: fc.constantFrom('', 'a', 'a/', 'c/'),
        delimiter: fc.constantFrom('', '/'),
        maxKeys: fc.integer({ min: 1, max: 4 }),
      });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 30 }), listing, async (ops, lq) => {
          const name = `vp${run++}`;
          await store.createBucket(bucket(name));
          const model = new VersionModel();
          let blob = 0;
          for (const o of ops) {
            if (o.kind === 'enable' || o.kind === 'suspend') {
              const status = o.kind === 'enable' ? 'Enabled' : 'Suspended';
              await store.setBucketVersioning(name, status);
              model.state = status;
            } else if (o.kind === 'put') {
              const blobId = `${name}-${blob++}`;
              const w = await store.putObjectVersioned(obj(name, o.key, blobId));
              if (model.state === 'Enabled') expect(w.versionId).toMatch(VERSION_ID);
              expect(w.released).toEqual(model.put(o.key, blobId, w.versionId));
            } else if (o.kind === 'delete') {
              const d = await store.deleteObjectVersioned(name, o.key);
              const { versionId: newId, ...expected } = model.delete(o.key, d.versionId ?? '');
              expect(d).toEqual(newId === undefined ? expected : { ...expected, versionId: newId });
            } else {
              const versions = model.keys.get(o.key) ?? [];
              const versionId = versions[o.pick]?.versionId ?? 'no-such-version';
              const d = await store.deleteObjectVersioned(name, o.key, versionId);
              expect(d).toEqual({ versionId, ...model.deleteVersion(o.key, versionId) });
            }
          }
          // Every version, in S3's order.
          const all = (await store.listObjectVersions(name, versionsQuery())).versions;
          expect(
            all.map((v) => ({
              key: v.key,
              versionId: v.versionId,
              isLatest: v.isLatest,
              deleteMarker: v.deleteMarker,
            })),
          ).toEqual(model.all());
          // Current versions: getObject, lookupObject and listObjects.
          for (const k of ['a', 'a/b', 'a/c', 'b', 'c/d/e']) {
            const current = model.current(k);
            const got = await store.lookupObject(name, k);
            expect(
              got === undefined ? undefined : { versionId: got.versionId, deleteMarker: isDeleteMarker(got) },
            ).toEqual(
              current === undefined
                ? undefined
                : { versionId: current.versionId, deleteMarker: current.deleteMarker },
            );
            const object = await store.getObject(name, k);
            expect(object?.versionId).toBe(current?.deleteMarker === false ? current.versionId : undefined);
          }
          const live = [...model.keys.keys()].filter((k) => !model.current(k)!.deleteMarker);
          const objects = await store.listObjects({
            bucket: name,
            prefix: '',
            delimiter: '',
            after: '',
            maxKeys: 100,
          });
          expect(objects.objects.map((o) => o.key).sort()).toEqual(live.sort());
          // Paging with a prefix and a delimiter, page by page against the model.
          let keyMarker = '';
          let versionIdMarker = '';
          for (let page = 0; page < 200; page++) {
            const q = { ...lq, keyMarker, versionIdMarker };
            const r = await store.listObjectVersions(name, q);
            const m = model.list(q);
            expect({
              versions: r.versions.map((v) => ({
                key: v.key,
                versionId: v.versionId,
                isLatest: v.isLatest,
                deleteMarker: v.deleteMarker,
              })),
              commonPrefixes: r.commonPrefixes,
              isTruncated: r.isTruncated,
              nextKeyMarker: r.nextKeyMarker,
              nextVersionIdMarker: r.nextVersionIdMarker,
            }).toEqual({ nextKeyMarker: undefined, nextVersionIdMarker: undefined, ...m });
            if (!r.isTruncated) break;
            keyMarker = r.nextKeyMarker!;
            versionIdMarker = r.nextVersionIdMarker ?? '';
          }
          // Released blobs were deleted for good: what is left is what the model references.
          const referenced = [...(await collect(store.referencedBlobIds()))].filter((id) =>
            id.startsWith(`${name}-`),
          );
          const expected = [...model.keys.values()].flatMap((vs) =>
            vs.flatMap((v) => (v.blobId === undefined ? [] : [v.blobId])),
          );
          expect(referenced.sort()).toEqual(expected.sort());
        }),
        { numRuns: 1_000, interruptAfterTimeLimit: 4_000 },
      );
      expect(run).toBeGreaterThan(0);
    });
  });
}
