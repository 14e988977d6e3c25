import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await h.close();
});

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: 'sts:AssumeRole' }],
});

describe('roles', () => {
  it('CreateRole answers AWS’s Role; GetRole finds it in any case; duplicates are EntityAlreadyExists', async () => {
    const r = (
      await h.call(h.root, 'CreateRole', {
        RoleName: 'Deploy',
        Path: '/ci/',
        AssumeRolePolicyDocument: TRUST,
        MaxSessionDuration: '7200',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'ops',
      })
    ).CreateRoleResult.Role;
    expect(r).toMatchObject({
      Path: '/ci/',
      RoleName: 'Deploy',
      Arn: 'arn:aws:iam::123456789012:role/ci/Deploy',
      MaxSessionDuration: '7200',
      AssumeRolePolicyDocument: encodeURIComponent(TRUST),
      Tags: { member: [{ Key: 'team', Value: 'ops' }] },
    });
    expect(r.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect((await h.call(h.root, 'GetRole', { RoleName: 'deploy' })).GetRoleResult.Role.RoleName).toBe(
      'Deploy',
    );
    expect(
      (await h.fail(h.root, 'CreateRole', { RoleName: 'DEPLOY', AssumeRolePolicyDocument: TRUST })).code,
    ).toBe('EntityAlreadyExists');
    expect((await h.fail(h.root, 'GetRole', { RoleName: 'nope' })).code).toBe('NoSuchEntity');
  });

  it('refuses malformed trust policies, names and durations', async () => {
    const identity = doc('s3:GetObject');
    const malformed = await h.fail(h.root, 'CreateRole', {
      RoleName: 'r',
      AssumeRolePolicyDocument: identity,
    });
    expect(malformed.code).toBe('MalformedPolicyDocument');
    const s3 = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }],
    });
    expect((await h.fail(h.root, 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: s3 })).code).toBe(
      'MalformedPolicyDocument',
    );
    expect(
      (await h.fail(h.root, 'CreateRole', { RoleName: 'a b', AssumeRolePolicyDocument: TRUST })).code,
    ).toBe('ValidationError');
    const long = { RoleName: 'r', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: '43201' };
    expect((await h.fail(h.root, 'CreateRole', long)).code).toBe('ValidationError');
  });

  it('ListRoles pages and filters by PathPrefix; UpdateRole and UpdateAssumeRolePolicy', async () => {
    for (const n of ['c', 'a', 'b'])
      await h.call(h.root, 'CreateRole', { RoleName: n, AssumeRolePolicyDocument: TRUST });
    await h.call(h.root, 'CreateRole', { RoleName: 'd', Path: '/x/', AssumeRolePolicyDocument: TRUST });
    const first = (await h.call(h.root, 'ListRoles', { MaxItems: '2' })).ListRolesResult;
    expect(first.Roles.member.map((r: { RoleName: string }) => r.RoleName)).toEqual(['a', 'b']);
    expect(first.IsTruncated).toBe('true');
    const rest = (await h.call(h.root, 'ListRoles', { Marker: first.Marker })).ListRolesResult;
    expect(rest.Roles.member.map((r: { RoleName: string }) => r.RoleName)).toEqual(['c', 'd']);
    const x = (await h.call(h.root, 'ListRoles', { PathPrefix: '/x/' })).ListRolesResult;
    expect(x.Roles.member.map((r: { RoleName: string }) => r.RoleName)).toEqual(['d']);
    await h.call(h.root, 'UpdateRole', { RoleName: 'A', Description: 'first', MaxSessionDuration: '3600' });
    const other = TRUST.replace('123456789012', 'arn:aws:iam::123456789012:user/x');
    await h.call(h.root, 'UpdateAssumeRolePolicy', { RoleName: 'a', PolicyDocument: other });
    const a = (await h.call(h.root, 'GetRole', { RoleName: 'a' })).GetRoleResult.Role;
    expect(a.Description).toBe('first');
    expect(decodeURIComponent(a.AssumeRolePolicyDocument)).toBe(other);
  });

  it('role policies, tags, and DeleteConflict until the policies are gone', async () => {
    await h.call(h.root, 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
    await h.call(h.root, 'PutRolePolicy', {
      RoleName: 'R',
      PolicyName: 'p',
      PolicyDocument: doc('s3:GetObject'),
    });
    const got = (await h.call(h.root, 'GetRolePolicy', { RoleName: 'r', PolicyName: 'P' }))
      .GetRolePolicyResult;
    expect(got).toMatchObject({
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: encodeURIComponent(doc('s3:GetObject')),
    });
    expect(
      (await h.call(h.root, 'ListRolePolicies', { RoleName: 'r' })).ListRolePoliciesResult.PolicyNames.member,
    ).toEqual(['p']);
    const readonly = 'arn:aws:iam::aws:policy/readonly';
    await h.call(h.root, 'AttachRolePolicy', { RoleName: 'r', PolicyArn: readonly });
    const attached = (await h.call(h.root, 'ListAttachedRolePolicies', { RoleName: 'r' }))
      .ListAttachedRolePoliciesResult;
    expect(attached.AttachedPolicies.member).toEqual([{ PolicyName: 'readonly', PolicyArn: readonly }]);
    const entities = (
      await h.call(h.root, 'ListEntitiesForPolicy', { PolicyArn: readonly, EntityFilter: 'Role' })
    ).ListEntitiesForPolicyResult;
    expect(entities.PolicyRoles.member).toEqual([{ RoleName: 'r', RoleId: expect.stringMatching(/^AROA/) }]);
    await h.call(h.root, 'TagRole', { RoleName: 'r', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' });
    expect((await h.call(h.root, 'ListRoleTags', { RoleName: 'r' })).ListRoleTagsResult.Tags.member).toEqual([
      { Key: 'k', Value: 'v' },
    ]);
    await h.call(h.root, 'UntagRole', { RoleName: 'r', 'TagKeys.member.1': 'K' });
    expect((await h.fail(h.root, 'DeleteRole', { RoleName: 'r' })).code).toBe('DeleteConflict');
    await h.call(h.root, 'DetachRolePolicy', { RoleName: 'r', PolicyArn: readonly });
    expect((await h.fail(h.root, 'DeleteRole', { RoleName: 'r' })).code).toBe('DeleteConflict');
    await h.call(h.root, 'DeleteRolePolicy', { RoleName: 'r', PolicyName: 'p' });
    await h.call(h.root, 'DeleteRole', { RoleName: 'r' });
    expect((await h.fail(h.root, 'GetRole', { RoleName: 'r' })).code).toBe('NoSuchEntity');
  });

  it('authorizes iam:<Action> on the role ARN', async () => {
    await h.call(h.root, 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: TRUST });
    const u = await h.user('u');
    const arn = 'arn:aws:iam::123456789012:role/r';
    await h.call(h.root, 'PutUserPolicy', {
      UserName: 'u',
      PolicyName: 'p',
      PolicyDocument: doc('iam:GetRole', arn),
    });
    expect((await h.call(u, 'GetRole', { RoleName: 'R' })).GetRoleResult.Role.Arn).toBe(arn);
    const denied = await h.fail(u, 'DeleteRole', { RoleName: 'r' });
    expect(denied).toEqual({
      code: 'AccessDenied',
      message: `User: arn:aws:iam::123456789012:user/u is not authorized to perform: iam:DeleteRole on resource: ${arn}`,
    });
  });
});
