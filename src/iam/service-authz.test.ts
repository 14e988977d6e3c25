import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../core/index.js';
import { authorize } from '../policy/index.js';
import { principalContext } from './principal-context.js';
import { allow, openTestIam, type TestIam, testDataDir } from './testing.js';

const HOME = 'arn:aws:s3:::home/${aws:username}/*';

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

/** Decides `action` on `resource` for `p` with the context its principal supplies. */
async function can(
  p: Principal,
  action: string,
  resource: string,
  bucket = resource.split(':::')[1]?.split('/')[0],
) {
  const sets = await t.iam.policySetsFor(p, bucket);
  const context = principalContext(p, t.iam.arns.accountId(p.account));
  return authorize(sets, { action, resource, context }).allowed;
}

describe('lookupCredential', () => {
  it('resolves root, users and service accounts, with the principal fields conditions need', async () => {
    expect((await t.iam.lookupCredential('rootadmin'))?.principal).toMatchObject({
      kind: 'root',
      arn: 'arn:aws:iam:::root',
    });
    const u = await t.iam.users.create('', {
      name: 'alice',
      secretKey: 'alice-secret',
      tags: [{ key: 'team', value: 'x' }],
    });
    await t.iam.groups.create('', 'devs');
    await t.iam.groups.create('', 'off', 'disabled');
    await t.iam.groups.addMember('', 'devs', 'alice');
    await t.iam.groups.addMember('', 'off', 'alice');
    const c = await t.iam.lookupCredential('alice');
    expect(c?.secretKey).toBe('alice-secret');
    expect(c?.principal).toEqual({
      kind: 'user',
      account: '',
      accessKey: 'alice',
      name: 'alice',
      arn: 'arn:aws:iam:::user/alice',
      userId: u.id,
      groups: ['devs'],
      tags: { team: 'x' },
    });
    const sa = await t.iam.serviceAccounts.create('', {
      parent: { type: 'user', name: 'alice' },
      expiresAt: t.clock.now() + 1000,
    });
    const s = await t.iam.lookupCredential(sa.accessKey);
    expect(s?.secretKey).toBe(sa.secretKey);
    expect(s?.principal).toMatchObject({
      kind: 'serviceAccount',
      name: 'alice',
      parent: { kind: 'user', name: 'alice' },
      userId: u.id,
      groups: ['devs'],
    });
    expect(principalContext(s!.principal, '')).toMatchObject({
      'aws:username': 'alice',
      'aws:PrincipalType': 'User',
      'aws:groups': ['devs'],
      'aws:PrincipalTag/team': 'x',
    });
    expect(await t.iam.lookupCredential('unknown-key')).toBeUndefined();
  });

  it('answers a cached key synchronously', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await t.iam.lookupCredential('alice');
    const again = t.iam.lookupCredential('alice');
    expect(again).not.toBeInstanceOf(Promise);
    expect(t.iam.lookupCredential('rootadmin')).not.toBeInstanceOf(Promise);
  });

  it('refuses disabled users, users without a secret, and service accounts that are disabled, expired or orphaned', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await t.iam.users.create('', { name: 'nosecret' });
    expect(await t.iam.lookupCredential('nosecret')).toBeUndefined();
    const sa = await t.iam.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } });
    const exp = await t.iam.serviceAccounts.create('', {
      parent: { type: 'root' },
      expiresAt: t.clock.now() + 1000,
    });
    const saKey = { accessKey: sa.accessKey, secretKey: sa.secretKey };
    expect(await t.iam.lookupCredential(sa.accessKey)).toMatchObject(saKey);
    expect(await t.iam.lookupCredential(exp.accessKey)).toMatchObject({
      accessKey: exp.accessKey,
      secretKey: exp.secretKey,
    });
    await t.iam.users.setStatus('', 'alice', 'disabled');
    expect(await t.iam.lookupCredential('alice')).toBeUndefined();
    expect(await t.iam.lookupCredential(sa.accessKey)).toBeUndefined(); // parent disabled: at once
    await t.iam.users.setStatus('', 'alice', 'enabled');
    expect(await t.iam.lookupCredential(sa.accessKey)).toMatchObject(saKey);
    await t.iam.serviceAccounts.update('', sa.accessKey, { status: 'disabled' });
    expect(await t.iam.lookupCredential(sa.accessKey)).toBeUndefined();
    await t.iam.serviceAccounts.update('', sa.accessKey, { status: 'enabled', secretKey: 'rotated-secret' });
    expect((await t.iam.lookupCredential(sa.accessKey))?.secretKey).toBe('rotated-secret');
    await t.iam.users.delete('', 'alice', { cascade: true });
    expect(await t.iam.lookupCredential(sa.accessKey)).toBeUndefined();
    t.clock.set(t.clock.now() + 1000);
    expect(await t.iam.lookupCredential(exp.accessKey)).toBeUndefined(); // expired while cached
  });

  it('verifySecret compares the secret', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    const alice = await t.iam.verifySecret('alice', 'alice-secret');
    expect(alice?.kind === 'user' && alice.name).toBe('alice');
    expect(await t.iam.verifySecret('alice', 'alice-secreT')).toBeUndefined();
    expect(await t.iam.verifySecret('nobody', 'whatever1')).toBeUndefined();
  });
});

