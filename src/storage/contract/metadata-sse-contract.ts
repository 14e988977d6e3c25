import { beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore, ObjectEncryption } from '../types.js';
import { bucket, freshBlob, inlineObject, upload } from './fixtures.js';

/** Server-side encryption metadata (docs/encryption.md): per-version and per-upload, and KMS key names. */
export function runSseContract(getStore: () => MetadataStore): void {
  describe('server-side encryption metadata and KMS keys', () => {
    let store: MetadataStore;
    const sse: ObjectEncryption = { algorithm: 'aws:kms', keyId: 'k1', context: 'e30=', sealedKey: 'sealed' };
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('e'));
    });

    it('keeps an object version’s and an upload’s encryption; plain records have none', async () => {
      await store.putObject({ ...freshBlob('e', 'enc', 'blob-enc'), sse });
      await store.putObject(inlineObject('e', 'plain'));
      expect((await store.getObject('e', 'enc'))?.sse).toEqual(sse);
      const read = await store.readObject('e', 'enc');
      expect(read?.version !== undefined && 'sse' in read.version ? read.version.sse : undefined).toEqual(
        sse,
      );
      expect((await store.getObject('e', 'plain'))?.sse).toBeUndefined();
      // A plain rewrite of the key drops the encryption.
      await store.putObject(inlineObject('e', 'enc'));
      expect((await store.getObject('e', 'enc'))?.sse).toBeUndefined();
      await store.createUpload({ ...upload('e', 'm', 'U-sse'), sse: { algorithm: 'SSE-C', sealedKey: 's' } });
      expect((await store.getUpload('e', 'm', 'U-sse'))?.sse).toEqual({ algorithm: 'SSE-C', sealedKey: 's' });
    });

    it('records KMS key names once, listed by name', async () => {
      expect(await store.listKmsKeys()).toEqual([]);
      expect(await store.createKmsKey({ name: 'zeta', createdAt: 2 })).toBe(true);
      expect(await store.createKmsKey({ name: 'alpha', createdAt: 1 })).toBe(true);
      expect(await store.createKmsKey({ name: 'zeta', createdAt: 3 })).toBe(false);
      expect(await store.listKmsKeys()).toEqual([
        { name: 'alpha', createdAt: 1 },
        { name: 'zeta', createdAt: 2 },
      ]);
    });
  });
}
