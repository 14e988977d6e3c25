import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await h.close();
});

describe('groups', () => {
  it('CreateGroup / GetGroup with its users / ListGroups / ListGroupsForUser', async () => {
    const g = (await h.call(h.root, 'CreateGroup', { GroupName: 'devs' })).CreateGroupResult.Group;
    expect(g).toMatchObject({ Path: '/', GroupName: 'devs', Arn: 'arn:aws:iam::123456789012:group/devs' });
    expect(g.GroupId).toMatch(/^AGPA/);
    await h.call(h.root, 'CreateGroup', { GroupName: 'ops' });
    for (const u of ['carol', 'alice', 'bob']) {
      await h.call(h.root, 'CreateUser', { UserName: u });
      await h.call(h.root, 'AddUserToGroup', { GroupName: 'devs', UserName: u });
    }
    await h.call(h.root, 'AddUserToGroup', { GroupName: 'ops', UserName: 'bob' });
    const got = (await h.call(h.root, 'GetGroup', { GroupName: 'devs' })).GetGroupResult;
    expect(got.Group.GroupName).toBe('devs');
    expect(got.Users.member.map((u: { UserName: string }) => u.UserName)).toEqual(['alice', 'bob', 'carol']);
    expect(got.Users.member[0].Arn).toBe('arn:aws:iam::123456789012:user/alice');
    expect(got.IsTruncated).toBe('false');
    const page = (await h.call(h.root, 'GetGroup', { GroupName: 'devs', MaxItems: '2' })).GetGroupResult;
    expect(page.IsTruncated).toBe('true');
    const rest = (await h.call(h.root, 'GetGroup', { GroupName: 'devs', Marker: page.Marker }))
      .GetGroupResult;
    expect(rest.Users.member.map((u: { UserName: string }) => u.UserName)).toEqual(['carol']);
    const list = (await h.call(h.root, 'ListGroups')).ListGroupsResult;
    expect(list.Groups.member.map((x: { GroupName: string }) => x.GroupName)).toEqual(['devs', 'ops']);
    const first = (await h.call(h.root, 'ListGroups', { MaxItems: '1' })).ListGroupsResult;
    expect(first).toMatchObject({ IsTruncated: 'true' });
    const second = (await h.call(h.root, 'ListGroups', { Marker: first.Marker })).ListGroupsResult;
    expect(second.Groups.member.map((x: { GroupName: string }) => x.GroupName)).toEqual(['ops']);
    const forBob = (await h.call(h.root, 'ListGroupsForUser', { UserName: 'bob' })).ListGroupsForUserResult;
    expect(forBob.Groups.member.map((x: { GroupName: string }) => x.GroupName)).toEqual(['devs', 'ops']);
    await h.call(h.root, 'RemoveUserFromGroup', { GroupName: 'ops', UserName: 'bob' });
    const after = (await h.call(h.root, 'ListGroupsForUser', { UserName: 'bob' })).ListGroupsForUserResult;
    expect(after.Groups.member.map((x: { GroupName: string }) => x.GroupName)).toEqual(['devs']);
  });

  it('answers missing entities and duplicates with the AWS codes', async () => {
    await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
    expect((await h.fail(h.root, 'CreateGroup', { GroupName: 'DEVS' })).code).toBe('EntityAlreadyExists');
    expect((await h.fail(h.root, 'GetGroup', { GroupName: 'nope' })).code).toBe('NoSuchEntity');
    expect((await h.fail(h.root, 'AddUserToGroup', { GroupName: 'devs', UserName: 'nobody' })).code).toBe(
      'NoSuchEntity',
    );
    expect((await h.fail(h.root, 'ListGroupsForUser', { UserName: 'nobody' })).code).toBe('NoSuchEntity');
    expect((await h.fail(h.root, 'AddUserToGroup', { GroupName: 'devs' })).code).toBe('ValidationError');
  });

  it('UpdateGroup refuses renaming; Status disables and enables the group', async () => {
    await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
    expect((await h.fail(h.root, 'UpdateGroup', { GroupName: 'devs', NewGroupName: 'dev' })).code).toBe(
      'InvalidInput',
    );
    await h.call(h.root, 'UpdateGroup', { GroupName: 'devs', Status: 'Inactive' });
    expect((await h.iam.groups.get('', 'devs')).status).toBe('disabled');
    await h.call(h.root, 'UpdateGroup', { GroupName: 'devs', Status: 'Active' });
    expect((await h.iam.groups.get('', 'devs')).status).toBe('enabled');
  });

  it('DeleteGroup: DeleteConflict while it has members or policies', async () => {
    await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    await h.call(h.root, 'AddUserToGroup', { GroupName: 'devs', UserName: 'carol' });
    expect((await h.fail(h.root, 'DeleteGroup', { GroupName: 'devs' })).code).toBe('DeleteConflict');
    await h.call(h.root, 'RemoveUserFromGroup', { GroupName: 'devs', UserName: 'carol' });
    await h.call(h.root, 'AttachGroupPolicy', {
      GroupName: 'devs',
      PolicyArn: 'arn:aws:iam::aws:policy/readonly',
    });
    expect((await h.fail(h.root, 'DeleteGroup', { GroupName: 'devs' })).code).toBe('DeleteConflict');
    await h.call(h.root, 'DetachGroupPolicy', {
      GroupName: 'devs',
      PolicyArn: 'arn:aws:iam::aws:policy/readonly',
    });
    await h.call(h.root, 'DeleteGroup', { GroupName: 'devs' });
    expect((await h.fail(h.root, 'GetGroup', { GroupName: 'devs' })).code).toBe('NoSuchEntity');
  });
});