describe('policySetsFor + authorize', () => {
  it('users: attached, inline and enabled groups’ policies; an explicit Deny in a group wins', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await t.iam.policies.attach('', 'user', 'alice', 'readonly');
    const alice = await principalOf('alice');
    expect(await can(alice, 's3:GetObject', 'arn:aws:s3:::b/k')).toBe(true);
    expect(await can(alice, 's3:PutObject', 'arn:aws:s3:::b/k')).toBe(false);
    await t.iam.policies.putInline('', 'user', 'alice', 'home', allow('s3:PutObject', HOME));
    expect(await can(alice, 's3:PutObject', 'arn:aws:s3:::home/alice/x')).toBe(true);
    expect(await can(alice, 's3:PutObject', 'arn:aws:s3:::home/bob/x')).toBe(false);
    await t.iam.groups.create('', 'blocked');
    await t.iam.policies.putInline(
      '',
      'group',
      'blocked',
      'deny',
      allow('s3:GetObject', 'arn:aws:s3:::secret/*', 'Deny'),
    );
    await t.iam.groups.addMember('', 'blocked', 'alice');
    expect(await can(alice, 's3:GetObject', 'arn:aws:s3:::secret/k')).toBe(false);
    await t.iam.groups.setStatus('', 'blocked', 'disabled'); // contributes nothing, not even its Deny
    expect(await can(alice, 's3:GetObject', 'arn:aws:s3:::secret/k')).toBe(true);
  });

  it('a new default policy version, a detach and a disabled group are enforced at once in this process', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await t.iam.groups.create('', 'devs');
    await t.iam.groups.addMember('', 'devs', 'alice');
    await t.iam.policies.create('', 'p', allow('s3:GetObject'));
    await t.iam.policies.attach('', 'group', 'devs', 'p');
    const alice = await principalOf('alice');
    expect(await can(alice, 's3:GetObject', 'arn:aws:s3:::b/k')).toBe(true);
    expect(t.iam.policySetsFor(alice, 'b')).not.toBeInstanceOf(Promise); // cached
    await t.iam.policies.createVersion('', 'p', allow('s3:PutObject'), true);
    expect(await can(alice, 's3:GetObject', 'arn:aws:s3:::b/k')).toBe(false);
    expect(await can(alice, 's3:PutObject', 'arn:aws:s3:::b/k')).toBe(true);
    await t.iam.policies.detach('', 'group', 'devs', 'p');
    expect(await can(alice, 's3:PutObject', 'arn:aws:s3:::b/k')).toBe(false);
  });

  it('service accounts: the parent’s permissions narrowed by the embedded policy; root’s too', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'alice-secret' });
    await t.iam.policies.attach('', 'user', 'alice', 'readwrite');
    const narrow = await t.iam.serviceAccounts.create('', {
      parent: { type: 'user', name: 'alice' },
      policy: allow(['s3:GetObject', 's3:DeleteBucket'], 'arn:aws:s3:::logs/*'),
    });
    const full = await t.iam.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } });
    const n = await principalOf(narrow.accessKey);
    expect(await can(n, 's3:GetObject', 'arn:aws:s3:::logs/k')).toBe(true);
    expect(await can(n, 's3:GetObject', 'arn:aws:s3:::other/k')).toBe(false);
    expect(await can(await principalOf(full.accessKey), 's3:GetObject', 'arn:aws:s3:::other/k')).toBe(true);
    await t.iam.policies.detach('', 'user', 'alice', 'readwrite'); // the parent's current permissions
    expect(await can(n, 's3:GetObject', 'arn:aws:s3:::logs/k')).toBe(false);
    const r = await t.iam.serviceAccounts.create('', {
      parent: { type: 'root' },
      policy: allow('s3:ListBucket'),
    });
    const rp = await principalOf(r.accessKey);
    expect(await can(rp, 's3:ListBucket', 'arn:aws:s3:::any')).toBe(true);
    expect(await can(rp, 's3:PutObject', 'arn:aws:s3:::any/k')).toBe(false);
    const root = await principalOf('rootadmin');
    expect((await t.iam.policySetsFor(root)).principal.type).toBe('root');
  });

  it('bucket policies: anonymous only through them; a user granted by the bucket policy alone', async () => {
    const anonymous: Principal = { kind: 'anonymous', account: '' };
    expect(await can(anonymous, 's3:GetObject', 'arn:aws:s3:::pub/k')).toBe(false);
    const statement = (principal: unknown) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::pub/*' },
        ],
      });
    await t.iam.bucketPolicies.put('', 'pub', statement('*'));
    expect(await can(anonymous, 's3:GetObject', 'arn:aws:s3:::pub/k')).toBe(true);
    await t.iam.users.create('', { name: 'bob', secretKey: 'bob-secret1' });
    const bob = await principalOf('bob');
    await t.iam.bucketPolicies.put('', 'pub', statement({ AWS: 'arn:aws:iam:::user/bob' }));
    expect(await can(anonymous, 's3:GetObject', 'arn:aws:s3:::pub/k')).toBe(false);
    expect(await can(bob, 's3:GetObject', 'arn:aws:s3:::pub/k')).toBe(true);
    expect(await can(bob, 's3:GetObject', 'arn:aws:s3:::other/k')).toBe(false);
    await t.iam.bucketPolicies.delete('pub');
    expect(await can(bob, 's3:GetObject', 'arn:aws:s3:::pub/k')).toBe(false);
  });
});
