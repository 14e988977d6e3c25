import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IamApiHarness, openHarness, parseIamXml } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await h.close();
});

describe('users', () => {
  it('CreateUser answers in AWS XML shape: namespace, Result, User, RequestId', async () => {
    const form = new URLSearchParams({
      Action: 'CreateUser',
      Version: '2010-05-08',
      UserName: 'carol',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'blue',
    });
    const res = await h.api({ principal: h.root, params: form, requestId: 'REQ-1', context: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<CreateUserResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><CreateUserResult><User>/,
    );
    const r = parseIamXml(res.body).CreateUserResponse;
    expect(r.ResponseMetadata.RequestId).toBe('REQ-1');
    const u = r.CreateUserResult.User;
    expect(u).toMatchObject({ Path: '/', UserName: 'carol', Arn: 'arn:aws:iam::123456789012:user/carol' });
    expect(u.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
    expect(u.CreateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(u.Tags.member).toEqual([{ Key: 'team', Value: 'blue' }]);
  });

  it('GetUser by name, and without UserName for the caller (root: the account root)', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    const got = await h.call(h.root, 'GetUser', { UserName: 'CAROL' });
    expect(got.GetUserResult.User.UserName).toBe('carol');
    const self = await h.call(h.root, 'GetUser');
    expect(self.GetUserResult.User).toMatchObject({
      UserId: '123456789012',
      Arn: 'arn:aws:iam::123456789012:root',
    });
    expect(await h.fail(h.root, 'GetUser', { UserName: 'nobody' })).toMatchObject({ code: 'NoSuchEntity' });
  });

  it('refuses bad input with the AWS codes', async () => {
    expect((await h.fail(h.root, 'CreateUser')).code).toBe('ValidationError');
    expect((await h.fail(h.root, 'CreateUser', { UserName: 'bad name' })).code).toBe('InvalidInput');
    expect((await h.fail(h.root, 'CreateUser', { UserName: 'x', Path: '/division/' })).code).toBe(
      'InvalidInput',
    );
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    expect((await h.fail(h.root, 'CreateUser', { UserName: 'Carol' })).code).toBe('EntityAlreadyExists');
    expect((await h.fail(h.root, 'ListUsers', { MaxItems: '0' })).code).toBe('ValidationError');
    expect((await h.fail(h.root, 'ListUsers', { Marker: '!!' })).code).toBe('InvalidInput');
  });

  it('unknown Action or Version is InvalidAction', async () => {
    expect(await h.fail(h.root, 'CreateSAMLProvider', { Name: 'r' })).toEqual({
      code: 'InvalidAction',
      message: 'Could not find operation CreateSAMLProvider for version 2010-05-08',
    });
    expect((await h.fail(h.root, 'toString')).code).toBe('InvalidAction');
    expect((await h.fail(h.root, 'ListUsers', { Version: '2011-06-15' })).code).toBe('InvalidAction');
  });

  it('ListUsers pages with Marker / MaxItems / IsTruncated, without tags', async () => {
    for (const n of ['e', 'a', 'C', 'b', 'd']) await h.call(h.root, 'CreateUser', { UserName: n });
    await h.call(h.root, 'TagUser', { UserName: 'a', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' });
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = (await h.call(h.root, 'ListUsers', { MaxItems: '2', ...(marker ? { Marker: marker } : {}) }))
        .ListUsersResult;
      pages++;
      for (const u of r.Users.member ?? []) {
        expect(u.Tags).toBeUndefined();
        names.push(u.UserName);
      }
      marker = r.IsTruncated === 'true' ? r.Marker : undefined;
    } while (marker !== undefined);
    expect(names).toEqual(['a', 'b', 'C', 'd', 'e']);
    expect(pages).toBe(3);
    const none = await h.call(h.root, 'ListUsers', { PathPrefix: '/division/' });
    expect(none.ListUsersResult).toMatchObject({ Users: '', IsTruncated: 'false' });
  });

  it('UpdateUser refuses renaming, accepts the same name, and Status disables the user', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    const r = await h.fail(h.root, 'UpdateUser', { UserName: 'carol', NewUserName: 'caroline' });
    expect(r.code).toBe('InvalidInput');
    expect(r.message).toMatch(/cannot be renamed/);
    await h.call(h.root, 'UpdateUser', { UserName: 'carol', NewUserName: 'carol', NewPath: '/' });
    await h.call(h.root, 'UpdateUser', { UserName: 'carol', Status: 'Inactive' });
    expect((await h.iam.users.get('', 'carol')).status).toBe('disabled');
    await h.call(h.root, 'UpdateUser', { UserName: 'carol', Status: 'Active' });
    expect((await h.iam.users.get('', 'carol')).status).toBe('enabled');
    expect((await h.fail(h.root, 'UpdateUser', { UserName: 'carol', Status: 'Off' })).code).toBe(
      'ValidationError',
    );
    expect((await h.fail(h.root, 'UpdateUser', { UserName: 'nobody' })).code).toBe('NoSuchEntity');
  });

  it('DeleteUser follows AWS: DeleteConflict while the user has access keys or groups', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    const key = (await h.call(h.root, 'CreateAccessKey', { UserName: 'carol' })).CreateAccessKeyResult
      .AccessKey;
    expect((await h.fail(h.root, 'DeleteUser', { UserName: 'carol' })).code).toBe('DeleteConflict');
    await h.call(h.root, 'DeleteAccessKey', { UserName: 'carol', AccessKeyId: key.AccessKeyId });
    await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
    await h.call(h.root, 'AddUserToGroup', { GroupName: 'devs', UserName: 'carol' });
    expect((await h.fail(h.root, 'DeleteUser', { UserName: 'carol' })).code).toBe('DeleteConflict');
    await h.call(h.root, 'RemoveUserFromGroup', { GroupName: 'devs', UserName: 'carol' });
    const del = await h.call(h.root, 'DeleteUser', { UserName: 'carol' });
    expect(del.DeleteUserResult).toBeUndefined();
    expect(del.ResponseMetadata.RequestId).toMatch(/^[0-9A-F]{16}$/);
    expect((await h.fail(h.root, 'DeleteUser', { UserName: 'carol' })).code).toBe('NoSuchEntity');
  });

  it('TagUser / ListUserTags / UntagUser', async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    await h.call(h.root, 'TagUser', {
      UserName: 'carol',
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'blue',
      'Tags.member.2.Key': 'cost',
      'Tags.member.2.Value': '',
    });
    await h.call(h.root, 'TagUser', {
      UserName: 'carol',
      'Tags.member.1.Key': 'TEAM',
      'Tags.member.1.Value': 'red',
    });
    const all = (await h.call(h.root, 'ListUserTags', { UserName: 'carol' })).ListUserTagsResult;
    expect(all.IsTruncated).toBe('false');
    expect(all.Tags.member).toHaveLength(2);
    expect(all.Tags.member).toContainEqual({ Key: 'cost', Value: '' });
    const first = (await h.call(h.root, 'ListUserTags', { UserName: 'carol', MaxItems: '1' }))
      .ListUserTagsResult;
    expect(first.IsTruncated).toBe('true');
    const second = (await h.call(h.root, 'ListUserTags', { UserName: 'carol', Marker: first.Marker }))
      .ListUserTagsResult;
    expect([...first.Tags.member, ...second.Tags.member]).toEqual(all.Tags.member);
    await h.call(h.root, 'UntagUser', { UserName: 'carol', 'TagKeys.member.1': 'cost' });
    const after = (await h.call(h.root, 'GetUser', { UserName: 'carol' })).GetUserResult.User;
    expect(after.Tags.member).toEqual([{ Key: 'TEAM', Value: 'red' }]);
    expect((await h.fail(h.root, 'TagUser', { UserName: 'carol' })).code).toBe('ValidationError');
    expect((await h.fail(h.root, 'TagUser', { UserName: 'carol', 'Tags.member.1.Key': 'aws:x' })).code).toBe(
      'InvalidInput',
    );
  });
});
