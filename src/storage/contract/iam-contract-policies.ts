import { describe, expect, it } from 'vitest';
import type { IamStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { doc, group, policy, user } from './iam-fixtures.js';

/** Named policies, versions, attachments, inline policies and the identity snapshot. */
export function runIamPolicyContract(store: () => IamStore): void {
  describe('policies and versions', () => {
    it('creates with v1 as default, refuses duplicates in any case, lists', async () => {
      const s = store();
      await s.createPolicy({ ...policy('ReadLogs'), description: 'logs' }, doc());
      await expectCode(s.createPolicy(policy('readlogs'), doc()), 'EntityAlreadyExists');
      await s.createPolicy(policy('alpha'), doc());
      expect(await s.getPolicy('', 'READLOGS')).toMatchObject({
        name: 'ReadLogs',
        defaultVersion: 'v1',
        description: 'logs',
        attachmentCount: 0,
      });
      expect((await s.listPolicies('')).map((p) => p.name)).toEqual(['alpha', 'ReadLogs']);
      expect(await s.getPolicyVersion('', 'ReadLogs', 'v1')).toMatchObject({
        document: doc(),
        isDefault: true,
      });
    });

    it('versions: up to five, ids never reused, default cannot be deleted', async () => {
      const s = store();
      await s.createPolicy(policy('p'), doc('s3:A'));
      expect(await s.createPolicyVersion('', 'p', doc('s3:B'), false, 2)).toBe('v2');
      expect(await s.createPolicyVersion('', 'p', doc('s3:C'), true, 3)).toBe('v3');
      expect((await s.getPolicy('', 'p'))?.defaultVersion).toBe('v3');
      await s.createPolicyVersion('', 'p', doc('s3:D'), false, 4);
      await s.createPolicyVersion('', 'p', doc('s3:E'), false, 5);
      await expectCode(s.createPolicyVersion('', 'p', doc('s3:F'), false, 6), 'LimitExceeded');
      await expectCode(s.deletePolicyVersion('', 'p', 'v3'), 'DeleteConflict');
      await s.deletePolicyVersion('', 'p', 'v2');
      await expectCode(s.deletePolicyVersion('', 'p', 'v2'), 'NoSuchEntity');
      expect(await s.createPolicyVersion('', 'p', doc('s3:F'), false, 7)).toBe('v6');
      const versions = await s.listPolicyVersions('', 'p');
      expect(versions.map((v) => [v.versionId, v.isDefault])).toEqual([
        ['v6', false],
        ['v5', false],
        ['v4', false],
        ['v3', true],
        ['v1', false],
      ]);
      await s.setDefaultPolicyVersion('', 'p', 'v1', 8);
      expect((await s.getPolicy('', 'p'))?.defaultVersion).toBe('v1');
      await expectCode(s.setDefaultPolicyVersion('', 'p', 'v9', 8), 'NoSuchEntity');
      await expectCode(s.listPolicyVersions('', 'nope'), 'NoSuchEntity');
    });

    it('delete: DeleteConflict while attached or with other versions (unless deleteVersions)', async () => {
      const s = store();
      await s.createPolicy(policy('p'), doc());
      await s.createUser(user('alice'));
      await s.attachPolicy('', 'user', 'alice', 'P', false);
      expect((await s.getPolicy('', 'p'))?.attachmentCount).toBe(1);
      expect((await s.listPolicies('', { onlyAttached: true })).map((p) => p.name)).toEqual(['p']);
      await expectCode(s.deletePolicy('', 'p'), 'DeleteConflict');
      await s.detachPolicy('', 'user', 'alice', 'p');
      await s.createPolicyVersion('', 'p', doc('s3:B'), false, 2);
      await expectCode(s.deletePolicy('', 'p'), 'DeleteConflict');
      await s.deletePolicy('', 'p', { deleteVersions: true });
      expect(await s.getPolicy('', 'p')).toBeUndefined();
      await expectCode(s.deletePolicy('', 'p'), 'NoSuchEntity');
      await s.createPolicy(policy('p'), doc());
      expect((await s.listPolicyVersions('', 'p')).map((v) => v.versionId)).toEqual(['v1']);
    });
  });

  describe('attachments and inline policies', () => {
    it('attaches (idempotent), lists both ways, detaches; NoSuchEntity for what is missing', async () => {
      const s = store();
      await s.createUser(user('alice'));
      await s.createGroup(group('devs'));
      await s.createPolicy(policy('custom'), doc());
      await s.attachPolicy('', 'user', 'alice', 'custom', false);
      await s.attachPolicy('', 'user', 'alice', 'custom', false);
      await s.attachPolicy('', 'user', 'alice', 'readonly', true);
      await s.attachPolicy('', 'group', 'devs', 'custom', false);
      expect(await s.listAttachedPolicies('', 'user', 'ALICE')).toEqual(['custom', 'readonly']);
      expect(await s.listEntitiesForPolicy('', 'custom')).toEqual({ users: ['alice'], groups: ['devs'] });
      await expectCode(s.attachPolicy('', 'user', 'alice', 'missing', false), 'NoSuchEntity');
      await expectCode(s.attachPolicy('', 'user', 'nobody', 'readonly', true), 'NoSuchEntity');
      await expectCode(s.attachPolicy('', 'group', 'nogroup', 'readonly', true), 'NoSuchEntity');
      await s.detachPolicy('', 'user', 'alice', 'custom');
      await expectCode(s.detachPolicy('', 'user', 'alice', 'custom'), 'NoSuchEntity');
      await expectCode(s.listAttachedPolicies('', 'user', 'nobody'), 'NoSuchEntity');
    });

    it('limits attachments per entity to 20', async () => {
      const s = store();
      await s.createUser(user('alice'));
      for (let i = 0; i < 20; i++) await s.attachPolicy('', 'user', 'alice', `b${i}`, true);
      await expectCode(s.attachPolicy('', 'user', 'alice', 'b20', true), 'LimitExceeded');
      await s.attachPolicy('', 'user', 'alice', 'b0', true); // already attached: no change
    });

    it('inline policies: put replaces, get, list, delete', async () => {
      const s = store();
      await s.createGroup(group('devs'));
      await s.putInlinePolicy('', 'group', 'devs', 'one', doc('s3:A'));
      await s.putInlinePolicy('', 'group', 'devs', 'one', doc('s3:B'));
      await s.putInlinePolicy('', 'group', 'devs', 'two', doc('s3:C'));
      expect(await s.getInlinePolicy('', 'group', 'devs', 'one')).toBe(doc('s3:B'));
      expect(await s.getInlinePolicy('', 'group', 'devs', 'three')).toBeUndefined();
      expect((await s.listInlinePolicies('', 'group', 'devs')).map((p) => p.name)).toEqual(['one', 'two']);
      await s.deleteInlinePolicy('', 'group', 'devs', 'one');
      await expectCode(s.deleteInlinePolicy('', 'group', 'devs', 'one'), 'NoSuchEntity');
      await expectCode(s.putInlinePolicy('', 'user', 'nobody', 'x', doc()), 'NoSuchEntity');
    });

    it('identity snapshot: the user, its groups, their attachments, inline policies and documents', async () => {
      const s = store();
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
