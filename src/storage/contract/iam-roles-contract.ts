import { describe, expect, it } from 'vitest';
import type {
  AttachmentStore,
  ChangeFeedStore,
  IamRoleRecord,
  PolicyStore,
  RoleStore,
} from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { doc, type OpenStore, policy, useStore } from './iam-fixtures.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
});

export function role(name: string, account = ''): IamRoleRecord {
  return {
    account,
    name,
    id: `AROA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
    path: '/',
    trustPolicy: TRUST,
    maxSessionDuration: 3600,
    tags: [],
    createdAt: 1,
    updatedAt: 1,
  };
}

/**
 * The RoleStore contract: roles, their tags, DeleteConflict while they have policies, the role
 * snapshot, and a change-feed entry per change.
 * @example runRoleStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runRoleStoreContract(
  name: string,
  open: OpenStore<RoleStore & AttachmentStore & PolicyStore & ChangeFeedStore>,
): void {
  describe(`RoleStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates, gets (case-insensitively), lists by page, refuses duplicates in any case', async () => {
      const store = get();
      await store.createRole({ ...role('Deploy'), description: 'ci', tags: [{ key: 'k', value: 'v' }] });
      await store.createRole(role('admin'));
      await store.createRole(role('other', 'acct-2'));
      expect(await store.getRole('', 'DEPLOY')).toMatchObject({
        name: 'Deploy',
        description: 'ci',
        tags: [{ key: 'k', value: 'v' }],
        trustPolicy: TRUST,
        maxSessionDuration: 3600,
      });
      expect(await store.getRole('', 'other')).toBeUndefined();
      expect((await store.listRoles('')).map((r) => r.name)).toEqual(['admin', 'Deploy']);
      expect((await store.listRoles('', { after: 'admin', limit: 1 })).map((r) => r.name)).toEqual([
        'Deploy',
      ]);
      await expectCode(store.createRole(role('deploy')), 'EntityAlreadyExists');
    });

    it('updates description, duration and trust policy; tags and untags; NoSuchEntity when missing', async () => {
      const store = get();
      await store.createRole(role('r'));
      await store.updateRole('', 'R', { description: 'd', maxSessionDuration: 7200 }, 5);
      await store.updateRole('', 'r', { trustPolicy: '{}' }, 6);
      expect(await store.getRole('', 'r')).toMatchObject({
        description: 'd',
        maxSessionDuration: 7200,
        trustPolicy: '{}',
        updatedAt: 6,
      });
      await store.tagRole(
        '',
        'r',
        [
          { key: 'A', value: '1' },
          { key: 'b', value: '2' },
        ],
        7,
      );
      await store.tagRole('', 'r', [{ key: 'a', value: '3' }], 8);
      await store.untagRole('', 'r', ['B'], 9);
      expect((await store.getRole('', 'r'))?.tags).toEqual([{ key: 'a', value: '3' }]);
      await expectCode(store.updateRole('', 'nope', {}, 1), 'NoSuchEntity');
      await expectCode(store.tagRole('', 'nope', [], 1), 'NoSuchEntity');
      await expectCode(store.deleteRole('', 'nope'), 'NoSuchEntity');
    });

    it('holds attached and inline policies; DeleteConflict until they are gone; snapshot', async () => {
      const store = get();
      await store.createRole(role('r'));
      await store.createPolicy(policy('p'), doc('s3:ListBucket'));
      await store.attachPolicy('', 'role', 'R', 'p', false);
      await store.attachPolicy('', 'role', 'r', 'readonly', true);
      await store.putInlinePolicy('', 'role', 'r', 'in', doc());
      expect(await store.listAttachedPolicies('', 'role', 'r')).toEqual(['p', 'readonly']);
      expect(await store.listEntitiesForPolicy('', 'P')).toEqual({ users: [], groups: [], roles: ['r'] });
      const snap = await store.roleSnapshot('', 'R');
      expect(snap?.role.name).toBe('r');
      expect(snap?.attached).toEqual(['p', 'readonly']);
      expect(snap?.inline).toEqual([{ name: 'in', document: doc() }]);
      expect(snap?.documents).toEqual({ p: doc('s3:ListBucket') });
      await expectCode(store.deleteRole('', 'r'), 'DeleteConflict');
      await store.detachPolicy('', 'role', 'r', 'p');
      await store.detachPolicy('', 'role', 'r', 'readonly');
      await expectCode(store.deleteRole('', 'r'), 'DeleteConflict');
      await store.deleteInlinePolicy('', 'role', 'r', 'in');
      await store.deleteRole('', 'r');
      expect(await store.getRole('', 'r')).toBeUndefined();
      expect(await store.roleSnapshot('', 'r')).toBeUndefined();
      await expectCode(store.attachPolicy('', 'role', 'r', 'readonly', true), 'NoSuchEntity');
    });

    it('appends a role change to the feed for every mutation', async () => {
      const store = get();
      const seq = await store.latestChangeSeq();
      await store.createRole(role('r'));
      await store.updateRole('', 'r', { description: 'x' }, 2);
      await store.putInlinePolicy('', 'role', 'r', 'in', doc());
      await store.deleteInlinePolicy('', 'role', 'r', 'in');
      await store.deleteRole('', 'r');
      const changes = (await store.changesSince(seq)).changes;
      expect(changes.map((c) => [c.kind, c.name])).toEqual(Array(5).fill(['role', 'r']));
    });
  });
}
