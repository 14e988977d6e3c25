import { describe, expect, it } from 'vitest';
import type { ChangeFeedStore, IamLdapUserRecord, LdapStore } from '../iam/types.js';
import { type OpenStore, useStore } from './iam-fixtures.js';

const ALICE = 'uid=alice,ou=people,dc=example,dc=org';
const OPS = 'cn=ops,ou=groups,dc=example,dc=org';
const DEV = 'cn=dev,ou=groups,dc=example,dc=org';

export function ldapUser(dn: string, extra: Partial<IamLdapUserRecord> = {}): IamLdapUserRecord {
  return {
    directory: 'default',
    dn,
    account: '',
    username: 'alice',
    userName: 'ldap-default.alice',
    groupDns: [OPS],
    state: 'active',
    suspended: false,
    lastLogin: 1,
    ...extra,
  };
}

/**
 * The LdapStore contract: DN → policy mappings (idempotent, reported), the LDAP users seen with
 * their state, feed changes only for what decides permissions, and the sync lease.
 * @example runLdapStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runLdapStoreContract(name: string, open: OpenStore<LdapStore & ChangeFeedStore>): void {
  describe(`LdapStore contract: ${name}`, () => {
    const get = useStore(open);

    it('attaches and detaches mappings idempotently, each change once in the feed', async () => {
      const store = get();
      const seq = await store.latestChangeSeq();
      expect(await store.attachLdapPolicies('', 'group', OPS, ['reads', 'writes'], 1)).toEqual([
        'reads',
        'writes',
      ]);
      expect(await store.attachLdapPolicies('', 'group', OPS, ['READS'], 2)).toEqual([]);
      expect(await store.attachLdapPolicies('', 'user', ALICE, ['reads'], 3)).toEqual(['reads']);
      expect((await store.changesSince(seq)).changes.map((c) => c.kind)).toEqual(['ldap', 'ldap']);
      expect((await store.listLdapMappings('', { policies: ['writes'] })).map((m) => m.dn)).toEqual([OPS]);
      expect(await store.listLdapMappings('', {})).toHaveLength(3);
      expect(await store.detachLdapPolicies('', 'group', OPS, ['writes', 'other'])).toEqual(['writes']);
      expect(await store.detachLdapPolicies('', 'group', OPS, ['writes'])).toEqual([]);
      expect(await store.listLdapMappings('acct-2', {})).toEqual([]);
    });

    it('a snapshot has the user DN’s mappings and its stored groups’ (the given groups before a login)', async () => {
      const store = get();
      await store.attachLdapPolicies('', 'group', OPS, ['reads'], 1);
      await store.attachLdapPolicies('', 'group', DEV, ['writes'], 1);
      await store.attachLdapPolicies('', 'user', ALICE, ['home'], 1);
      const before = await store.ldapSnapshot('', 'default', ALICE, [DEV]);
      expect(before.user).toBeUndefined();
      expect(before.mappings.map((m) => m.policy).sort()).toEqual(['home', 'writes']);
      await store.putLdapUser(ldapUser(ALICE));
      const after = await store.ldapSnapshot('', 'default', ALICE, [DEV]);
      expect(after.mappings.map((m) => m.policy).sort()).toEqual(['home', 'reads']);
      expect((await store.ldapSnapshotByUserName('', 'LDAP-default.alice')).user?.dn).toBe(ALICE);
    });

    it('stores users; only group, state or suspension changes reach the feed; stamps do not', async () => {
      const store = get();
      expect(await store.putLdapUser(ldapUser(ALICE))).toBe(true);
      const seq = await store.latestChangeSeq();
      expect(await store.putLdapUser(ldapUser(ALICE, { lastLogin: 5 }))).toBe(false);
      await store.touchLdapUsers([{ directory: 'default', dn: ALICE }], 9);
      expect((await store.changesSince(seq)).changes).toEqual([]);
      expect(await store.getLdapUser('default', ALICE)).toEqual(
        ldapUser(ALICE, { lastLogin: 5, lastSync: 9 }),
      );
      expect(await store.putLdapUser(ldapUser(ALICE, { state: 'missing', suspended: true }))).toBe(true);
      expect(await store.putLdapUser(ldapUser(ALICE, { groupDns: [] }))).toBe(true);
      expect((await store.changesSince(seq)).changes.map((c) => c.kind)).toEqual(['ldap', 'ldap']);
      await store.putLdapUser(ldapUser(ALICE, { directory: 'corp' }));
      expect((await store.listLdapUsers()).map((u) => u.directory)).toEqual(['corp', 'default']);
    });

    it('one holder of the sync lease at a time, until it lapses', async () => {
      const store = get();
      expect(await store.claimLdapSyncLease('a', 0, 100)).toBe(true);
      expect(await store.claimLdapSyncLease('b', 50, 150)).toBe(false);
      expect(await store.claimLdapSyncLease('a', 60, 160)).toBe(true);
      expect(await store.claimLdapSyncLease('b', 161, 300)).toBe(true);
      expect(await store.claimLdapSyncLease('a', 200, 400)).toBe(false);
    });
  });
}
