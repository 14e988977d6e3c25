import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IamStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { runIamFeedContract } from './iam-contract-feed.js';
import { runIamPolicyContract } from './iam-contract-policies.js';
import { group, serviceAccount, user } from './iam-fixtures.js';

export type IamStoreFactory = () => Promise<IamStore>;

/**
 * The contract every IamStore implementation passes (STYLE.md habit 11). `open` returns a fresh,
 * empty store; the suite closes it.
 * @example runIamContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runIamContract(name: string, open: IamStoreFactory): void {
  describe(`IamStore contract: ${name}`, () => {
    let store: IamStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const get = () => store;

    describe('users', () => {
      it('creates, gets (case-insensitively), lists by name and finds by access key', async () => {
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
        await store.createUser(user('alice'));
        await expectCode(store.createUser(user('ALICE')), 'EntityAlreadyExists');
        await store.createServiceAccount(serviceAccount('SAKEY0000000000000001', 'alice'));
        await expectCode(
          store.createUser({ ...user('x'), accessKey: 'SAKEY0000000000000001' }),
          'EntityAlreadyExists',
        );
      });

      it('updates status and secret; null removes the secret; NoSuchEntity when missing', async () => {
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

    describe('groups', () => {
      it('creates, lists, disables; members by group and groups by user', async () => {
        await store.createGroup(group('devs'));
        await store.createGroup(group('Admins'));
        await expectCode(store.createGroup(group('DEVS')), 'EntityAlreadyExists');
        await store.createUser(user('alice'));
        await store.createUser(user('bob'));
        await store.addGroupMember('', 'DEVS', 'ALICE');
        await store.addGroupMember('', 'devs', 'bob');
        await store.addGroupMember('', 'devs', 'bob'); // idempotent
        await store.addGroupMember('', 'admins', 'alice');
        expect(await store.listGroupMembers('', 'devs')).toEqual(['alice', 'bob']);
        expect((await store.listGroupsForUser('', 'alice')).map((g) => g.name)).toEqual(['Admins', 'devs']);
        expect((await store.listGroups('')).map((g) => g.name)).toEqual(['Admins', 'devs']);
        await store.setGroupStatus('', 'devs', 'disabled', 9);
        expect(await store.getGroup('', 'devs')).toMatchObject({ status: 'disabled', updatedAt: 9 });
        await expectCode(store.addGroupMember('', 'devs', 'nobody'), 'NoSuchEntity');
        await expectCode(store.addGroupMember('', 'nogroup', 'alice'), 'NoSuchEntity');
        await expectCode(store.listGroupMembers('', 'nogroup'), 'NoSuchEntity');
        await expectCode(store.listGroupsForUser('', 'nobody'), 'NoSuchEntity');
        await store.removeGroupMember('', 'devs', 'bob');
        await expectCode(store.removeGroupMember('', 'devs', 'bob'), 'NoSuchEntity');
      });

      it('delete: DeleteConflict with members or policies; cascade removes them', async () => {
        await store.createGroup(group('devs'));
        await store.createUser(user('alice'));
        await store.addGroupMember('', 'devs', 'alice');
        await expectCode(store.deleteGroup('', 'devs'), 'DeleteConflict');
        await store.removeGroupMember('', 'devs', 'alice');
        await store.putInlinePolicy('', 'group', 'devs', 'p', '{}');
        await expectCode(store.deleteGroup('', 'devs'), 'DeleteConflict');
        await store.addGroupMember('', 'devs', 'alice');
        await store.attachPolicy('', 'group', 'devs', 'readwrite', true);
        await store.deleteGroup('', 'devs', { cascade: true });
        expect(await store.getGroup('', 'devs')).toBeUndefined();
        expect(await store.listGroupsForUser('', 'alice')).toEqual([]);
        expect(await store.listEntitiesForPolicy('', 'readwrite')).toEqual({ users: [], groups: [] });
      });
    });

    describe('service accounts', () => {
      it('creates for a user or root, lists by parent, patches (null clears), deletes', async () => {
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

    describe('bucket policies', () => {
      it('puts, replaces, gets and deletes', async () => {
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

    runIamPolicyContract(get);
    runIamFeedContract(get);
  });
}
