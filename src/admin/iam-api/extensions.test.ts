import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness();
  await h.call(h.root, 'CreateUser', { UserName: 'carol' });
});
afterEach(async () => {
  await h.close();
});

const NARROW = doc('s3:GetObject', 'arn:aws:s3:::logs/*');

describe('CreateAccessKey / UpdateAccessKey service-account extras', () => {
  it('CreateAccessKey takes a chosen key and secret, an embedded policy, an expiry, a name and a description', async () => {
    const expiration = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const r = await h.call(h.root, 'CreateAccessKey', {
      UserName: 'carol',
      AccessKeyId: 'carol-app-key-01',
      SecretAccessKey: 'carol-app-secret-01',
      Policy: NARROW,
      Expiration: expiration,
      Name: 'backup',
      Description: 'nightly backup job',
    });
    const k = r.CreateAccessKeyResult.AccessKey;
    expect(k).toMatchObject({
      AccessKeyId: 'carol-app-key-01',
      SecretAccessKey: 'carol-app-secret-01',
      Name: 'backup',
      Description: 'nightly backup job',
      Expiration: expiration,
    });
    const sa = await h.iam.serviceAccounts.get('', 'carol-app-key-01');
    expect(sa).toMatchObject({ policy: NARROW, name: 'backup', expiresAt: Date.parse(expiration) });
    const listed = (await h.call(h.root, 'ListAccessKeys', { UserName: 'carol' })).ListAccessKeysResult
      .AccessKeyMetadata.member[0];
    expect(listed).toMatchObject({ AccessKeyId: 'carol-app-key-01', Name: 'backup', Expiration: expiration });
  });

  it('refuses a malformed embedded policy, a bad or past expiry', async () => {
    const bad = await h.fail(h.root, 'CreateAccessKey', { UserName: 'carol', Policy: '{"Version":1}' });
    expect(bad.code).toBe('MalformedPolicyDocument');
    expect((await h.fail(h.root, 'CreateAccessKey', { UserName: 'carol', Expiration: 'soon' })).code).toBe(
      'InvalidInput',
    );
    const past = await h.fail(h.root, 'CreateAccessKey', {
      UserName: 'carol',
      Expiration: '2001-01-01T00:00:00Z',
    });
    expect(past).toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/future/) });
  });

  it('UpdateAccessKey sets and (with empty values) removes the extras, Status optional then', async () => {
    await h.call(h.root, 'CreateAccessKey', { UserName: 'carol', AccessKeyId: 'carol-k2', Name: 'n1' });
    await h.call(h.root, 'UpdateAccessKey', {
      UserName: 'carol',
      AccessKeyId: 'carol-k2',
      Policy: NARROW,
      Description: 'd',
      SecretAccessKey: 'new-secret-value',
    });
    let sa = await h.iam.serviceAccounts.get('', 'carol-k2');
    expect(sa).toMatchObject({ policy: NARROW, name: 'n1', description: 'd', status: 'enabled' });
    expect(await h.iam.verifySecret('carol-k2', 'new-secret-value')).toMatchObject({
      accessKey: 'carol-k2',
      name: 'carol',
    });
    expect(await h.iam.verifySecret('carol-k2', 'new-secret-valuE')).toBeUndefined();
    await h.call(h.root, 'UpdateAccessKey', {
      UserName: 'carol',
      AccessKeyId: 'carol-k2',
      Policy: '',
      Name: '',
      Status: 'Inactive',
    });
    sa = await h.iam.serviceAccounts.get('', 'carol-k2');
    expect(sa.policy).toBeUndefined();
    expect(sa.name).toBeUndefined();
    expect(sa.status).toBe('disabled');
    const noStatus = await h.fail(h.root, 'UpdateAccessKey', { UserName: 'carol', AccessKeyId: 'carol-k2' });
    expect(noStatus.code).toBe('ValidationError');
  });
});

