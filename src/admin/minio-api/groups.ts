import { TesseraError } from '../../core/index.js';
import {
  type Call,
  collection,
  group,
  type Handler,
  json,
  jsonObject,
  minio,
  ok,
  status,
  stringField,
} from './call.js';

/** update-group-members takes a plain JSON body (madmin.GroupAddRemove); this much at most. */
const MAX_GROUP_BODY = 256 * 1024;

function groupOf(call: Call): string {
  const name = call.param('group');
  if (name === '') throw new TesseraError('XMinioAdminInvalidArgument', 'group is required.');
  return name;
}

/** `members` of madmin.GroupAddRemove: strings, at most 1,000. */
function membersOf(req: Record<string, unknown>): string[] {
  const m = req.members;
  if (m === undefined || m === null) return [];
  if (!Array.isArray(m) || m.length > 1000 || m.some((v) => typeof v !== 'string' || v === ''))
    throw new TesseraError('InvalidRequest', 'members must be a list of user names.');
  return m as string[];
}

/** The stored names of `members`, XMinioAdminNoSuchUser when one is not a user (checked before any change). */
async function storedUsers(call: Call, members: string[]): Promise<string[]> {
  return Promise.all(
    members.map(
      async (m) => (await minio(() => call.iam.users.get(call.account, m), 'XMinioAdminNoSuchUser')).name,
    ),
  );
}

/**
 * PUT update-group-members with madmin.GroupAddRemove `{group, members, isRemove}`: adds the
 * members (creating the group), removes them, or — isRemove with no members — removes the group,
 * which must be empty (XMinioAdminGroupNotEmpty).
 */
export const updateGroupMembers: Handler = async (call) => {
  const req = jsonObject(await call.plain(MAX_GROUP_BODY), 'InvalidRequest');
  const name = stringField(req, 'group', 'InvalidRequest');
  if (name === '') throw new TesseraError('XMinioAdminInvalidArgument', 'group is required.');
  const members = membersOf(req);
  const isRemove = req.isRemove === true;
  if (!isRemove) {
    const target = await call.authorize({
      action: 'iam:AddUserToGroup',
      target: group(name),
      admin: ['admin:AddUserToGroup'],
    });
    const users = await storedUsers(call, members);
    if (!target.exists)
      await minio(() => call.iam.groups.create(call.account, name), 'XMinioAdminNoSuchGroup');
    const g = target.exists ? target.name : name;
    for (const u of users) await call.iam.groups.addMember(call.account, g, u);
    return {
      ...ok(),
      change: {
        action: 'UpdateGroupMembers',
        target: { type: 'group', name: g },
        parameters: { added: users },
      },
    };
  }
  const target = await call.authorize({
    action: members.length === 0 ? 'iam:DeleteGroup' : 'iam:RemoveUserFromGroup',
    target: group(name),
    admin: ['admin:RemoveUserFromGroup'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchGroup');
  const current = await call.iam.groups.members(call.account, target.name);
  if (members.length === 0) {
    if (current.length > 0) throw new TesseraError('XMinioAdminGroupNotEmpty');
    await minio(
      () => call.iam.groups.delete(call.account, target.name, { cascade: true }),
      'XMinioAdminNoSuchGroup',
    );
    return { ...ok(), change: { action: 'RemoveGroup', target: { type: 'group', name: target.name } } };
  }
  const users = await storedUsers(call, members);
  const removed = users.filter((u) => current.includes(u));
  for (const u of removed) await call.iam.groups.removeMember(call.account, target.name, u);
  return {
    ...ok(),
    change: {
      action: 'UpdateGroupMembers',
      target: { type: 'group', name: target.name },
      parameters: { removed },
    },
  };
};

/** GET group?group=: madmin.GroupDesc `{name, status, members, policy, updatedAt}`. */
export const getGroup: Handler = async (call) => {
  const name = groupOf(call);
  const target = await call.authorize({
    action: 'iam:GetGroup',
    target: group(name),
    admin: ['admin:GetGroup'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchGroup');
  const [g, members, policies] = await minio(
    () =>
      Promise.all([
        call.iam.groups.get(call.account, target.name),
        call.iam.groups.members(call.account, target.name),
        call.iam.policies.listAttached(call.account, 'group', target.name),
      ]),
    'XMinioAdminNoSuchGroup',
  );
  return json({
    name: g.name,
    status: g.status,
    members,
    policy: policies.map((p) => p.name).join(','),
    updatedAt: new Date(g.updatedAt).toISOString(),
  });
};

/** GET groups: the group names. */
export const listGroups: Handler = async (call) => {
  await call.authorize({
    action: 'iam:ListGroups',
    target: collection(call.iam.arns.group(call.account, '')),
    admin: ['admin:ListGroups'],
  });
  return json((await call.iam.groups.list(call.account)).map((g) => g.name));
};

/** PUT set-group-status?group=&status=enabled|disabled. */
export const setGroupStatus: Handler = async (call) => {
  const name = groupOf(call);
  const state = status(call.param('status'));
  const target = await call.authorize({
    action: 'iam:UpdateGroup',
    target: group(name),
    admin: [state === 'enabled' ? 'admin:EnableGroup' : 'admin:DisableGroup'],
  });
  if (!target.exists) throw new TesseraError('XMinioAdminNoSuchGroup');
  await minio(() => call.iam.groups.setStatus(call.account, target.name, state), 'XMinioAdminNoSuchGroup');
  return {
    ...ok(),
    change: {
      action: 'SetGroupStatus',
      target: { type: 'group', name: target.name },
      after: { status: state },
    },
  };
};
