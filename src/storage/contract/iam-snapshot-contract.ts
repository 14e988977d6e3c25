import { describe, expect, it } from 'vitest';
import type {
  AttachmentStore,
  GroupStore,
  IdentitySnapshotStore,
  PolicyStore,
  UserStore,
} from '../iam/types.js';
import { doc, group, type OpenStore, policy, user, useStore } from './iam-fixtures.js';

/**
 * The IdentitySnapshotStore contract: everything that decides one user's identity policies.
 * @example runIdentitySnapshotContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runIdentitySnapshotContract(
  name: string,
  open: OpenStore<IdentitySnapshotStore & UserStore & GroupStore & PolicyStore & AttachmentStore>,
): void {
  describe(`IdentitySnapshotStore contract: ${name}`, () => {
    const get = useStore(open);

    it('identity snapshot: the user, its groups, their attachments, inline policies and documents', async () => {
      const s = get();
      expect(await s.identitySnapshot('', 'alice')).toBeUndefined();
      await s.createUser(user('alice'));
      await s.createGroup({ ...group('devs'), status: 'disabled' });
      await s.addGroupMember('', 'devs', 'alice');
      await s.createPolicy(policy('mine'), doc('s3:A'));
      await s.createPolicy(policy('theirs'), doc('s3:B'));
      await s.createPolicyVersion('', 'theirs', doc('s3:C'), true, 2);
      await s.attachPolicy('', 'user', 'alice', 'mine', false);
      await s.attachPolicy('', 'group', 'devs', 'theirs', false);
      await s.attachPolicy('', 'group', 'devs', 'readonly', true);
      await s.putInlinePolicy('', 'user', 'alice', 'own', doc('s3:D'));
      await s.putInlinePolicy('', 'group', 'devs', 'shared', doc('s3:E'));
      const snap = await s.identitySnapshot('', 'ALICE');
      expect(snap?.user.name).toBe('alice');
      expect(snap?.groups.map((g) => [g.name, g.status])).toEqual([['devs', 'disabled']]);
      expect(snap?.attached).toEqual({ user: ['mine'], groups: { devs: ['readonly', 'theirs'] } });
      expect(snap?.inline).toEqual({
        user: [{ name: 'own', document: doc('s3:D') }],
        groups: { devs: [{ name: 'shared', document: doc('s3:E') }] },
      });
      expect(snap?.documents).toEqual({ mine: doc('s3:A'), theirs: doc('s3:C') });
    });
  });
}
