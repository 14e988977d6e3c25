import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteIamStore } from '../storage/index.js';
import { parseMasterKey } from './master-key.js';
import { IamService } from './service.js';
import { TEST_ROOT, testDataDir } from './testing.js';

const DAY = 86_400_000;
const NOW = 1_700_000_000_000;
let close: () => Promise<void> = async () => {};
afterEach(() => close());

async function open(maxExpiryMs?: number): Promise<IamService> {
  const store = SqliteIamStore.forDataDir(testDataDir());
  const iam = await IamService.open({
    store,
    masterKey: parseMasterKey(`k:${randomBytes(32).toString('base64')}`),
    root: TEST_ROOT,
    clock: { now: () => NOW },
    ...(maxExpiryMs === undefined ? {} : { serviceAccountMaxExpiryMs: maxExpiryMs }),
  });
  close = async () => {
    iam.close();
    await store.close();
  };
  await iam.users.create('', { name: 'alice' });
  return iam;
}

describe('TESSERA_SVCACCT_MAX_EXPIRY', () => {
  it("caps a user's service accounts: none given → the cap; beyond it or removing it → InvalidInput", async () => {
    const iam = await open(7 * DAY);
    const alice = { type: 'user' as const, name: 'alice' };
    const capped = await iam.serviceAccounts.create('', { parent: alice });
    expect(capped.expiresAt).toBe(NOW + 7 * DAY);
    expect((await iam.serviceAccounts.create('', { parent: alice, expiresAt: NOW + DAY })).expiresAt).toBe(
      NOW + DAY,
    );
    await expect(
      iam.serviceAccounts.create('', { parent: alice, expiresAt: NOW + 8 * DAY }),
    ).rejects.toMatchObject({
      code: 'InvalidInput',
    });
    await expect(iam.serviceAccounts.update('', capped.accessKey, { expiresAt: null })).rejects.toMatchObject(
      {
        code: 'InvalidInput',
      },
    );
    // Root's service accounts are not capped.
    expect((await iam.serviceAccounts.create('', { parent: { type: 'root' } })).expiresAt).toBeUndefined();
  });

  it('without the setting nothing changes', async () => {
    const iam = await open();
    expect(
      (await iam.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } })).expiresAt,
    ).toBeUndefined();
  });
});
