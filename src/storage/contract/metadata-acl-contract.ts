import { beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore, StoredAcl } from '../types.js';
import { bucket, expectCode, freshBlob, inlineObject, part, upload } from './fixtures.js';

const OWNER = 'a'.repeat(64);
const PUBLIC_READ: StoredAcl = {
  owner: OWNER,
  grants: [
    { grantee: { type: 'CanonicalUser', id: OWNER }, permission: 'FULL_CONTROL' },
    {
      grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' },
      permission: 'READ',
    },
  ],
};
const PRIVATE: StoredAcl = {
  owner: OWNER,
  grants: [{ grantee: { type: 'CanonicalUser', id: OWNER }, permission: 'FULL_CONTROL' }],
};

/** ACLs of object versions and uploads through the metadata port (run by runMetadataContract). */
export function runAclContract(getStore: () => MetadataStore): void {
  describe('ACLs', () => {
    let store: MetadataStore;
    beforeEach(async () => {
      store = getStore();
      await store.createBucket(bucket('a'));
    });

    it('a version keeps the ACL its write carries; one written without has none (the default)', async () => {
      const record = { ...inlineObject('a', 'k'), acl: PUBLIC_READ };
      await store.putObjectVersioned(record);
      expect(await store.getObject('a', 'k')).toEqual(record);
      expect((await store.readObject('a', 'k'))?.version).toEqual(record);
      await store.putObjectVersioned(inlineObject('a', 'k'));
      expect('acl' in (await store.getObject('a', 'k'))!).toBe(false);
    });

    it('setObjectAcl changes one version (the current one, or the one named) and can restore the default', async () => {
      await store.setBucketVersioning('a', 'Enabled');
      const w1 = await store.putObjectVersioned({ ...freshBlob('a', 'k', 'b1'), acl: PRIVATE });
      const w2 = await store.putObjectVersioned(freshBlob('a', 'k', 'b2'));
      await store.setObjectAcl('a', 'k', undefined, PUBLIC_READ);
      expect((await store.getObject('a', 'k'))?.acl).toEqual(PUBLIC_READ);
      expect((await store.getObject('a', 'k', w1.versionId))?.acl).toEqual(PRIVATE);
      await store.setObjectAcl('a', 'k', w1.versionId, PUBLIC_READ);
      expect((await store.getObject('a', 'k', w1.versionId))?.acl).toEqual(PUBLIC_READ);
      await store.setObjectAcl('a', 'k', w2.versionId, undefined);
      expect('acl' in (await store.getObject('a', 'k'))!).toBe(false);
    });

    it('setObjectAcl: NoSuchBucket, NoSuchKey, NoSuchVersion, and MethodNotAllowed on a delete marker', async () => {
      await expectCode(store.setObjectAcl('nope', 'k', undefined, PRIVATE), 'NoSuchBucket');
      await expectCode(store.setObjectAcl('a', 'k', undefined, PRIVATE), 'NoSuchKey');
      await store.putObjectVersioned(inlineObject('a', 'k'));
      await expectCode(store.setObjectAcl('a', 'k', 'x'.repeat(32), PRIVATE), 'NoSuchVersion');
      await store.setBucketVersioning('a', 'Enabled');
      const del = await store.deleteObjectVersioned('a', 'k');
      await expectCode(store.setObjectAcl('a', 'k', del.versionId, PRIVATE), 'MethodNotAllowed');
    });

    it('an upload carries its ACL; completion gives the object the ACL of its record', async () => {
      const u = { ...upload('a', 'k', 'u1'), acl: PUBLIC_READ };
      await store.createUpload(u);
      expect(await store.getUpload('a', 'k', 'u1')).toEqual(u);
      await store.createUpload(upload('a', 'k', 'u2'));
      expect('acl' in (await store.getUpload('a', 'k', 'u2'))!).toBe(false);
      await store.putPart(part('u1', 1, 'p1', 1));
      await store.completeUploadVersioned('u1', { ...freshBlob('a', 'k', 'p1'), acl: PUBLIC_READ });
      expect((await store.getObject('a', 'k'))?.acl).toEqual(PUBLIC_READ);
    });

    it('the bucket ACL is a bucket configuration document', async () => {
      expect(await store.getBucketConfig('a', 'acl')).toBeUndefined();
      await store.setBucketConfig('a', 'acl', JSON.stringify(PUBLIC_READ));
      expect(JSON.parse((await store.getBucketConfig('a', 'acl'))!)).toEqual(PUBLIC_READ);
    });
  });
}
