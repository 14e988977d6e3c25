import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamApiActions } from '../src/admin/index.js';
import { iamCall, iamQuery, xmlValue } from './helpers/iam.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The IAM authorization matrix's letter-case dimension, against the running server: a user allowed
 * iam:* and admin:* but explicitly denied iam:* on user/kim, group/admins and policy/adminpol calls every
 * IAM action that names an entity with the name as stored, in upper case and in mixed case. AWS IAM
 * names are unique without regard to case, so each spelling names the same entity and each must be
 * denied; the same calls on entities the Deny does not name must get past authorization.
 */

let server: RunningServer;
let mallory: { accessKeyId: string; secretAccessKey: string };
let kimKey: string;

const DENIED = [
  'arn:aws:iam:::user/kim',
  'arn:aws:iam:::group/admins',
  'arn:aws:iam:::policy/adminpol',
  'arn:aws:iam:::role/deployer',
];
const MALLORY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['iam:*', 'admin:*'], Resource: '*' },
    { Effect: 'Deny', Action: 'iam:*', Resource: DENIED },
  ],
});
const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
});
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/mallory' }, Action: 'sts:AssumeRole' },
  ],
});

/** The entities one row names: a user, a group and a policy (victims or controls). */
interface Names {
  user: string;
  group: string;
  policy: string;
  key: string;
  role: string;
}

const policyArn = (name: string) => `arn:aws:iam:::policy/${name}`;

