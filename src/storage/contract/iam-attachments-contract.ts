import { describe, expect, it } from 'vitest';
import type { AttachmentStore, GroupStore, PolicyStore, UserStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { doc, group, type OpenStore, policy, user, useStore } from './iam-fixtures.js';

/**
 * The AttachmentStore contract: managed-policy attachments and inline policies of users and groups.
 * @example runAttachmentStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runAttachmentStoreContract(
  name: string,
  open: OpenStore<AttachmentStore & UserStore & GroupStore & PolicyStore>,
): void {
  describe(`AttachmentStore contract: ${name}`, () => {
    const get = useStore(open);

    it('attaches (idempotent), lists both ways, detaches; NoSuchEntity for what is missing', async () => {
      const s = get();
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
      const s = get();
      await s.createUser(user('alice'));
      for (let i = 0; i < 20; i++) await s.attachPolicy('', 'user', 'alice', `b${i}`, true);
      await expectCode(s.attachPolicy('', 'user', 'alice', 'b20', true), 'LimitExceeded');
      await s.attachPolicy('', 'user', 'alice', 'b0', true); // already attached: no change
    });

    it('inline policies: put replaces, get, list, delete', async () => {
      const s = get();
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
  });
}
