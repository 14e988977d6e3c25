import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

/** Lets a user manage its own access keys, the usual AWS self-service policy. */
const SELF_KEYS = doc(
  ['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey', 'iam:DeleteAccessKey'],
  'arn:aws:iam::*:user/${aws:username}',
);

describe('access keys = service accounts of the user', () => {
  it('CreateAccessKey makes a working service account with a 20-character id and a 40-character secret', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    const k = (await h.call(h.root, 'CreateAccessKey', { UserName: 'carol' })).CreateAccessKeyResult
      .AccessKey;
    expect(k.UserName).toBe('carol');
    expect(k.AccessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(k.SecretAccessKey).toHaveLength(40);
    expect(k.Status).toBe('Active');
    expect(k.CreateDate).toMatch(/Z$/);
    expect(await h.iam.verifySecret(k.AccessKeyId, k.SecretAccessKey)).toMatchObject({
      kind: 'serviceAccount',
      parent: { kind: 'user', name: 'carol' },
    });
    const sa = await h.iam.serviceAccounts.get('', k.AccessKeyId);
    expect(sa).toMatchObject({ parent: { type: 'user', name: 'carol' } });
    expect(sa.policy).toBeUndefined();
  });

  it('ListAccessKeys lists every service account of the user, without secrets', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    await h.call(h.root, 'CreateUser', { UserName: 'dave' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await h.call(h.root, 'CreateAccessKey', { UserName: 'carol' })).CreateAccessKeyResult.AccessKey
          .AccessKeyId,
      );
    }
    // One made through MinIO's admin API (a chosen key, an embedded policy) shows up too.
    await h.iam.serviceAccounts.create('', {
      parent: { type: 'user', name: 'carol' },
      accessKey: 'carol-minio-key-0001',
      policy: doc('s3:GetObject'),
    });
    await h.call(h.root, 'CreateAccessKey', { UserName: 'dave' });
    const r = (await h.call(h.root, 'ListAccessKeys', { UserName: 'carol' })).ListAccessKeysResult;
    expect(r.IsTruncated).toBe('false');
    const listed = r.AccessKeyMetadata.member.map((m: { AccessKeyId: string }) => m.AccessKeyId);
    expect(listed.sort()).toEqual([...ids, 'carol-minio-key-0001'].sort());
    for (const m of r.AccessKeyMetadata.member) {
      expect(m.UserName).toBe('carol');
      expect(m.SecretAccessKey).toBeUndefined();
    }
    const page = (await h.call(h.root, 'ListAccessKeys', { UserName: 'carol', MaxItems: '3' }))
      .ListAccessKeysResult;
    expect(page.IsTruncated).toBe('true');
    const rest = (await h.call(h.root, 'ListAccessKeys', { UserName: 'carol', Marker: page.Marker }))
      .ListAccessKeysResult;
    expect(rest.AccessKeyMetadata.member).toHaveLength(1);
  });

  it('UpdateAccessKey Inactive stops the key; Active restores it; DeleteAccessKey removes it', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    const k = (await h.call(h.root, 'CreateAccessKey', { UserName: 'carol' })).CreateAccessKeyResult
      .AccessKey;
    await h.call(h.root, 'UpdateAccessKey', {
      UserName: 'carol',
      AccessKeyId: k.AccessKeyId,
      Status: 'Inactive',
    });
    expect(await h.iam.lookupCredential(k.AccessKeyId)).toBeUndefined();
    const listed = (await h.call(h.root, 'ListAccessKeys', { UserName: 'carol' })).ListAccessKeysResult;
    expect(listed.AccessKeyMetadata.member[0].Status).toBe('Inactive');
    await h.call(h.root, 'UpdateAccessKey', {
      UserName: 'carol',
      AccessKeyId: k.AccessKeyId,
      Status: 'Active',
    });
    expect(await h.iam.lookupCredential(k.AccessKeyId)).toMatchObject({
      accessKey: k.AccessKeyId,
      secretKey: k.SecretAccessKey,
    });
    expect(
      (
        await h.fail(h.root, 'UpdateAccessKey', {
          UserName: 'carol',
          AccessKeyId: k.AccessKeyId,
          Status: 'On',
        })
      ).code,
    ).toBe('ValidationError');
    expect(
      (await h.fail(h.root, 'UpdateAccessKey', { UserName: 'carol', AccessKeyId: k.AccessKeyId })).code,
    ).toBe('ValidationError');
    await h.call(h.root, 'DeleteAccessKey', { UserName: 'carol', AccessKeyId: k.AccessKeyId });
    expect(await h.iam.lookupCredential(k.AccessKeyId)).toBeUndefined();
    expect(
      (await h.fail(h.root, 'DeleteAccessKey', { UserName: 'carol', AccessKeyId: k.AccessKeyId })).code,
    ).toBe('NoSuchEntity');
  });

  it("another user's key is NoSuchEntity, never touched", async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    await h.call(h.root, 'CreateUser', { UserName: 'dave' });
    const k = (await h.call(h.root, 'CreateAccessKey', { UserName: 'dave' })).CreateAccessKeyResult.AccessKey;
    for (const action of ['DeleteAccessKey', 'UpdateAccessKey']) {
      const r = await h.fail(h.root, action, {
        UserName: 'carol',
        AccessKeyId: k.AccessKeyId,
        Status: 'Inactive',
      });
      expect(r).toEqual({
        code: 'NoSuchEntity',
        message: `The Access Key with id ${k.AccessKeyId} cannot be found.`,
      });
    }
    expect(await h.iam.lookupCredential(k.AccessKeyId)).toMatchObject({
      accessKey: k.AccessKeyId,
      secretKey: k.SecretAccessKey,
    });
    expect((await h.fail(h.root, 'CreateAccessKey', { UserName: 'nobody' })).code).toBe('NoSuchEntity');
  });

  it('follows AWS: a user needs a policy to manage its own keys; with one, UserName may be omitted', async () => {
    const carol = await h.user('carol');
    const denied = await h.fail(carol, 'CreateAccessKey');
    expect(denied).toEqual({
      code: 'AccessDenied',
      message:
        'User: arn:aws:iam:::user/carol is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam:::user/carol',
    });
    await h.call(h.root, 'PutUserPolicy', {
      UserName: 'carol',
      PolicyName: 'self-keys',
      PolicyDocument: SELF_KEYS,
    });
    const k = (await h.call(carol, 'CreateAccessKey')).CreateAccessKeyResult.AccessKey;
    expect(k.UserName).toBe('carol');
    const mine = (await h.call(carol, 'ListAccessKeys')).ListAccessKeysResult.AccessKeyMetadata.member;
    expect(mine.map((m: { AccessKeyId: string }) => m.AccessKeyId)).toEqual([k.AccessKeyId]);
    // Signing with the new key acts for carol too.
    const viaKey = await h.key(k.AccessKeyId);
    expect(
      (await h.call(viaKey, 'ListAccessKeys')).ListAccessKeysResult.AccessKeyMetadata.member,
    ).toHaveLength(1);
    // ${aws:username} does not reach other users.
    await h.call(h.root, 'CreateUser', { UserName: 'dave' });
    expect((await h.fail(carol, 'CreateAccessKey', { UserName: 'dave' })).code).toBe('AccessDenied');
    await h.call(carol, 'DeleteAccessKey', { AccessKeyId: k.AccessKeyId });
  });

  it("root without UserName manages root's own service accounts", async () => {
    const k = (await h.call(h.root, 'CreateAccessKey')).CreateAccessKeyResult.AccessKey;
    expect(k.UserName).toBeUndefined();
    expect((await h.iam.serviceAccounts.get('', k.AccessKeyId)).parent).toEqual({ type: 'root' });
    const listed = (await h.call(h.root, 'ListAccessKeys')).ListAccessKeysResult.AccessKeyMetadata.member;
    expect(listed.map((m: { AccessKeyId: string }) => m.AccessKeyId)).toEqual([k.AccessKeyId]);
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    expect(
      (await h.fail(h.root, 'DeleteAccessKey', { UserName: 'carol', AccessKeyId: k.AccessKeyId })).code,
    ).toBe('NoSuchEntity');
  });

  it('GetAccessKeyLastUsed answers as AWS does for a key never used', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    const k = (await h.call(h.root, 'CreateAccessKey', { UserName: 'carol' })).CreateAccessKeyResult
      .AccessKey;
    const r = (await h.call(h.root, 'GetAccessKeyLastUsed', { AccessKeyId: k.AccessKeyId }))
      .GetAccessKeyLastUsedResult;
    expect(r).toEqual({ UserName: 'carol', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    expect((await h.fail(h.root, 'GetAccessKeyLastUsed', { AccessKeyId: 'AKIAUNKNOWNUNKNOWN00' })).code).toBe(
      'NoSuchEntity',
    );
    const dave = await h.user('dave');
    expect((await h.fail(dave, 'GetAccessKeyLastUsed', { AccessKeyId: k.AccessKeyId })).code).toBe(
      'AccessDenied',
    );
    expect((await h.fail(dave, 'GetAccessKeyLastUsed', { AccessKeyId: 'AKIAUNKNOWNUNKNOWN00' })).code).toBe(
      'AccessDenied',
    );
  });
});
