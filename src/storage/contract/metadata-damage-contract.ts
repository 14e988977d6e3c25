import { beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore } from '../types.js';
import { bucket, freshBlob, part, upload } from './fixtures.js';

/** What tessera admin scan asks of the metadata port: orphan checks and quarantine marks (run by runMetadataContract). */
export function runDamageContract(getStore: () => MetadataStore): void {
  describe('scan support: unreferenced blobs and damage marks', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('d'));
    });

    it('unreferencedBlobIds names exactly the ids no version or part references', async () => {
      await store.putObject(freshBlob('d', 'a', 'blob-object'));
      await store.setBucketVersioning('d', 'Enabled');
      await store.putObjectVersioned(freshBlob('d', 'v', 'blob-old-version'));
      await store.putObjectVersioned(freshBlob('d', 'v', 'blob-new-version'));
      await store.createUpload(upload('d', 'm', 'U1'));
      await store.putPart(part('U1', 1, 'blob-part'));
      const asked = [
        'blob-object',
        'blob-old-version',
        'blob-new-version',
        'blob-part',
        'blob-orphan',
        'other',
      ];
      expect((await store.unreferencedBlobIds(asked)).sort()).toEqual(['blob-orphan', 'other']);
      expect(await store.unreferencedBlobIds([])).toEqual([]);
    });

    it('markDamaged marks one version, which then reads with its damage; unknown versions answer false', async () => {
      await store.setBucketVersioning('d', 'Enabled');
      const first = await store.putObjectVersioned(freshBlob('d', 'k', 'b1'));
      const second = await store.putObjectVersioned(freshBlob('d', 'k', 'b2'));
      expect(await store.markDamaged('d', 'k', first.versionId, 'short blob b1')).toBe(true);
      expect((await store.getObject('d', 'k', first.versionId))?.damage).toBe('short blob b1');
      expect((await store.getObject('d', 'k', second.versionId))?.damage).toBeUndefined();
      expect((await store.getObject('d', 'k'))?.damage).toBeUndefined();
      expect(await store.markDamaged('d', 'k', 'no-such-version', 'x')).toBe(false);
      expect(await store.markDamaged('d', 'missing', first.versionId, 'x')).toBe(false);
      expect(await store.markDamaged('nope', 'k', first.versionId, 'x')).toBe(false);
    });

    it('overwriting the null version lifts its mark', async () => {
      await store.putObject(freshBlob('d', 'n', 'b1'));
      expect(await store.markDamaged('d', 'n', 'null', 'missing blob b1')).toBe(true);
      expect((await store.getObject('d', 'n'))?.damage).toBe('missing blob b1');
      await store.putObject(freshBlob('d', 'n', 'b2'));
      expect((await store.getObject('d', 'n'))?.damage).toBeUndefined();
    });
  });
}