/** Every IAM action that names an entity, with the parameters that name it. */
const ROWS: Record<string, (n: Names) => Record<string, string>> = {
  CreateUser: (n) => ({ UserName: n.user }),
  GetUser: (n) => ({ UserName: n.user }),
  UpdateUser: (n) => ({ UserName: n.user, Status: 'Inactive' }),
  TagUser: (n) => ({ UserName: n.user, 'Tags.member.1.Key': 'owned', 'Tags.member.1.Value': 'yes' }),
  UntagUser: (n) => ({ UserName: n.user, 'TagKeys.member.1': 'team' }),
  ListUserTags: (n) => ({ UserName: n.user }),
  CreateLoginProfile: (n) => ({ UserName: n.user, Password: 'taken-over-secret-1' }),
  GetLoginProfile: (n) => ({ UserName: n.user }),
  UpdateLoginProfile: (n) => ({ UserName: n.user, Password: 'taken-over-secret-1' }),
  CreateAccessKey: (n) => ({ UserName: n.user }),
  ListAccessKeys: (n) => ({ UserName: n.user }),
  UpdateAccessKey: (n) => ({ UserName: n.user, AccessKeyId: n.key, Status: 'Inactive' }),
  ListGroupsForUser: (n) => ({ UserName: n.user }),
  AttachUserPolicy: (n) => ({ UserName: n.user, PolicyArn: 'arn:aws:iam::aws:policy/consoleAdmin' }),
  ListAttachedUserPolicies: (n) => ({ UserName: n.user }),
  PutUserPolicy: (n) => ({ UserName: n.user, PolicyName: 'inl', PolicyDocument: MALLORY_POLICY }),
  GetUserPolicy: (n) => ({ UserName: n.user, PolicyName: 'inl' }),
  ListUserPolicies: (n) => ({ UserName: n.user }),
  RevokeSessions: (n) => ({ UserName: n.user }),
  SimulatePrincipalPolicy: (n) => ({
    PolicySourceArn: `arn:aws:iam:::user/${n.user}`,
    'ActionNames.member.1': 's3:GetObject',
  }),
  CreateGroup: (n) => ({ GroupName: n.group }),
  GetGroup: (n) => ({ GroupName: n.group }),
  UpdateGroup: (n) => ({ GroupName: n.group, Status: 'Inactive' }),
  AddUserToGroup: (n) => ({ GroupName: n.group, UserName: 'mallory' }),
  AttachGroupPolicy: (n) => ({ GroupName: n.group, PolicyArn: 'arn:aws:iam::aws:policy/consoleAdmin' }),
  ListAttachedGroupPolicies: (n) => ({ GroupName: n.group }),
  PutGroupPolicy: (n) => ({ GroupName: n.group, PolicyName: 'inl', PolicyDocument: MALLORY_POLICY }),
  GetGroupPolicy: (n) => ({ GroupName: n.group, PolicyName: 'inl' }),
  ListGroupPolicies: (n) => ({ GroupName: n.group }),
  CreateRole: (n) => ({ RoleName: n.role, AssumeRolePolicyDocument: TRUST }),
  GetRole: (n) => ({ RoleName: n.role }),
  UpdateRole: (n) => ({ RoleName: n.role, Description: 'taken over' }),
  UpdateAssumeRolePolicy: (n) => ({ RoleName: n.role, PolicyDocument: TRUST }),
  TagRole: (n) => ({ RoleName: n.role, 'Tags.member.1.Key': 'owned', 'Tags.member.1.Value': 'yes' }),
  UntagRole: (n) => ({ RoleName: n.role, 'TagKeys.member.1': 'team' }),
  ListRoleTags: (n) => ({ RoleName: n.role }),
  AttachRolePolicy: (n) => ({ RoleName: n.role, PolicyArn: 'arn:aws:iam::aws:policy/consoleAdmin' }),
  ListAttachedRolePolicies: (n) => ({ RoleName: n.role }),
  PutRolePolicy: (n) => ({ RoleName: n.role, PolicyName: 'inl', PolicyDocument: MALLORY_POLICY }),
  GetRolePolicy: (n) => ({ RoleName: n.role, PolicyName: 'inl' }),
  ListRolePolicies: (n) => ({ RoleName: n.role }),
  CreatePolicy: (n) => ({ PolicyName: n.policy, PolicyDocument: DOC }),
  GetPolicy: (n) => ({ PolicyArn: policyArn(n.policy) }),
  ListEntitiesForPolicy: (n) => ({ PolicyArn: policyArn(n.policy) }),
  CreatePolicyVersion: (n) => ({ PolicyArn: policyArn(n.policy), PolicyDocument: MALLORY_POLICY }),
  GetPolicyVersion: (n) => ({ PolicyArn: policyArn(n.policy), VersionId: 'v1' }),
  ListPolicyVersions: (n) => ({ PolicyArn: policyArn(n.policy) }),
  SetDefaultPolicyVersion: (n) => ({ PolicyArn: policyArn(n.policy), VersionId: 'v2' }),
  // Destructive ones last, so that the control rows before them still find their entities.
  DeletePolicyVersion: (n) => ({ PolicyArn: policyArn(n.policy), VersionId: 'v1' }),
  DetachUserPolicy: (n) => ({ UserName: n.user, PolicyArn: 'arn:aws:iam::aws:policy/readonly' }),
  DetachGroupPolicy: (n) => ({ GroupName: n.group, PolicyArn: 'arn:aws:iam::aws:policy/readonly' }),
  DeleteUserPolicy: (n) => ({ UserName: n.user, PolicyName: 'inl' }),
  DeleteGroupPolicy: (n) => ({ GroupName: n.group, PolicyName: 'inl' }),
  DetachRolePolicy: (n) => ({ RoleName: n.role, PolicyArn: 'arn:aws:iam::aws:policy/readonly' }),
  DeleteRolePolicy: (n) => ({ RoleName: n.role, PolicyName: 'inl' }),
  DeleteRole: (n) => ({ RoleName: n.role }),
  RemoveUserFromGroup: (n) => ({ GroupName: n.group, UserName: n.user }),
  DeleteAccessKey: (n) => ({ UserName: n.user, AccessKeyId: n.key }),
  DeleteLoginProfile: (n) => ({ UserName: n.user }),
  DeletePolicy: (n) => ({ PolicyArn: policyArn(n.policy) }),
  DeleteGroup: (n) => ({ GroupName: n.group }),
  DeleteUser: (n) => ({ UserName: n.user }),
};

