import { describe, expect, it } from 'vitest';
import type { AttachmentStore, GroupStore, UserStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { group, type OpenStore, user, useStore } from './iam-fixtures.js';

/**
 * The GroupStore contract: groups, members (users), and what deleting a group removes.
 * @example runGroupStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runGroupStoreContract(
  name: string,
  open: OpenStore<GroupStore & UserStore & AttachmentStore>,
): void {
  describe(`GroupStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates, lists, disables; members by group and groups by user', async () => {
      const store = get();
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
      const store = get();
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
}
