import { describe, expect, it } from 'vitest';
import type { AttachmentStore, PolicyStore, UserStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { doc, type OpenStore, policy, user, useStore } from './iam-fixtures.js';

/**
 * The PolicyStore contract: managed policies and versions (deleting one looks at attachments).
 * @example runPolicyStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runPolicyStoreContract(
  name: string,
  open: OpenStore<PolicyStore & UserStore & AttachmentStore>,
): void {
  describe(`PolicyStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates with v1 as default, refuses duplicates in any case, lists', async () => {
      const s = get();
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
      const s = get();
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
      const s = get();
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
}
