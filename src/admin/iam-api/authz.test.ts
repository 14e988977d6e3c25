import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

async function grant(user: string, document: string, name = 'p'): Promise<void> {
  await h.call(h.root, 'PutUserPolicy', { UserName: user, PolicyName: name, PolicyDocument: document });
}

describe('authorization of IAM calls', () => {
  it('denies a user without policies, naming the action and resource as AWS does', async () => {
    const bob = await h.user('bob');
    expect(await h.fail(bob, 'CreateUser', { UserName: 'carol' })).toEqual({
      code: 'AccessDenied',
      message:
        'User: arn:aws:iam:::user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam:::user/carol',
    });
    // Authorization comes before existence: nothing is revealed about missing entities.
    expect((await h.fail(bob, 'GetUser', { UserName: 'nobody' })).code).toBe('AccessDenied');
    expect((await h.fail(bob, 'ListUsers')).message).toMatch(
      /iam:ListUsers on resource: arn:aws:iam:::user\/$/,
    );
    expect((await h.fail(bob, 'ListPolicies')).message).toMatch(/on resource: \*$/);
  });

  it('allows by iam: actions, scoped by resource ARN', async () => {
    const bob = await h.user('bob');
    await grant('bob', doc(['iam:CreateUser', 'iam:GetUser'], 'arn:aws:iam:::user/team-*'));
    await h.call(bob, 'CreateUser', { UserName: 'team-carol' });
    expect((await h.call(bob, 'GetUser', { UserName: 'team-carol' })).GetUserResult.User.UserName).toBe(
      'team-carol',
    );
    expect((await h.fail(bob, 'CreateUser', { UserName: 'carol' })).code).toBe('AccessDenied');
    expect((await h.fail(bob, 'DeleteUser', { UserName: 'team-carol' })).code).toBe('AccessDenied');
  });

  it("accepts MinIO's admin: equivalents, so MinIO policies keep working", async () => {
    const bob = await h.user('bob');
    await grant(
      'bob',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'admin:CreateUser',
              'admin:ListUsers',
              'admin:CreateServiceAccount',
              'admin:AddUserToGroup',
              'admin:ListUserPolicies',
              'admin:AttachUserOrGroupPolicy',
            ],
          },
        ],
      }),
    );
    await h.call(bob, 'CreateUser', { UserName: 'carol' });
    expect((await h.call(bob, 'ListUsers')).ListUsersResult.Users.member).toHaveLength(2);
    await h.call(bob, 'CreateAccessKey', { UserName: 'carol' });
    await h.call(bob, 'CreateGroup', { GroupName: 'devs' });
    await h.call(bob, 'AddUserToGroup', { GroupName: 'devs', UserName: 'carol' });
    await h.call(bob, 'ListPolicies');
    await h.call(bob, 'AttachUserPolicy', {
      UserName: 'carol',
      PolicyArn: 'arn:aws:iam::aws:policy/readonly',
    });
    expect((await h.fail(bob, 'DeleteUser', { UserName: 'carol' })).message).toMatch(/iam:DeleteUser/);
  });

  it('consoleAdmin (admin:*) may administer; readwrite (s3:* only) may not', async () => {
    const admin = await h.user('admin');
    const writer = await h.user('writer');
    await h.call(h.root, 'AttachUserPolicy', {
      UserName: 'admin',
      PolicyArn: 'arn:aws:iam::aws:policy/consoleAdmin',
    });
    await h.call(h.root, 'AttachUserPolicy', {
      UserName: 'writer',
      PolicyArn: 'arn:aws:iam::aws:policy/readwrite',
    });
    await h.call(admin, 'CreateUser', { UserName: 'carol' });
    await h.call(admin, 'CreatePolicy', { PolicyName: 'logs', PolicyDocument: doc('s3:GetObject') });
    await h.call(admin, 'SimulateCustomPolicy', {
      'PolicyInputList.member.1': doc('s3:*'),
      'ActionNames.member.1': 's3:GetObject',
    });
    expect((await h.fail(writer, 'CreateUser', { UserName: 'dave' })).code).toBe('AccessDenied');
  });

  it('an explicit Deny of either the iam: or the admin: action wins over an Allow of the other', async () => {
    const bob = await h.user('bob');
    await grant('bob', doc('iam:*'), 'allow-iam');
    await grant('bob', doc('admin:CreateUser', '*', 'Deny'), 'deny-admin');
    const denied = await h.fail(bob, 'CreateUser', { UserName: 'carol' });
    expect(denied.code).toBe('AccessDenied');
    expect(denied.message).toMatch(/with an explicit deny$/);
    await h.call(bob, 'ListUsers');
    const eve = await h.user('eve');
    await grant('eve', doc('admin:*'), 'allow-admin');
    await grant('eve', doc('iam:DeleteUser', 'arn:aws:iam:::user/bob', 'Deny'), 'deny-iam');
    expect((await h.fail(eve, 'DeleteUser', { UserName: 'bob' })).code).toBe('AccessDenied');
    await h.call(eve, 'CreateUser', { UserName: 'carol' });
  });

  it('group policies count; a disabled group contributes nothing', async () => {
    const bob = await h.user('bob');
    await h.call(h.root, 'CreateGroup', { GroupName: 'admins' });
    await h.call(h.root, 'PutGroupPolicy', {
      GroupName: 'admins',
      PolicyName: 'all',
      PolicyDocument: doc('iam:*'),
    });
    await h.call(h.root, 'AddUserToGroup', { GroupName: 'admins', UserName: 'bob' });
    await h.call(bob, 'ListGroups');
    await h.call(h.root, 'UpdateGroup', { GroupName: 'admins', Status: 'Inactive' });
    expect((await h.fail(bob, 'ListGroups')).code).toBe('AccessDenied');
  });

  it("a service account's embedded policy narrows its parent's IAM permissions", async () => {
    await h.user('bob');
    await grant('bob', doc('iam:*'));
    const sa = await h.iam.serviceAccounts.create('', {
      parent: { type: 'user', name: 'bob' },
      policy: doc('iam:List*'),
    });
    const viaKey = await h.key(sa.accessKey);
    await h.call(viaKey, 'ListUsers');
    expect((await h.fail(viaKey, 'CreateUser', { UserName: 'carol' })).message).toBe(
      'User: arn:aws:iam:::user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam:::user/carol',
    );
  });

  it('anonymous callers are always denied', async () => {
    expect((await h.fail({ kind: 'anonymous', account: '' }, 'ListUsers')).code).toBe('AccessDenied');
  });
});
