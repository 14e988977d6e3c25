import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../core/index.js';
import { Authorizer } from './authorizer.js';
import { allow, openTestIam, type TestIam, testDataDir } from './testing.js';

let dir: string;
let t: TestIam;
beforeEach(async () => {
  dir = testDataDir();
  t = await openTestIam(dir);
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function principalOf(accessKey: string): Promise<Principal> {
  const c = await t.iam.lookupCredential(accessKey);
  if (c === undefined) throw new Error(`no credential for ${accessKey}`);
  return c.principal;
}

describe('AccountDirectory', () => {
  it('creates accounts with 12-digit ids and root credentials; names unique without regard to case', async () => {
    const a = await t.iam.accounts.create('acme');
    expect(a.id).toMatch(/^[1-9]\d{11}$/);
    expect(a.rootSecretKey.length).toBeGreaterThanOrEqual(32);
    await expect(t.iam.accounts.create('ACME')).rejects.toMatchObject({ code: 'EntityAlreadyExists' });
    await expect(t.iam.accounts.create('bad name')).rejects.toMatchObject({ code: 'ValidationError' });
    expect((await t.iam.accounts.get('Acme')).id).toBe(a.id);
    expect((await t.iam.accounts.get(a.id)).name).toBe('acme');
    expect((await t.iam.accounts.list()).map((x) => x.name)).toEqual(['acme']);
    // The secret is stored encrypted, never as given.
    expect((await t.store.getAccount(a.id))?.rootSecretCiphertext).not.toContain(a.rootSecretKey);
  });

  it('an account root key authenticates as that account’s root; removed, it stops at once', async () => {
    const a = await t.iam.accounts.create('acme');
    const c = await t.iam.lookupCredential(a.rootAccessKey);
    expect(c?.secretKey).toBe(a.rootSecretKey);
    expect(c?.principal).toEqual({
      kind: 'root',
      account: a.id,
      accessKey: a.rootAccessKey,
      name: a.rootAccessKey,
      arn: `arn:aws:iam::${a.id}:root`,
      userId: a.id,
    });
    expect((await principalOf('rootadmin')).account).toBe('');
    await t.iam.accounts.remove(a.id);
    expect(await t.iam.lookupCredential(a.rootAccessKey)).toBeUndefined();
  });

  it('users of two accounts may share a name; their own keys differ', async () => {
    const a = await t.iam.accounts.create('acme');
    const b = await t.iam.accounts.create('globex');
    await t.iam.users.create(a.id, { name: 'alice', secretKey: 'alice-secret-a' });
    await t.iam.users.create(b.id, { name: 'alice', secretKey: 'alice-secret-b' });
    const p = await principalOf(`${a.id}.alice`);
    expect(p).toMatchObject({ kind: 'user', account: a.id, arn: `arn:aws:iam::${a.id}:user/alice` });
  });
});

describe('the cross-account rule', () => {
  it('needs the identity side and the bucket policy; deny wins; roots own their buckets only', async () => {
    const a = await t.iam.accounts.create('acme');
    const b = await t.iam.accounts.create('globex');
    const owners: Record<string, string> = { 'a-bucket': a.id, 'd-bucket': '' };
    const authorizer = new Authorizer({ iam: t.iam, accountId: '', bucketAccount: (x) => owners[x] });
    await t.iam.users.create(b.id, { name: 'bob', secretKey: 'bob-secret-1' });
    const bob = await principalOf(`${b.id}.bob`);
    const bRoot = await principalOf(b.rootAccessKey);
    const aRoot = await principalOf(a.rootAccessKey);
    const deployment = await principalOf('rootadmin');
    const get = { action: 's3:GetObject', resource: 'arn:aws:s3:::a-bucket/k' };
    const can = async (p: Principal, check = get) => (await authorizer.decide(p, check, {})).allowed;
    expect(await can(aRoot)).toBe(true);
    expect(await can(bRoot)).toBe(false);
    expect(await can(deployment)).toBe(false);
    expect(await can(aRoot, { action: 's3:GetObject', resource: 'arn:aws:s3:::d-bucket/k' })).toBe(false);
    expect(await can(deployment, { action: 's3:GetObject', resource: 'arn:aws:s3:::d-bucket/k' })).toBe(true);
    expect(await can(aRoot, { action: 'admin:ServerInfo', resource: '*' })).toBe(false);
    const policy = (stmts: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: stmts });
    const stmt = (principal: string, effect = 'Allow') => ({
      Effect: effect,
      Principal: { AWS: principal },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::a-bucket/*',
    });
    await t.iam.bucketPolicies.put(a.id, 'a-bucket', policy([stmt(`arn:aws:iam::${b.id}:user/bob`)]));
    expect(await can(bob)).toBe(false); // no identity allow
    await t.iam.policies.putInline(
      b.id,
      'user',
      'bob',
      'read',
      allow('s3:GetObject', 'arn:aws:s3:::a-bucket/*'),
    );
    expect(await can(bob)).toBe(true);
    expect(await can(bRoot)).toBe(false); // the policy names bob only
    await t.iam.bucketPolicies.put(a.id, 'a-bucket', policy([stmt(`arn:aws:iam::${b.id}:root`)]));
    expect(await can(bRoot)).toBe(true);
    expect(await can(bob)).toBe(true);
    await t.iam.bucketPolicies.put(
      a.id,
      'a-bucket',
      policy([stmt(`arn:aws:iam::${b.id}:root`), stmt(`arn:aws:iam::${b.id}:user/bob`, 'Deny')]),
    );
    expect(await can(bob)).toBe(false);
    expect(await can(bRoot)).toBe(true);
    // Without a bucket policy, bob's identity allow alone does nothing.
    await t.iam.bucketPolicies.delete('a-bucket');
    expect(await can(bob)).toBe(false);
  });
});
