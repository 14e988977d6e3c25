import { beforeEach, describe, expect, it } from 'vitest';
import type { LockUpdate, MetadataStore, ObjectLock, RemovalGuard } from '../types.js';
import { bucket, collect, expectCode, fresh, freshBlob, inlineObject, part, upload } from './fixtures.js';

const RETAIN: ObjectLock = { mode: 'GOVERNANCE', retainUntil: 1_800_000_000_000 };
const HOLD: ObjectLock = { legalHold: true };
const BOTH: ObjectLock = { mode: 'COMPLIANCE', retainUntil: 1_900_000_000_000, legalHold: true };

/** A guard that records what it was asked about and refuses (with `refusal`) or allows. */
function recordingGuard(refusal?: Error): { guard: RemovalGuard; seen: (ObjectLock | undefined)[] } {
  const seen: (ObjectLock | undefined)[] = [];
  return {
    seen,
    guard: (lock) => {
      seen.push(lock);
      if (refusal !== undefined) throw refusal;
    },
  };
}

/** Bucket configuration documents and Object Lock through the metadata port (run by runMetadataContract). */
export function runLockContract(getStore: () => MetadataStore): void {
  describe('bucket configuration documents', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('c'));
    });

    it('keeps one document per kind: set, get, replace, remove; kinds and buckets are independent', async () => {
      const lifecycle = '<LifecycleConfiguration>\n  <Rule><ID>ü "1"</ID></Rule>\n</LifecycleConfiguration>';
      expect(await store.getBucketConfig('c', 'lifecycle')).toBeUndefined();
      expect(await store.getBucketConfig('c', 'object-lock')).toBeUndefined();
      await store.setBucketConfig('c', 'lifecycle', lifecycle);
      expect(await store.getBucketConfig('c', 'lifecycle')).toBe(lifecycle);
      expect(await store.getBucketConfig('c', 'object-lock')).toBeUndefined();
      await store.setBucketConfig('c', 'object-lock', '{"mode":"GOVERNANCE","days":1}');
      await store.setBucketConfig('c', 'lifecycle', 'second');
      expect(await store.getBucketConfig('c', 'lifecycle')).toBe('second');
      expect(await store.getBucketConfig('c', 'object-lock')).toBe('{"mode":"GOVERNANCE","days":1}');
      await store.createBucket(bucket('other'));
      expect(await store.getBucketConfig('other', 'lifecycle')).toBeUndefined();
      await store.setBucketConfig('other', 'lifecycle', 'theirs');
      expect(await store.getBucketConfig('c', 'lifecycle')).toBe('second');
      await store.setBucketConfig('c', 'lifecycle', undefined);
      expect(await store.getBucketConfig('c', 'lifecycle')).toBeUndefined();
      expect(await store.getBucketConfig('c', 'object-lock')).toBe('{"mode":"GOVERNANCE","days":1}');
      expect(await store.getBucketConfig('other', 'lifecycle')).toBe('theirs');
      // Removing a document that is not there is not an error.
      await store.setBucketConfig('c', 'lifecycle', undefined);
      expect(await store.getBucketConfig('c', 'lifecycle')).toBeUndefined();
    });

    it('NoSuchBucket for a missing bucket, getting and setting (which creates nothing)', async () => {
      await expectCode(store.getBucketConfig('nope', 'lifecycle'), 'NoSuchBucket');
      await expectCode(store.getBucketConfig('nope', 'object-lock'), 'NoSuchBucket');
      await expectCode(store.setBucketConfig('nope', 'lifecycle', 'doc'), 'NoSuchBucket');
      await expectCode(store.setBucketConfig('nope', 'object-lock', undefined), 'NoSuchBucket');
      expect(await store.getBucket('nope')).toBeUndefined();
      await store.createBucket(bucket('nope'));
      expect(await store.getBucketConfig('nope', 'lifecycle')).toBeUndefined();
    });

    it('removes the documents with the bucket: a re-created bucket of the same name has none', async () => {
      await store.setBucketConfig('c', 'lifecycle', 'lc');
      await store.setBucketConfig('c', 'object-lock', 'ol');
      await store.deleteBucket('c');
      await expectCode(store.getBucketConfig('c', 'lifecycle'), 'NoSuchBucket');
      await store.createBucket(bucket('c'));
      expect(await store.getBucketConfig('c', 'lifecycle')).toBeUndefined();
      expect(await store.getBucketConfig('c', 'object-lock')).toBeUndefined();
    });
  });

  describe('object lock', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('l'));
    });

    it('enableObjectLock turns it on for good, shown by getBucket and listBuckets', async () => {
      await store.createBucket(bucket('m'));
      expect('objectLock' in (await store.getBucket('l'))!).toBe(false);
      expect((await store.listBuckets()).some((b) => 'objectLock' in b)).toBe(false);
      await store.enableObjectLock('l');
      expect((await store.getBucket('l'))?.objectLock).toBe(true);
      const listed = await store.listBuckets();
      expect(listed.find((b) => b.name === 'l')?.objectLock).toBe(true);
      expect('objectLock' in listed.find((b) => b.name === 'm')!).toBe(false);
      // Again is fine; other bucket settings leave it on.
      await store.enableObjectLock('l');
      await store.setBucketVersioning('l', 'Enabled');
      await store.setBucketTags('l', [{ key: 't', value: 'v' }]);
      expect(await store.getBucket('l')).toEqual({ ...bucket('l'), versioning: 'Enabled', objectLock: true });
      await expectCode(store.enableObjectLock('nope'), 'NoSuchBucket');
      expect(await store.getBucket('nope')).toBeUndefined();
    });

    it('createBucket with objectLock and versioning Enabled round-trips', async () => {
      const record = {
        ...bucket('born-locked', 'acct-1'),
        versioning: 'Enabled' as const,
        objectLock: true as const,
      };
      await store.createBucket(record);
      expect(await store.getBucket('born-locked')).toEqual(record);
      expect((await store.listBuckets()).find((b) => b.name === 'born-locked')).toEqual(record);
      expect(await store.getBucketVersioning('born-locked')).toBe('Enabled');
    });

    it('stores the lock a write carries, per version; a version written without one has none', async () => {
      const unversioned = { ...inlineObject('l', 'plain'), lock: BOTH };
      await store.putObjectVersioned(unversioned);
      expect(await store.getObject('l', 'plain')).toEqual(unversioned);
      await store.setBucketVersioning('l', 'Enabled');
      const w1 = await store.putObjectVersioned({ ...freshBlob('l', 'k', 'b1'), lock: RETAIN });
      const w2 = await store.putObjectVersioned({ ...freshBlob('l', 'k', 'b2'), lock: HOLD });
      const w3 = await store.putObjectVersioned(freshBlob('l', 'k', 'b3'));
      expect(await lockOf(store, 'l', 'k', w1.versionId)).toEqual(RETAIN);
      expect(await lockOf(store, 'l', 'k', w2.versionId)).toEqual(HOLD);
      const current = await store.getObject('l', 'k');
      expect(current?.versionId).toBe(w3.versionId);
      expect('lock' in current!).toBe(false);
      expect(await store.lookupObject('l', 'k', w2.versionId)).toMatchObject({ lock: HOLD });
    });

    it('uploads carry their lock through createUpload, getUpload and listUploads', async () => {
      const locked = { ...upload('l', 'k', 'u1', 1), lock: BOTH };
      await store.createUpload(locked);
      await store.createUpload(upload('l', 'k', 'u2', 2));
      expect(await store.getUpload('l', 'k', 'u1')).toEqual(locked);
      expect('lock' in (await store.getUpload('l', 'k', 'u2'))!).toBe(false);
      const listed = await store.listUploads({
        bucket: 'l',
        prefix: '',
        delimiter: '',
        keyMarker: '',
        uploadIdMarker: '',
        maxUploads: 10,
      });
      expect(listed.uploads).toEqual([locked, upload('l', 'k', 'u2', 2)]);
    });

    it('completeUploadVersioned gives the object the lock its record carries', async () => {
      await store.setBucketVersioning('l', 'Enabled');
      await store.createUpload({ ...upload('l', 'k', 'u1'), lock: RETAIN });
      await store.putPart(part('u1', 1, 'p1', 1));
      const w = await store.completeUploadVersioned('u1', { ...freshBlob('l', 'k', 'p1'), lock: RETAIN });
      expect(await lockOf(store, 'l', 'k', w.versionId)).toEqual(RETAIN);
      expect(await lockOf(store, 'l', 'k')).toEqual(RETAIN);
      await store.createUpload(upload('l', 'k', 'u2'));
      await store.putPart(part('u2', 1, 'p2', 1));
      const plain = await store.completeUploadVersioned('u2', freshBlob('l', 'k', 'p2'));
      expect(await lockOf(store, 'l', 'k', plain.versionId)).toBeUndefined();
      expect(await lockOf(store, 'l', 'k', w.versionId)).toEqual(RETAIN);
    });

    it('updateObjectLock changes one version (the current one, or the one named) and returns it', async () => {
      await store.setBucketVersioning('l', 'Enabled');
      const w1 = await store.putObjectVersioned({ ...freshBlob('l', 'k', 'b1'), lock: HOLD });
      const w2 = await store.putObjectVersioned(freshBlob('l', 'k', 'b2'));
      const seen: ObjectLock[] = [];
      const set =
        (next: ObjectLock): LockUpdate =>
        (current) => {
          seen.push(structuredClone(current));
          return next;
        };
      const current = await store.updateObjectLock('l', 'k', undefined, set(RETAIN));
      expect(seen).toEqual([{}]);
      expect(current.versionId).toBe(w2.versionId);
      expect(current.lock).toEqual(RETAIN);
      expect(current).toEqual(await store.getObject('l', 'k'));
      expect(await lockOf(store, 'l', 'k', w1.versionId)).toEqual(HOLD);
      // By version id, from the state it has: retention added to the legal hold.
      const older = await store.updateObjectLock('l', 'k', w1.versionId, (lock) => {
        seen.push(structuredClone(lock));
        return { ...lock, ...RETAIN };
      });
      expect(seen[1]).toEqual(HOLD);
      expect(older.versionId).toBe(w1.versionId);
      expect(older.lock).toEqual({ ...HOLD, ...RETAIN });
      expect(older).toEqual(await store.getObject('l', 'k', w1.versionId));
      expect(await lockOf(store, 'l', 'k')).toEqual(RETAIN);
      // The new state replaces the old one: dropping the retention keeps only the hold.
      await store.updateObjectLock('l', 'k', w1.versionId, set(HOLD));
      expect(seen[2]).toEqual({ ...HOLD, ...RETAIN });
      expect(await lockOf(store, 'l', 'k', w1.versionId)).toEqual(HOLD);
    });

    it('updateObjectLock: clearing every field removes the lock', async () => {
      await store.putObjectVersioned({ ...inlineObject('l', 'k'), lock: BOTH });
      const cleared = await store.updateObjectLock('l', 'k', undefined, () => ({}));
      expect('lock' in cleared).toBe(false);
      expect(cleared).toEqual(inlineObject('l', 'k'));
      expect(await store.getObject('l', 'k')).toEqual(inlineObject('l', 'k'));
      const seen: ObjectLock[] = [];
      await store.updateObjectLock('l', 'k', 'null', (lock) => {
        seen.push(structuredClone(lock));
        return lock;
      });
      expect(seen).toEqual([{}]);
      expect('lock' in (await store.getObject('l', 'k'))!).toBe(false);
    });

    it('updateObjectLock: NoSuchBucket, NoSuchKey, NoSuchVersion, MethodNotAllowed on a delete marker', async () => {
      let calls = 0;
      const update: LockUpdate = () => {
        calls++;
        return RETAIN;
      };
      await expectCode(store.updateObjectLock('nope', 'k', undefined, update), 'NoSuchBucket');
      await expectCode(store.updateObjectLock('nope', 'k', 'null', update), 'NoSuchBucket');
      await expectCode(store.updateObjectLock('l', 'k', undefined, update), 'NoSuchKey');
      await expectCode(store.updateObjectLock('l', 'k', 'null', update), 'NoSuchVersion');
      await store.setBucketVersioning('l', 'Enabled');
      const w = await store.putObjectVersioned(freshBlob('l', 'k', 'b1'));
      await expectCode(store.updateObjectLock('l', 'k', 'nope', update), 'NoSuchVersion');
      const marker = await store.deleteObjectVersioned('l', 'k');
      await expectCode(store.updateObjectLock('l', 'k', marker.versionId, update), 'MethodNotAllowed');
      await expectCode(store.updateObjectLock('l', 'k', undefined, update), 'MethodNotAllowed');
      expect(calls).toBe(0);
      // The version under the marker can still be named.
      expect((await store.updateObjectLock('l', 'k', w.versionId, update)).lock).toEqual(RETAIN);
      expect(calls).toBe(1);
    });

    it('updateObjectLock: a throwing update changes nothing, even having mutated its argument', async () => {
      await store.putObjectVersioned({ ...inlineObject('l', 'k'), lock: BOTH });
      const refusal = new Error('refused');
      const update: LockUpdate = (current) => {
        delete current.legalHold;
        current.retainUntil = 1;
        throw refusal;
      };
      await expect(store.updateObjectLock('l', 'k', undefined, update)).rejects.toBe(refusal);
      await expect(store.updateObjectLock('l', 'k', 'null', update)).rejects.toBe(refusal);
      expect(await lockOf(store, 'l', 'k')).toEqual(BOTH);
    });
  });

  describe('removal guard', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('g'));
    });

    const versionIds = async () =>
      (
        await store.listObjectVersions('g', {
          prefix: '',
          delimiter: '',
          keyMarker: '',
          versionIdMarker: '',
          maxKeys: 100,
        })
      ).versions.map((v) => v.versionId);

    it('a guard that throws keeps the version named and its error propagates; it sees its lock', async () => {
      await store.setBucketVersioning('g', 'Enabled');
      const w1 = await store.putObjectVersioned({ ...freshBlob('g', 'k', 'b1'), lock: RETAIN });
      const w2 = await store.putObjectVersioned(freshBlob('g', 'k', 'b2'));
      const refusal = new Error('locked');
      const refuse = recordingGuard(refusal);
      const del = (versionId: string) =>
        store.deleteObjectVersioned('g', 'k', versionId, undefined, { removable: refuse.guard });
      await expect(del(w1.versionId)).rejects.toBe(refusal);
      expect(refuse.seen).toEqual([RETAIN]);
      // The current version (no lock): the guard gets undefined; the version stays current.
      await expect(del(w2.versionId)).rejects.toBe(refusal);
      expect(refuse.seen).toStrictEqual([RETAIN, undefined]);
      expect(await versionIds()).toEqual([w2.versionId, w1.versionId]);
      expect((await store.getObject('g', 'k'))?.versionId).toBe(w2.versionId);
      expect(await lockOf(store, 'g', 'k', w1.versionId)).toEqual(RETAIN);
      expect(await collect(store.referencedBlobIds())).toEqual(new Set(['b1', 'b2']));
      // A guard that returns lets the delete through.
      const allow = recordingGuard();
      expect(
        await store.deleteObjectVersioned('g', 'k', w1.versionId, undefined, { removable: allow.guard }),
      ).toEqual({ versionId: w1.versionId, deleteMarker: false, released: ['b1'] });
      expect(allow.seen).toEqual([RETAIN]);
      expect(await versionIds()).toEqual([w2.versionId]);
    });

    it('is not asked when a delete marker is added, nor when a delete marker is removed', async () => {
      await store.setBucketVersioning('g', 'Enabled');
      const w = await store.putObjectVersioned({ ...freshBlob('g', 'k', 'b1'), lock: HOLD });
      const refuse = recordingGuard(new Error('must not be asked'));
      const marker = await store.deleteObjectVersioned('g', 'k', undefined, undefined, {
        removable: refuse.guard,
      });
      expect(marker.deleteMarker).toBe(true);
      expect(await store.getObject('g', 'k')).toBeUndefined();
      expect(
        await store.deleteObjectVersioned('g', 'k', marker.versionId, undefined, { removable: refuse.guard }),
      ).toEqual({ versionId: marker.versionId, deleteMarker: true, released: [] });
      expect(refuse.seen).toEqual([]);
      expect((await store.getObject('g', 'k'))?.versionId).toBe(w.versionId);
      // A version id the key does not have removes nothing and asks nothing.
      await store.deleteObjectVersioned('g', 'k', 'nope', undefined, { removable: refuse.guard });
      expect(refuse.seen).toEqual([]);
      expect(await versionIds()).toEqual([w.versionId]);
    });

    it('Suspended: the null version a null delete marker replaces is asked about', async () => {
      await store.setBucketVersioning('g', 'Suspended');
      await store.putObjectVersioned({ ...fresh(inlineObject('g', 'k')), lock: HOLD });
      const refusal = new Error('held');
      const refuse = recordingGuard(refusal);
      await expect(
        store.deleteObjectVersioned('g', 'k', undefined, undefined, { removable: refuse.guard }),
      ).rejects.toBe(refusal);
      expect(refuse.seen).toEqual([HOLD]);
      expect(await store.lookupObject('g', 'k')).toMatchObject({ versionId: 'null', lock: HOLD });
    });

    it('an unversioned bucket: deleting the current version or the null version asks the guard', async () => {
      await store.putObjectVersioned({ ...freshBlob('g', 'k', 'b1'), lock: RETAIN });
      const refusal = new Error('retained');
      const refuse = recordingGuard(refusal);
      await expect(
        store.deleteObjectVersioned('g', 'k', undefined, undefined, { removable: refuse.guard }),
      ).rejects.toBe(refusal);
      await expect(
        store.deleteObjectVersioned('g', 'k', 'null', undefined, { removable: refuse.guard }),
      ).rejects.toBe(refusal);
      expect(refuse.seen).toEqual([RETAIN, RETAIN]);
      expect(await lockOf(store, 'g', 'k')).toEqual(RETAIN);
      // Nothing to remove: nothing to ask.
      await store.deleteObjectVersioned('g', 'missing', undefined, undefined, { removable: refuse.guard });
      expect(refuse.seen.length).toBe(2);
      const allow = recordingGuard();
      expect(
        await store.deleteObjectVersioned('g', 'k', undefined, undefined, { removable: allow.guard }),
      ).toEqual({ deleteMarker: false, released: ['b1'] });
      expect(allow.seen).toEqual([RETAIN]);
      expect(await store.lookupObject('g', 'k')).toBeUndefined();
    });
  });
}

/** The lock of an object version that must exist. */
async function lockOf(store: MetadataStore, name: string, key: string, versionId?: string) {
  const got = await store.getObject(name, key, versionId);
  expect(got).toBeDefined();
  return got!.lock;
}