describe('GetAccessKeyInfo', () => {
  it('returns owner, status, extras and the URL-encoded policy, never the secret', async () => {
    await h.call(h.root, 'CreateAccessKey', {
      UserName: 'carol',
      AccessKeyId: 'carol-info-key',
      Policy: NARROW,
      Name: 'app',
    });
    const info = (await h.call(h.root, 'GetAccessKeyInfo', { AccessKeyId: 'carol-info-key' }))
      .GetAccessKeyInfoResult;
    expect(info).toMatchObject({
      AccessKeyId: 'carol-info-key',
      UserName: 'carol',
      ParentArn: 'arn:aws:iam:::user/carol',
      Status: 'Active',
      Name: 'app',
    });
    expect(decodeURIComponent(info.Policy)).toBe(NARROW);
    expect(JSON.stringify(info)).not.toMatch(/Secret/);
    const rootKey = (await h.call(h.root, 'CreateAccessKey', {})).CreateAccessKeyResult.AccessKey.AccessKeyId;
    const rootInfo = (await h.call(h.root, 'GetAccessKeyInfo', { AccessKeyId: rootKey }))
      .GetAccessKeyInfoResult;
    expect(rootInfo.UserName).toBeUndefined();
    expect(rootInfo.ParentArn).toBe('arn:aws:iam:::root');
  });

  it('is authorized like ListAccessKeys on the owner; a missing key is denied to those without access', async () => {
    await h.call(h.root, 'CreateAccessKey', { UserName: 'carol', AccessKeyId: 'carol-info-key' });
    const bob = await h.user('bob');
    expect((await h.fail(bob, 'GetAccessKeyInfo', { AccessKeyId: 'carol-info-key' })).code).toBe(
      'AccessDenied',
    );
    expect((await h.fail(bob, 'GetAccessKeyInfo', { AccessKeyId: 'no-such-key' })).code).toBe('AccessDenied');
    await h.iam.policies.putInline('', 'user', 'bob', 'keys', doc('iam:ListAccessKeys'));
    expect((await h.fail(bob, 'GetAccessKeyInfo', { AccessKeyId: 'no-such-key' })).code).toBe('NoSuchEntity');
    const info = await h.call(bob, 'GetAccessKeyInfo', { AccessKeyId: 'carol-info-key' });
    expect(info.GetAccessKeyInfoResult.UserName).toBe('carol');
  });
});

describe('login profiles = MinIO-style user secrets', () => {
  it('create, get, update and delete map to the user secret', async () => {
    expect((await h.fail(h.root, 'GetLoginProfile', { UserName: 'carol' })).code).toBe('NoSuchEntity');
    const created = await h.call(h.root, 'CreateLoginProfile', {
      UserName: 'carol',
      Password: 'carol-pw-0001',
    });
    expect(created.CreateLoginProfileResult.LoginProfile.UserName).toBe('carol');
    expect(await h.iam.verifySecret('carol', 'carol-pw-0001')).toMatchObject({ kind: 'user', name: 'carol' });
    expect(
      (await h.fail(h.root, 'CreateLoginProfile', { UserName: 'carol', Password: 'carol-pw-0002' })).code,
    ).toBe('EntityAlreadyExists');
    const got = await h.call(h.root, 'GetLoginProfile', { UserName: 'carol' });
    expect(got.GetLoginProfileResult.LoginProfile).toMatchObject({
      UserName: 'carol',
      PasswordResetRequired: 'false',
    });
    await h.call(h.root, 'UpdateLoginProfile', { UserName: 'carol', Password: 'carol-pw-0003' });
    expect(await h.iam.verifySecret('carol', 'carol-pw-0003')).toMatchObject({
      accessKey: 'carol',
      name: 'carol',
    });
    expect(await h.iam.verifySecret('carol', 'carol-pw-0001')).toBeUndefined();
    await h.call(h.root, 'DeleteLoginProfile', { UserName: 'carol' });
    expect((await h.iam.users.get('', 'carol')).hasSecret).toBe(false);
    expect((await h.fail(h.root, 'DeleteLoginProfile', { UserName: 'carol' })).code).toBe('NoSuchEntity');
  });

  it('validates the password, refuses PasswordResetRequired and is authorized by iam: or admin:CreateUser', async () => {
    const short = await h.fail(h.root, 'CreateLoginProfile', { UserName: 'carol', Password: 'short' });
    expect(short.code).toBe('InvalidInput');
    expect(short.message).not.toContain('short');
    const reset = await h.fail(h.root, 'CreateLoginProfile', {
      UserName: 'carol',
      Password: 'carol-pw-0001',
      PasswordResetRequired: 'true',
    });
    expect(reset.code).toBe('InvalidInput');
    const bob = await h.user('bob');
    const denied = await h.fail(bob, 'CreateLoginProfile', { UserName: 'carol', Password: 'carol-pw-0001' });
    expect(denied.code).toBe('AccessDenied');
    await h.iam.policies.putInline('', 'user', 'bob', 'minio', doc('admin:CreateUser'));
    await h.call(bob, 'CreateLoginProfile', { UserName: 'carol', Password: 'carol-pw-0001' });
  });
});

describe('Status of users and groups', () => {
  it('GetUser, ListUsers and GetGroup show Active / Inactive', async () => {
    await h.call(h.root, 'UpdateUser', { UserName: 'carol', Status: 'Inactive' });
    expect((await h.call(h.root, 'GetUser', { UserName: 'carol' })).GetUserResult.User.Status).toBe(
      'Inactive',
    );
    const users = (await h.call(h.root, 'ListUsers')).ListUsersResult.Users.member;
    expect(users[0]).toMatchObject({ UserName: 'carol', Status: 'Inactive' });
    await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
    expect((await h.call(h.root, 'GetGroup', { GroupName: 'devs' })).GetGroupResult.Group.Status).toBe(
      'Active',
    );
    await h.call(h.root, 'UpdateGroup', { GroupName: 'devs', Status: 'Inactive' });
    const groups = (await h.call(h.root, 'ListGroups')).ListGroupsResult.Groups.member;
    expect(groups[0]).toMatchObject({ GroupName: 'devs', Status: 'Inactive' });
  });
});
