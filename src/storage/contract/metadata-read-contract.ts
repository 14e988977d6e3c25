import { beforeEach, describe, expect, it } from 'vitest';
import { isDeleteMarker, type MetadataStore } from '../types.js';
import { bucket, fresh, inlineObject } from './fixtures.js';

/**
 * MetadataStore.readObject (GetObject / HeadObject's one read): the bucket's versioning state
 * with the version lookupObject would return (registered by runVersioningContract).
 */
export function runObjectReadContract(getStore: () => MetadataStore): void {
  describe('readObject', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('r'));
    });

    it('is undefined for a bucket that does not exist, with or without a version id', async () => {
      expect(await store.readObject('nope', 'k')).toBeUndefined();
      expect(await store.readObject('nope', 'k', 'null')).toBeUndefined();
    });

    it('finds no version of a missing key in an existing bucket, and says the bucket has no state', async () => {
      expect(await store.readObject('r', 'k')).toEqual({ version: undefined, versioning: undefined });
      expect(await store.readObject('r', 'k', 'null')).toEqual({ version: undefined, versioning: undefined });
    });

    it('returns what lookupObject returns, current and by id, objects and delete markers', async () => {
      await store.putObjectVersioned(inlineObject('r', 'k', 'first'));
      expect((await store.readObject('r', 'k'))?.version).toEqual(await store.lookupObject('r', 'k'));
      await store.setBucketVersioning('r', 'Enabled');
      const { versionId } = await store.putObjectVersioned(fresh(inlineObject('r', 'k', 'second')));
      const current = await store.readObject('r', 'k');
      expect(current).toEqual({ version: await store.lookupObject('r', 'k'), versioning: 'Enabled' });
      expect(current?.version?.versionId).toBe(versionId);
      const old = await store.readObject('r', 'k', 'null');
      expect(old?.version).toEqual(await store.lookupObject('r', 'k', 'null'));
      expect(old?.version && !isDeleteMarker(old.version) ? old.version.data : undefined).toEqual({
        kind: 'inline',
        bytes: Buffer.from('first'),
      });
      const marker = await store.deleteObjectVersioned('r', 'k');
      const read = await store.readObject('r', 'k');
      expect(read?.version && isDeleteMarker(read.version)).toBe(true);
      expect(read?.version?.versionId).toBe(marker.versionId);
      expect((await store.readObject('r', 'k', marker.versionId!))?.version).toEqual(
        await store.lookupObject('r', 'k', marker.versionId!),
      );
      expect(await store.readObject('r', 'k', 'no-such-version')).toEqual({
        version: undefined,
        versioning: 'Enabled',
      });
      await store.setBucketVersioning('r', 'Suspended');
      expect((await store.readObject('r', 'other'))?.versioning).toBe('Suspended');
    });
  });
}
