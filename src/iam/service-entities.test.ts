import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ErrorCode, isTesseraError } from '../core/index.js';
import { allow, openTestIam, type TestIam, testDataDir } from './testing.js';

async function code(p: Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (isTesseraError(e)) return e.code;
    throw e;
  }
}

let dir: string;
let t: TestIam;
beforeEach(async () => {
  dir = testDataDir();
  t = await openTestIam(dir, { defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('users and groups', () => {
  it('creates users with AWS name rules, unique without regard to case, never the root key', async () => {
    const u = await t.iam.users.create('', {
      name: 'alice',
      secretKey: 'alice-secret-1',
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(u).toMatchObject({
      name: 'alice',
      accessKey: 'alice',
      arn: 'arn:aws:iam::123456789012:user/alice',
      hasSecret: true,
    });
    expect(u.id).toMatch(/^AIDA[A-Z0-9]{17}$/);
    expect(await code(t.iam.users.create('', { name: 'ALICE' }))).toBe('EntityAlreadyExists');
    expect(await code(t.iam.users.create('', { name: 'rootadmin' }))).toBe('EntityAlreadyExists');
    expect(await code(t.iam.users.create('', { name: 'bad name' }))).toBe('InvalidInput');
    expect(await code(t.iam.users.create('', { name: 'bob', secretKey: 'short' }))).toBe('InvalidInput');
    expect(await code(t.iam.users.get('', 'nobody'))).toBe('NoSuchEntity');
    expect((await t.iam.users.create('', { name: 'aws-style' })).hasSecret).toBe(false);
  });

  it('stores secrets encrypted: the database file never holds them in the clear', async () => {
    await t.iam.users.create('', { name: 'alice', secretKey: 'plain-secret-of-alice' });
    const sa = await t.iam.serviceAccounts.create('', { parent: { type: 'user', name: 'alice' } });
    const db = new Database(`${dir}/.tessera/meta.db`, { readonly: true });
    const rows = JSON.stringify([
      db.prepare('SELECT * FROM iam_users').all(),
      db.prepare('SELECT * FROM iam_service_accounts').all(),
    ]);
    db.close();
    expect(rows).not.toContain('plain-secret-of-alice');
    expect(rows).not.toContain(sa.secretKey);
    expect(JSON.stringify(await t.iam.serviceAccounts.list(''))).not.toContain(sa.secretKey);
  });

  it('tags (≤ 50), status, delete conflicts as AWS and cascade as MinIO', async () => {
    await t.iam.users.create('', { name: 'alice' });
    await t.iam.users.tag('', 'alice', [{ key: 'team', value: 'b' }]);
    expect(await code(t.iam.users.tag('', 'alice', [{ key: 'aws:x', value: '' }]))).toBe('InvalidInput');
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(await code(t.iam.users.tag('', 'alice', many))).toBe('LimitExceeded');
    await t.iam.users.setStatus('', 'alice', 'disabled');
    expect((await t.iam.users.get('', 'alice')).status).toBe('disabled');
    await t.iam.groups.create('', 'devs');
    await t.iam.groups.addMember('', 'devs', 'alice');
    expect(await code(t.iam.users.delete('', 'alice'))).toBe('DeleteConflict');
    expect(await code(t.iam.groups.delete('', 'devs'))).toBe('DeleteConflict');
    expect((await t.iam.groups.forUser('', 'alice')).map((g) => g.arn)).toEqual([
      'arn:aws:iam::123456789012:group/devs',
    ]);
    await t.iam.users.delete('', 'alice', { cascade: true });
    expect(await t.iam.groups.members('', 'devs')).toEqual([]);
    await t.iam.groups.delete('', 'devs');
    expect(await code(t.iam.groups.get('', 'devs'))).toBe('NoSuchEntity');
  });
});

describe('policies', () => {
  it('lists the built-ins, always present and read-only', async () => {
    const names = (await t.iam.policies.list('')).map((p) => [p.name, p.builtin]);
    expect(names).toEqual(
      expect.arrayContaining([
        ['readonly', true],
        ['consoleAdmin', true],
      ]),
    );
    const ro = await t.iam.policies.get('', 'readonly');
    expect(ro.arn).toBe('arn:aws:iam::aws:policy/readonly');
    expect(JSON.parse(await t.iam.policies.document('', 'readonly')).Statement[0].Action).toContain(
      's3:GetObject',
    );
    expect(await code(t.iam.policies.delete('', 'readonly'))).toBe('InvalidInput');
    expect(await code(t.iam.policies.createVersion('', 'readonly', allow('s3:*'), true))).toBe(
      'InvalidInput',
    );
    expect(await code(t.iam.policies.create('', 'ReadOnly', allow('s3:*')))).toBe('EntityAlreadyExists');
  });

  it('validates documents, versions them, refuses to delete while attached', async () => {
    expect(await code(t.iam.policies.create('', 'bad', '{"Statement":[{"Effect":"Maybe"}]}'))).toBe(
      'MalformedPolicyDocument',
    );
    const p = await t.iam.policies.create('', 'logs', allow('s3:GetObject', 'arn:aws:s3:::logs/*'), {
      description: 'd',
    });
    expect(p).toMatchObject({
      arn: 'arn:aws:iam::123456789012:policy/logs',
      defaultVersion: 'v1',
      builtin: false,
    });
    expect(await t.iam.policies.createVersion('', 'logs', allow('s3:*', 'arn:aws:s3:::logs/*'), true)).toBe(
      'v2',
    );
    expect(JSON.parse(await t.iam.policies.document('', 'logs')).Statement[0].Action).toBe('s3:*');
    await t.iam.users.create('', { name: 'alice' });
    await t.iam.policies.attach('', 'user', 'alice', 'logs');
    await t.iam.policies.attach('', 'user', 'alice', 'readonly');
    expect((await t.iam.policies.listAttached('', 'user', 'alice')).map((x) => x.name)).toEqual([
      'logs',
      'readonly',
    ]);
    expect(await t.iam.policies.entities('', 'readonly')).toEqual({ users: ['alice'], groups: [] });
    expect(await code(t.iam.policies.delete('', 'logs', { deleteVersions: true }))).toBe('DeleteConflict');
    expect(await code(t.iam.policies.attach('', 'user', 'alice', 'missing'))).toBe('NoSuchEntity');
    await t.iam.policies.detach('', 'user', 'alice', 'logs');
    await t.iam.policies.delete('', 'logs', { deleteVersions: true });
    expect(await code(t.iam.policies.get('', 'logs'))).toBe('NoSuchEntity');
  });

  it('inline policies of users and groups', async () => {
    await t.iam.groups.create('', 'devs');
    await t.iam.policies.putInline('', 'group', 'devs', 'tmp', allow('s3:ListBucket'));
    expect(await t.iam.policies.getInline('', 'group', 'devs', 'tmp')).toBe(allow('s3:ListBucket'));
    expect(await code(t.iam.policies.getInline('', 'group', 'devs', 'other'))).toBe('NoSuchEntity');
    expect(await code(t.iam.policies.putInline('', 'user', 'nobody', 'x', allow('s3:*')))).toBe(
      'NoSuchEntity',
    );
    await t.iam.policies.deleteInline('', 'group', 'devs', 'tmp');
    expect(await t.iam.policies.listInline('', 'group', 'devs')).toEqual([]);
  });
});

describe('service accounts and bucket policies', () => {
  it('generates 20-character keys and 40-character secrets, shown once', async () => {
    await t.iam.users.create('', { name: 'alice' });
    const sa = await t.iam.serviceAccounts.create('', {
      parent: { type: 'user', name: 'alice' },
      name: 'ci',
    });
    expect(sa.accessKey).toMatch(/^[A-Z0-9]{20}$/);
    expect(sa.secretKey).toHaveLength(40);
    const got = await t.iam.serviceAccounts.get('', sa.accessKey);
    expect(got).toMatchObject({ parent: { type: 'user', name: 'alice' }, name: 'ci', status: 'enabled' });
    expect('secretKey' in got).toBe(false);
    expect(await code(t.iam.serviceAccounts.get('other-account', sa.accessKey))).toBe('NoSuchEntity');
    const root = await t.iam.serviceAccounts.create('', {
      parent: { type: 'root' },
      accessKey: 'my-root-key',
      secretKey: 'my-root-secret',
    });
    expect(root.secretKey).toBe('my-root-secret');
    expect((await t.iam.serviceAccounts.list('', { type: 'root' })).map((s) => s.accessKey)).toEqual([
      'my-root-key',
    ]);
  });

  it('checks the parent, the embedded policy and the expiry', async () => {
    const parent = { type: 'user', name: 'alice' } as const;
    expect(await code(t.iam.serviceAccounts.create('', { parent }))).toBe('NoSuchEntity');
    await t.iam.users.create('', { name: 'alice', status: 'disabled' });
    expect(await code(t.iam.serviceAccounts.create('', { parent }))).toBe('InvalidInput');
    await t.iam.users.setStatus('', 'alice', 'enabled');
    expect(
      await code(t.iam.serviceAccounts.create('', { parent, policy: '{"Statement":[{"Effect":"Maybe"}]}' })),
    ).toBe('MalformedPolicyDocument');
    const big = allow(Array.from({ length: 300 }, (_, i) => `s3:GetObject${i}`));
    expect(await code(t.iam.serviceAccounts.create('', { parent, policy: big }))).toBe('LimitExceeded');
    expect(await code(t.iam.serviceAccounts.create('', { parent, expiresAt: t.clock.now() - 1 }))).toBe(
      'InvalidInput',
    );
    expect(await code(t.iam.serviceAccounts.create('', { parent, accessKey: 'alice' }))).toBe(
      'EntityAlreadyExists',
    );
    expect(await code(t.iam.serviceAccounts.create('', { parent, accessKey: 'rootadmin' }))).toBe(
      'EntityAlreadyExists',
    );
    const sa = await t.iam.serviceAccounts.create('', { parent, policy: allow('s3:GetObject') });
    await t.iam.serviceAccounts.update('', sa.accessKey, { policy: null, description: 'no policy' });
    expect(await t.iam.serviceAccounts.get('', sa.accessKey)).not.toHaveProperty('policy');
    await t.iam.serviceAccounts.delete('', sa.accessKey);
    expect(await code(t.iam.serviceAccounts.delete('', sa.accessKey))).toBe('NoSuchEntity');
  });

  it('bucket policies: validated against the bucket; NoSuchBucketPolicy when absent', async () => {
    const other = allow('s3:GetObject', 'arn:aws:s3:::other/*').replace(
      '"Effect"',
      '"Principal":"*","Effect"',
    );
    expect(await code(t.iam.bucketPolicies.put('', 'photos', other))).toBe('MalformedPolicy');
    const ok = allow('s3:GetObject', 'arn:aws:s3:::photos/*').replace('"Effect"', '"Principal":"*","Effect"');
    await t.iam.bucketPolicies.put('', 'photos', ok);
    expect((await t.iam.bucketPolicies.get('photos'))?.document).toBe(ok);
    await t.iam.bucketPolicies.delete('photos');
    expect(await code(t.iam.bucketPolicies.delete('photos'))).toBe('NoSuchBucketPolicy');
  });
});
