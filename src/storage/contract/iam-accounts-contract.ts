import { describe, expect, it } from 'vitest';
import type { AccountStore, ChangeFeedStore, IamAccountRecord, UserStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { type OpenStore, user, useStore } from './iam-fixtures.js';

export function account(id: string, name: string): IamAccountRecord {
  return {
    id,
    name,
    rootAccessKey: `AKIA${id}ROOT`,
    rootSecretCiphertext: `ct:${id}`,
    createdAt: 1_700_000_000_000,
  };
}

type Store = AccountStore & UserStore & ChangeFeedStore;

/**
 * The AccountStore contract: ids, names (case-insensitive) and root access keys unique (also
 * against users' keys), lookups by each, DeleteConflict while the account owns IAM entities, and
 * one `account` change per mutation.
 * @example runAccountStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runAccountStoreContract(name: string, open: OpenStore<Store>): void {
  describe(`AccountStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates, gets by id, name (any case) and access key, lists by name', async () => {
      const store = get();
      await store.createAccount(account('222222222222', 'zeta'));
      await store.createAccount(account('111111111111', 'Alpha'));
      expect(await store.getAccount('111111111111')).toEqual(account('111111111111', 'Alpha'));
      expect((await store.getAccountByName('ALPHA'))?.id).toBe('111111111111');
      expect((await store.getAccountByAccessKey('AKIA222222222222ROOT'))?.name).toBe('zeta');
      expect(await store.getAccountByAccessKey('akia222222222222root')).toBeUndefined();
      expect(await store.getAccount('333333333333')).toBeUndefined();
      expect((await store.listAccounts()).map((a) => a.name)).toEqual(['Alpha', 'zeta']);
    });

    it('refuses a taken id, name (any case) or access key', async () => {
      const store = get();
      await store.createAccount(account('111111111111', 'alpha'));
      await expectCode(store.createAccount(account('111111111111', 'beta')), 'EntityAlreadyExists');
      await expectCode(store.createAccount(account('222222222222', 'ALPHA')), 'EntityAlreadyExists');
      await expectCode(
        store.createAccount({ ...account('222222222222', 'beta'), rootAccessKey: 'AKIA111111111111ROOT' }),
        'EntityAlreadyExists',
      );
      await store.createUser(user('carol'));
      await expectCode(
        store.createAccount({ ...account('222222222222', 'beta'), rootAccessKey: 'carol' }),
        'EntityAlreadyExists',
      );
      await expectCode(
        store.createUser({ ...user('dave'), accessKey: 'AKIA111111111111ROOT' }),
        'EntityAlreadyExists',
      );
    });

    it('deletes only an account that owns no IAM entity; NoSuchEntity when missing', async () => {
      const store = get();
      await store.createAccount(account('111111111111', 'alpha'));
      await store.createUser(user('alice', '111111111111'));
      expect((await store.accountHoldings('111111111111')).users).toBe(1);
      await expectCode(store.deleteAccount('111111111111'), 'DeleteConflict');
      await store.deleteUser('111111111111', 'alice');
      expect(await store.accountHoldings('111111111111')).toEqual({
        users: 0,
        groups: 0,
        roles: 0,
        policies: 0,
        serviceAccounts: 0,
      });
      await store.deleteAccount('111111111111');
      expect(await store.getAccount('111111111111')).toBeUndefined();
      await expectCode(store.deleteAccount('111111111111'), 'NoSuchEntity');
    });

    it('feeds one account change per mutation (account = id, name = root access key)', async () => {
      const store = get();
      const seq = await store.latestChangeSeq();
      await store.createAccount(account('111111111111', 'alpha'));
      await store.deleteAccount('111111111111');
      const { changes } = await store.changesSince(seq);
      expect(changes.map((c) => [c.kind, c.account, c.name])).toEqual([
        ['account', '111111111111', 'AKIA111111111111ROOT'],
        ['account', '111111111111', 'AKIA111111111111ROOT'],
      ]);
    });
  });
}
