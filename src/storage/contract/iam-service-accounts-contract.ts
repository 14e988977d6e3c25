import { describe, expect, it } from 'vitest';
import type { ServiceAccountStore, UserStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { type OpenStore, serviceAccount, user, useStore } from './iam-fixtures.js';

/**
 * The ServiceAccountStore contract (a service account's parent is a user or the account root).
 * @example runServiceAccountStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runServiceAccountStoreContract(
  name: string,
  open: OpenStore<ServiceAccountStore & UserStore>,
): void {
  describe(`ServiceAccountStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates for a user or root, lists by parent, patches (null clears), deletes', async () => {
      const store = get();
      await store.createUser(user('alice'));
      await expectCode(
        store.createServiceAccount(serviceAccount('K1xxxxxxxxxxxxxxxxxx', 'nobody')),
        'NoSuchEntity',
      );
      await store.createServiceAccount({
        ...serviceAccount('K1xxxxxxxxxxxxxxxxxx', 'ALICE'),
        policy: '{}',
        name: 'ci',
      });
      await store.createServiceAccount({ ...serviceAccount('K2xxxxxxxxxxxxxxxxxx', ''), expiresAt: 99 });
      await expectCode(store.createServiceAccount(serviceAccount('alice', '')), 'EntityAlreadyExists');
      await expectCode(
        store.createServiceAccount(serviceAccount('K1xxxxxxxxxxxxxxxxxx', '')),
        'EntityAlreadyExists',
      );
      expect(await store.getServiceAccount('K1xxxxxxxxxxxxxxxxxx')).toMatchObject({
        parentType: 'user',
        parent: 'alice',
        policy: '{}',
        name: 'ci',
      });
      expect((await store.listServiceAccounts('')).map((s) => s.accessKey)).toEqual([
        'K1xxxxxxxxxxxxxxxxxx',
        'K2xxxxxxxxxxxxxxxxxx',
      ]);
      const ofRoot = await store.listServiceAccounts('', { type: 'root', name: '' });
      expect(ofRoot.map((s) => [s.accessKey, s.expiresAt])).toEqual([['K2xxxxxxxxxxxxxxxxxx', 99]]);
      await store.updateServiceAccount(
        'K1xxxxxxxxxxxxxxxxxx',
        { policy: null, status: 'disabled', description: 'd' },
        7,
      );
      const sa = await store.getServiceAccount('K1xxxxxxxxxxxxxxxxxx');
      expect(sa).toMatchObject({ status: 'disabled', description: 'd', name: 'ci', updatedAt: 7 });
      expect(sa?.policy).toBeUndefined();
      await store.deleteServiceAccount('K1xxxxxxxxxxxxxxxxxx');
      await expectCode(store.deleteServiceAccount('K1xxxxxxxxxxxxxxxxxx'), 'NoSuchEntity');
      await expectCode(store.updateServiceAccount('K1xxxxxxxxxxxxxxxxxx', {}, 1), 'NoSuchEntity');
    });
  });
}
