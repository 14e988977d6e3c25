import type { IamTarget } from '../../iam/index.js';
import type { IamEntityKind } from '../../storage/index.js';
import { group, type Handler, user } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import { policyParam } from './policies.js';
import { members } from './xml.js';

/** The kind-specific names of the user and group variants of an action. */
export interface EntityKind {
  kind: IamEntityKind;
  /** `User` / `Group` / `Role`, as in AttachUserPolicy / AttachGroupPolicy / AttachRolePolicy. */
  word: 'User' | 'Group' | 'Role';
  /** The form parameter naming the entity. */
  param: 'UserName' | 'GroupName' | 'RoleName';
  /** MinIO's permission to read the entity's policies (roles: none, MinIO has no roles). */
  readAdmin?: 'admin:GetUser' | 'admin:GetGroup';
  /** The entity named by the request. */
  target(name: string): IamTarget;
}

export const USER: EntityKind = {
  kind: 'user',
  word: 'User',
  param: 'UserName',
  readAdmin: 'admin:GetUser',
  target: user,
};
export const GROUP: EntityKind = {
  kind: 'group',
  word: 'Group',
  param: 'GroupName',
  readAdmin: 'admin:GetGroup',
  target: group,
};

/** MinIO's permissions to attach or detach a policy (older and newer names). */
const ATTACH_ADMIN = ['admin:AttachUserOrGroupPolicy', 'admin:UpdatePolicyAssociation'];

export function attach(k: EntityKind, detach: boolean): Handler {
  return async (call) => {
    const entity = call.params.required(k.param);
    // iam:PolicyARN is the stored policy's ARN, whatever case the request spelled it in.
    const policy = await call.resolve(policyParam(call));
    const target = await call.authorize({
      action: `iam:${detach ? 'Detach' : 'Attach'}${k.word}Policy`,
      target: k.target(entity),
      admin: ATTACH_ADMIN,
      context: { 'iam:PolicyARN': policy.arn },
    });
    if (detach) await call.iam.policies.detach(call.account, k.kind, target.name, policy.name);
    else await call.iam.policies.attach(call.account, k.kind, target.name, policy.name);
    return undefined;
  };
}

export function listAttached(k: EntityKind): Handler {
  return async (call) => {
    const entity = call.params.required(k.param);
    const prefix = call.params.optional('PathPrefix') ?? '/';
    const req = pageRequest(call.params);
    const target = await call.authorize({
      action: `iam:ListAttached${k.word}Policies`,
      target: k.target(entity),
      admin: k.readAdmin === undefined ? [] : [k.readAdmin],
    });
    const attached = await call.iam.policies.listAttached(call.account, k.kind, target.name);
    const page = paginate('/'.startsWith(prefix) ? attached : [], (p) => p.name, req);
    const rows = page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn }));
    return { AttachedPolicies: members(rows), ...truncation(page) };
  };
}

/**
 * ListEntitiesForPolicy: users, groups and roles the policy is attached to. EntityFilter User /
 * Group / Role / LocalManagedPolicy / AWSManagedPolicy as in AWS.
 */
const listEntitiesForPolicy: Handler = async (call) => {
  const p = call.params;
  const target = policyParam(call);
  const filter = p.oneOf('EntityFilter', [
    'User',
    'Role',
    'Group',
    'LocalManagedPolicy',
    'AWSManagedPolicy',
  ] as const);
  p.oneOf('PolicyUsageFilter', ['PermissionsPolicy', 'PermissionsBoundary'] as const);
  const prefix = p.optional('PathPrefix') ?? '/';
  const req = pageRequest(p);
  const resolved = await call.authorize({
    action: 'iam:ListEntitiesForPolicy',
    target,
    admin: ['admin:GetPolicy'],
  });
  const policy = await call.iam.policies.get(call.account, resolved.name);
  const found = await call.iam.policies.entities(call.account, policy.name);
  const kindMatches =
    filter === undefined ||
    (filter === 'AWSManagedPolicy' && policy.builtin) ||
    (filter === 'LocalManagedPolicy' && !policy.builtin);
  const none = !'/'.startsWith(prefix) || p.optional('PolicyUsageFilter') === 'PermissionsBoundary';
  const entries = none
    ? []
    : [
        ...(kindMatches || filter === 'User'
          ? found.users.map((n) => ({ kind: 'user' as const, name: n }))
          : []),
        ...(kindMatches || filter === 'Group'
          ? found.groups.map((n) => ({ kind: 'group' as const, name: n }))
          : []),
        ...(kindMatches || filter === 'Role'
          ? (found.roles ?? []).map((n) => ({ kind: 'role' as const, name: n }))
          : []),
      ];
  const page = paginate(entries, (e) => `${e.kind}/${e.name}`, req);
  const groups = await Promise.all(
    page.items.filter((e) => e.kind === 'group').map((e) => call.iam.groups.get(call.account, e.name)),
  );
  const users = await Promise.all(
    page.items.filter((e) => e.kind === 'user').map((e) => call.iam.users.get(call.account, e.name)),
  );
  const roles = await Promise.all(
    page.items.filter((e) => e.kind === 'role').map((e) => call.iam.roles.get(call.account, e.name)),
  );
  return {
    PolicyGroups: members(groups.map((g) => ({ GroupName: g.name, GroupId: g.id }))),
    PolicyUsers: members(users.map((u) => ({ UserName: u.name, UserId: u.id }))),
    PolicyRoles: members(roles.map((r) => ({ RoleName: r.name, RoleId: r.id }))),
    ...truncation(page),
  };
};

export const attachmentHandlers: Record<string, Handler> = {
  AttachUserPolicy: attach(USER, false),
  DetachUserPolicy: attach(USER, true),
  ListAttachedUserPolicies: listAttached(USER),
  AttachGroupPolicy: attach(GROUP, false),
  DetachGroupPolicy: attach(GROUP, true),
  ListAttachedGroupPolicies: listAttached(GROUP),
  ListEntitiesForPolicy: listEntitiesForPolicy,
};