/** Actions that name no user, group or policy (lists, custom simulation, lookups by access key). */
const NAME_NO_ENTITY = [
  'ListUsers',
  'ListGroups',
  'ListPolicies',
  'ListRoles',
  'SimulateCustomPolicy',
  'GetAccessKeyLastUsed',
  'GetAccessKeyInfo',
  // OIDC providers are named by their ARN's URL, looked up exactly (no case folding): no spelling
  // of a provider ARN other than the stored one finds it.
  'CreateOpenIDConnectProvider',
  'GetOpenIDConnectProvider',
  'ListOpenIDConnectProviders',
  'DeleteOpenIDConnectProvider',
  'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
  'TagOpenIDConnectProvider',
  'UntagOpenIDConnectProvider',
  'ListOpenIDConnectProviderTags',
];

const spellings = (n: string) => [n, n.toUpperCase(), n.charAt(0).toUpperCase() + n.slice(1)];

/** Sets up one victim or control set of entities (as root) and returns its access key id. */
async function entities(user: string, group: string, policy: string, role: string): Promise<string> {
  const q = (params: Record<string, string>) => iamQuery(server.endpoint, params);
  await q({
    Action: 'CreateRole',
    RoleName: role,
    AssumeRolePolicyDocument: TRUST,
    'Tags.member.1.Key': 'team',
    'Tags.member.1.Value': 'a',
  });
  await q({ Action: 'AttachRolePolicy', RoleName: role, PolicyArn: 'arn:aws:iam::aws:policy/readonly' });
  await q({ Action: 'PutRolePolicy', RoleName: role, PolicyName: 'inl', PolicyDocument: DOC });
  await q({ Action: 'CreateUser', UserName: user, 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'a' });
  await q({ Action: 'CreateLoginProfile', UserName: user, Password: `${user}-secret-0123` });
  const key = xmlValue(await q({ Action: 'CreateAccessKey', UserName: user }), 'AccessKeyId')!;
  await q({ Action: 'CreateGroup', GroupName: group });
  await q({ Action: 'AddUserToGroup', GroupName: group, UserName: user });
  await q({ Action: 'CreatePolicy', PolicyName: policy, PolicyDocument: DOC });
  await q({ Action: 'CreatePolicyVersion', PolicyArn: policyArn(policy), PolicyDocument: DOC });
  await q({ Action: 'AttachUserPolicy', UserName: user, PolicyArn: 'arn:aws:iam::aws:policy/readonly' });
  await q({ Action: 'AttachGroupPolicy', GroupName: group, PolicyArn: 'arn:aws:iam::aws:policy/readonly' });
  await q({ Action: 'PutUserPolicy', UserName: user, PolicyName: 'inl', PolicyDocument: DOC });
  await q({ Action: 'PutGroupPolicy', GroupName: group, PolicyName: 'inl', PolicyDocument: DOC });
  return key;
}

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  kimKey = await entities('kim', 'admins', 'adminpol', 'deployer');
  await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'mallory' });
  const created = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: 'mallory' });
  mallory = {
    accessKeyId: xmlValue(created, 'AccessKeyId')!,
    secretAccessKey: xmlValue(created, 'SecretAccessKey')!,
  };
  await iamQuery(server.endpoint, {
    Action: 'PutUserPolicy',
    UserName: 'mallory',
    PolicyName: 'all-but-admins',
    PolicyDocument: MALLORY_POLICY,
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('IAM actions naming an entity in another letter case', () => {
  it('covers every IAM action that names an entity', () => {
    expect([...Object.keys(ROWS), ...NAME_NO_ENTITY].sort()).toEqual([...iamApiActions].sort());
  });

  it('denies every spelling of a denied entity, and the entity is unchanged', async () => {
    const answers: string[] = [];
    for (const [action, params] of Object.entries(ROWS)) {
      for (let i = 0; i < 3; i++) {
        const names = {
          user: spellings('kim')[i]!,
          group: spellings('admins')[i]!,
          policy: spellings('adminpol')[i]!,
          key: kimKey,
          role: spellings('deployer')[i]!,
        };
        const res = await iamCall(server.endpoint, { Action: action, ...params(names) }, mallory);
        answers.push(`${action} ${names.user}: ${res.code ?? res.status}`);
      }
    }
    expect(answers.filter((a) => !a.endsWith(': AccessDenied'))).toEqual([]);
    // The denial names the ARN as sent: it reveals neither existence nor the stored spelling.
    const denied = await iamCall(server.endpoint, { Action: 'GetUser', UserName: 'KIM' }, mallory);
    expect(denied.body).toContain('iam:GetUser on resource: arn:aws:iam:::user/KIM with an explicit deny');

    // Nothing happened to the denied entities.
    const q = (params: Record<string, string>) => iamQuery(server.endpoint, params);
    const attached = await q({ Action: 'ListAttachedUserPolicies', UserName: 'kim' });
    expect(attached).toContain('<PolicyName>readonly</PolicyName>');
    expect(attached).not.toContain('consoleAdmin');
    const keys = await q({ Action: 'ListAccessKeys', UserName: 'kim' });
    expect(keys.match(/<AccessKeyId>/g)).toHaveLength(1);
    expect(keys).toContain('<Status>Active</Status>');
    expect(xmlValue(await q({ Action: 'GetUser', UserName: 'kim' }), 'UserName')).toBe('kim');
    const group = await q({ Action: 'GetGroup', GroupName: 'admins' });
    expect(group).toContain('<UserName>kim</UserName>');
    expect(group).not.toContain('mallory');
    const versions = await q({ Action: 'ListPolicyVersions', PolicyArn: policyArn('adminpol') });
    expect(versions).toMatch(/<VersionId>v1<\/VersionId>\s*<IsDefaultVersion>true/);
    expect(versions.match(/<VersionId>/g)).toHaveLength(2);
    const role = await q({ Action: 'GetRole', RoleName: 'deployer' });
    expect(xmlValue(role, 'RoleName')).toBe('deployer');
    expect(role).not.toContain('taken over');
    expect(await q({ Action: 'ListAttachedRolePolicies', RoleName: 'deployer' })).not.toContain(
      'consoleAdmin',
    );
  });

  it('lets the same calls past authorization on entities the Deny does not name, in any letter case', async () => {
    const key = await entities('lee', 'staff', 'otherpol', 'builder');
    const answers: string[] = [];
    for (const [action, params] of Object.entries(ROWS)) {
      const names = { user: 'LEE', group: 'STAFF', policy: 'OTHERPOL', key, role: 'BUILDER' };
      const res = await iamCall(server.endpoint, { Action: action, ...params(names) }, mallory);
      answers.push(`${action}: ${res.code ?? res.status}`);
    }
    expect(answers.filter((a) => a.endsWith(': AccessDenied'))).toEqual([]);
    // The calls acted on the stored entities, whatever the case they were named in.
    const q = (params: Record<string, string>) => iamQuery(server.endpoint, params);
    const user = await q({ Action: 'GetUser', UserName: 'lee' });
    expect(xmlValue(user, 'UserName')).toBe('lee');
    expect(user).toContain('<Key>owned</Key>');
    expect(await q({ Action: 'ListAttachedUserPolicies', UserName: 'lee' })).toContain(
      '<PolicyName>consoleAdmin</PolicyName>',
    );
    expect(await q({ Action: 'GetGroup', GroupName: 'staff' })).toContain('<UserName>mallory</UserName>');
    expect(answers).toContain('DeleteAccessKey: 200');
  });
});
