import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { isDeleteMarker, type MetadataStore } from '../types.js';
import { bucket, collect, freshBlob as obj, VERSION_ID, versionsQuery } from './fixtures.js';
import { VersionModel } from './version-model.js';

/** ListObjectVersions through the metadata port, and the model-based property (run by runVersioningContract). */
export function runVersionListingContract(getStore: () => MetadataStore): void {
  describe('versioning', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('v'));
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
