import { describe, expect, it } from 'vitest';
import type { BucketPolicyStore } from '../iam/types.js';
import { type OpenStore, useStore } from './iam-fixtures.js';

/**
 * The BucketPolicyStore contract.
 * @example runBucketPolicyStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runBucketPolicyStoreContract(name: string, open: OpenStore<BucketPolicyStore>): void {
  describe(`BucketPolicyStore contract: ${name}`, () => {
    const get = useStore(open);

    it('puts, replaces, gets and deletes', async () => {
      const store = get();
      expect(await store.getBucketPolicy('b')).toBeUndefined();
      await store.putBucketPolicy({ bucket: 'b', account: '', document: '{"a":1}', updatedAt: 1 });
      await store.putBucketPolicy({ bucket: 'b', account: '', document: '{"a":2}', updatedAt: 2 });
      expect(await store.getBucketPolicy('b')).toEqual({
        bucket: 'b',
        account: '',
        document: '{"a":2}',
        updatedAt: 2,
      });
      expect(await store.deleteBucketPolicy('b')).toBe(true);
      expect(await store.deleteBucketPolicy('b')).toBe(false);
    });
  });
}
