import { describe, expect, it } from 'vitest';
import type { IamOidcProviderRecord, OidcProviderStore } from '../iam/types.js';
import { expectCode } from './fixtures.js';
import { type OpenStore, useStore } from './iam-fixtures.js';

export function oidcProvider(url: string, account = ''): IamOidcProviderRecord {
  return {
    account,
    url,
    clientIds: ['sts.amazonaws.com'],
    thumbprints: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    tags: [],
    createdAt: 1,
    updatedAt: 1,
  };
}

/**
 * The OidcProviderStore contract: providers unique per account by url, updates of their client
 * ids, thumbprints and tags, NoSuchEntity for a missing one.
 * @example runOidcProviderStoreContract('sqlite', async () => new SqliteIamStore(tempFile()));
 */
export function runOidcProviderStoreContract(name: string, open: OpenStore<OidcProviderStore>): void {
  describe(`OidcProviderStore contract: ${name}`, () => {
    const get = useStore(open);

    it('creates, gets, lists by url per account, refuses a second with the same url', async () => {
      const store = get();
      await store.createOidcProvider({
        ...oidcProvider('token.example.com'),
        tags: [{ key: 'k', value: 'v' }],
      });
      await store.createOidcProvider(oidcProvider('idp.example.com/realms/a'));
      await store.createOidcProvider(oidcProvider('token.example.com', 'acct-2'));
      expect(await store.getOidcProvider('', 'token.example.com')).toEqual({
        ...oidcProvider('token.example.com'),
        tags: [{ key: 'k', value: 'v' }],
      });
      expect(await store.getOidcProvider('', 'nowhere.example.com')).toBeUndefined();
      expect((await store.listOidcProviders('')).map((p) => p.url)).toEqual([
        'idp.example.com/realms/a',
        'token.example.com',
      ]);
      expect((await store.listOidcProviders('acct-2')).map((p) => p.url)).toEqual(['token.example.com']);
      await expectCode(store.createOidcProvider(oidcProvider('token.example.com')), 'EntityAlreadyExists');
    });

    it('updates client ids, thumbprints and tags; NoSuchEntity when missing', async () => {
      const store = get();
      await store.createOidcProvider(oidcProvider('a.example.com'));
      await store.updateOidcProvider('', 'a.example.com', { clientIds: ['x', 'y'] }, 5);
      await store.updateOidcProvider('', 'a.example.com', { thumbprints: [] }, 6);
      await store.updateOidcProvider('', 'a.example.com', { tags: [{ key: 't', value: '' }] }, 7);
      expect(await store.getOidcProvider('', 'a.example.com')).toMatchObject({
        clientIds: ['x', 'y'],
        thumbprints: [],
        tags: [{ key: 't', value: '' }],
        createdAt: 1,
        updatedAt: 7,
      });
      await expectCode(store.updateOidcProvider('', 'b.example.com', { clientIds: [] }, 8), 'NoSuchEntity');
      await expectCode(store.updateOidcProvider('acct-2', 'a.example.com', {}, 8), 'NoSuchEntity');
    });

    it('deletes; NoSuchEntity when missing', async () => {
      const store = get();
      await store.createOidcProvider(oidcProvider('a.example.com'));
      await store.deleteOidcProvider('', 'a.example.com');
      expect(await store.getOidcProvider('', 'a.example.com')).toBeUndefined();
      await expectCode(store.deleteOidcProvider('', 'a.example.com'), 'NoSuchEntity');
    });
  });
}
