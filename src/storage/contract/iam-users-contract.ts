import { describe, expect, it } from 'vitest';
import type { AttachmentStore, GroupStore, ServiceAccountStore, UserStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { group, type OpenStore, serviceAccount, user, useStore } from './iam-fixtures.js';

/**
 * The UserStore contract. Deleting a user looks at its groups, attachments,
 * inline policies and service accounts, so the store under test holds those ports too.
 * @example runUserStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runUserStoreContract(
  name: string,
  open: OpenStore<UserStore & GroupStore & AttachmentStore & ServiceAccountStore>,
): void {
  describe(`UserStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates, gets (case-insensitively), lists by name and finds by access key', async () => {
      const store = get();
      await store.createUser({ ...user('Bob'), tags: [{ key: 'team', value: 'a' }] });
      await store.createUser(user('alice'));
      await store.createUser(user('carol', 'acct-2'));
      expect(await store.getUser('', 'bob')).toMatchObject({
        name: 'Bob',
        accessKey: 'Bob',
        status: 'enabled',
      });
      expect((await store.getUser('', 'Bob'))?.tags).toEqual([{ key: 'team', value: 'a' }]);
      expect(await store.getUser('', 'carol')).toBeUndefined();
      expect((await store.listUsers('')).map((u) => u.name)).toEqual(['alice', 'Bob']);
      expect((await store.listUsers('', { after: 'alice', limit: 5 })).map((u) => u.name)).toEqual(['Bob']);
      expect((await store.getUserByAccessKey('acct-2-carol'))?.account).toBe('acct-2');
      expect(await store.getUserByAccessKey('bob')).toBeUndefined(); // access keys are case-sensitive
    });

    it('refuses a second user with the same name in any case, or a taken access key', async () => {
      const store = get();
      await store.createUser(user('alice'));
      await expectCode(store.createUser(user('ALICE')), 'EntityAlreadyExists');
      await store.createServiceAccount(serviceAccount('SAKEY0000000000000001', 'alice'));
      await expectCode(
        store.createUser({ ...user('x'), accessKey: 'SAKEY0000000000000001' }),
        'EntityAlreadyExists',
      );
    });

    it('updates status and secret; null removes the secret; NoSuchEntity when missing', async () => {
      const store = get();
      await store.createUser(user('alice'));
      await store.updateUser('', 'ALICE', { status: 'disabled' }, 5);
      expect(await store.getUser('', 'alice')).toMatchObject({
        status: 'disabled',
        secretCiphertext: 'ct:alice',
        updatedAt: 5,
      });
      await store.updateUser('', 'alice', { secretCiphertext: null }, 6);
      expect((await store.getUser('', 'alice'))?.secretCiphertext).toBeUndefined();
      await expectCode(store.updateUser('', 'nobody', { status: 'enabled' }, 1), 'NoSuchEntity');
    });

    it('tags: merges keys without regard to case, untags, limits to 50', async () => {
      const store = get();
      await store.createUser(user('alice'));
      await store.tagUser(
        '',
        'alice',
        [
          { key: 'Team', value: 'a' },
          { key: 'env', value: 'dev' },
        ],
        2,
      );
      await store.tagUser('', 'alice', [{ key: 'team', value: 'b' }], 3);
      expect((await store.getUser('', 'alice'))?.tags).toEqual([
        { key: 'team', value: 'b' },
        { key: 'env', value: 'dev' },
      ]);
      await store.untagUser('', 'alice', ['ENV'], 4);
      expect((await store.getUser('', 'alice'))?.tags).toEqual([{ key: 'team', value: 'b' }]);
      const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: '' }));
      await expectCode(store.tagUser('', 'alice', many, 5), 'LimitExceeded');
      await store.tagUser('', 'alice', many.slice(1), 5);
      expect((await store.getUser('', 'alice'))?.tags).toHaveLength(50);
    });

    it('delete: DeleteConflict while it has groups, policies or keys; cascade removes them', async () => {
      const store = get();
      await store.createUser(user('alice'));
      await store.createGroup(group('devs'));
      await store.addGroupMember('', 'devs', 'alice');
      await store.createServiceAccount(serviceAccount('SAKEY0000000000000001', 'alice'));
      await expectCode(store.deleteUser('', 'alice'), 'DeleteConflict');
      await store.removeGroupMember('', 'devs', 'alice');
      await store.attachPolicy('', 'user', 'alice', 'readonly', true);
      await expectCode(store.deleteUser('', 'alice'), 'DeleteConflict');
      await store.detachPolicy('', 'user', 'alice', 'readonly');
      await expectCode(store.deleteUser('', 'alice'), 'DeleteConflict'); // the service account
      await store.addGroupMember('', 'devs', 'alice');
      await store.putInlinePolicy('', 'user', 'alice', 'p', '{}');
      await store.deleteUser('', 'alice', { cascade: true });
      expect(await store.getUser('', 'alice')).toBeUndefined();
      expect(await store.getServiceAccount('SAKEY0000000000000001')).toBeUndefined();
      expect(await store.listGroupMembers('', 'devs')).toEqual([]);
      await store.createUser(user('alice'));
      expect(await store.listInlinePolicies('', 'user', 'alice')).toEqual([]);
      await store.deleteUser('', 'alice');
      await expectCode(store.deleteUser('', 'alice'), 'NoSuchEntity');
    });
  });
}
