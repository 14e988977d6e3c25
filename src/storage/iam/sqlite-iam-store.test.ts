import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAccountStoreContract } from '../contract/iam-accounts-contract.js';
import { runAttachmentStoreContract } from '../contract/iam-attachments-contract.js';
import { runBucketPolicyStoreContract } from '../contract/iam-bucket-policies-contract.js';
import { runChangeFeedContract } from '../contract/iam-feed-contract.js';
import { user } from '../contract/iam-fixtures.js';
import { runGroupStoreContract } from '../contract/iam-groups-contract.js';
import { runLdapStoreContract } from '../contract/iam-ldap-contract.js';
import { runOidcProviderStoreContract } from '../contract/iam-oidc-providers-contract.js';
import { runPolicyStoreContract } from '../contract/iam-policies-contract.js';
import { runRoleStoreContract } from '../contract/iam-roles-contract.js';
import { runServiceAccountStoreContract } from '../contract/iam-service-accounts-contract.js';
import { runIdentitySnapshotContract } from '../contract/iam-snapshot-contract.js';
import { runUserStoreContract } from '../contract/iam-users-contract.js';
import { SqliteMetadataStore } from '../metadata/sqlite-metadata-store.js';
import { SqliteIamStore } from './sqlite-iam-store.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-iam-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `meta-${n++}.db`);

// One store implements every port: each contract runs against a fresh one.
const open = async () => new SqliteIamStore(freshFile());
runUserStoreContract('sqlite', open);
runGroupStoreContract('sqlite', open);
runPolicyStoreContract('sqlite', open);
runRoleStoreContract('sqlite', open);
runOidcProviderStoreContract('sqlite', open);
runAttachmentStoreContract('sqlite', open);
runServiceAccountStoreContract('sqlite', open);
runBucketPolicyStoreContract('sqlite', open);
runIdentitySnapshotContract('sqlite', open);
runChangeFeedContract('sqlite', open);
runAccountStoreContract('sqlite', open);
runLdapStoreContract('sqlite', open);

describe('SqliteIamStore', () => {
  it('shares the metadata database file and sees another connection’s writes and changes', async () => {
    const file = freshFile();
    const metadata = new SqliteMetadataStore(file);
    const one = new SqliteIamStore(file);
    const two = new SqliteIamStore(file);
    const seq = await two.latestChangeSeq();
    await one.createUser(user('alice'));
    expect((await two.getUser('', 'alice'))?.name).toBe('alice');
    expect((await two.changesSince(seq)).changes.map((c) => c.name)).toEqual(['alice']);
    await Promise.all([one.close(), two.close(), metadata.close()]);
  });

  it('opens the store of a data directory', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.tessera'));
    const store = SqliteIamStore.forDataDir(dir);
    expect(await store.latestChangeSeq()).toBe(0);
    await store.close();
  });
});
