import { TesseraError } from '../../core/index.js';
import { groupArn, type Handler, userArn } from './call.js';
import { fromFetched, pageRequest, paginate, truncation } from './paging.js';
import { groupXml, members, userXml } from './xml.js';

/**
 * Groups. MinIO has no "create group" permission of its own (`mc admin group add` creates a group
 * by adding members), so CreateGroup accepts admin:AddUserToGroup and DeleteGroup
 * admin:RemoveUserFromGroup.
 */
const createGroup: Handler = async (call) => {
  const p = call.params;
  const name = p.required('GroupName');
  p.rootPath('Path');
  await call.authorize({
    action: 'iam:CreateGroup',
    resource: groupArn(call, name),
    admin: ['admin:AddUserToGroup'],
  });
  return { Group: groupXml(await call.iam.groups.create(call.account, name)) };
};

/** GetGroup: the group and its members (paginated over the members). */
const getGroup: Handler = async (call) => {
  const p = call.params;
  const name = p.required('GroupName');
  const req = pageRequest(p);
  await call.authorize({ action: 'iam:GetGroup', resource: groupArn(call, name), admin: ['admin:GetGroup'] });
  const group = await call.iam.groups.get(call.account, name);
  const names = await call.iam.groups.members(call.account, group.name);
  const page = paginate(names, (n) => n, req);
  const users = await Promise.all(page.items.map((n) => call.iam.users.get(call.account, n)));
  return { Group: groupXml(group), Users: members(users.map((u) => userXml(u))), ...truncation(page) };
};

/**
 * UpdateGroup: renaming is not supported; NewPath may only be `/`. Tessera extension: `Status`
 * `Active` / `Inactive` enables or disables the group (admin:EnableGroup / admin:DisableGroup).
 */
const updateGroup: Handler = async (call) => {
  const p = call.params;
  const name = p.required('GroupName');
  const newName = p.optional('NewGroupName');
  p.rootPath('NewPath');
  const status = p.oneOf('Status', ['Active', 'Inactive'] as const);
  const admin =
    status === undefined
      ? 'admin:AddUserToGroup'
      : status === 'Active'
        ? 'admin:EnableGroup'
        : 'admin:DisableGroup';
  await call.authorize({ action: 'iam:UpdateGroup', resource: groupArn(call, name), admin: [admin] });
  const group = await call.iam.groups.get(call.account, name);
  if (newName !== undefined && newName !== group.name) {
    throw new TesseraError(
      'InvalidInput',
      'Groups cannot be renamed in Tessera: NewGroupName is not supported.',
    );
  }
  if (status !== undefined) {
    await call.iam.groups.setStatus(call.account, group.name, status === 'Active' ? 'enabled' : 'disabled');
  }
  return undefined;
};

/** AWS semantics: DeleteConflict while the group has members or policies. */
const deleteGroup: Handler = async (call) => {
  const name = call.params.required('GroupName');
  await call.authorize({
    action: 'iam:DeleteGroup',
    resource: groupArn(call, name),
    admin: ['admin:RemoveUserFromGroup'],
  });
  await call.iam.groups.delete(call.account, name);
  return undefined;
};

const listGroups: Handler = async (call) => {
  const p = call.params;
  const prefix = p.optional('PathPrefix') ?? '/';
  const req = pageRequest(p);
  await call.authorize({
    action: 'iam:ListGroups',
    resource: groupArn(call, ''),
    admin: ['admin:ListGroups'],
  });
  const fetched = !'/'.startsWith(prefix)
    ? []
    : await call.iam.groups.list(call.account, {
        ...(req.after === undefined ? {} : { after: req.after }),
        limit: req.max + 1,
      });
  const page = fromFetched(fetched, (g) => g.name, req.max);
  return { Groups: members(page.items.map(groupXml)), ...truncation(page) };
};

const addUserToGroup: Handler = async (call) => {
  const p = call.params;
  const group = p.required('GroupName');
  const user = p.required('UserName');
  await call.authorize({
    action: 'iam:AddUserToGroup',
    resource: groupArn(call, group),
    admin: ['admin:AddUserToGroup'],
  });
  await call.iam.groups.addMember(call.account, group, user);
  return undefined;
};

const removeUserFromGroup: Handler = async (call) => {
  const p = call.params;
  const group = p.required('GroupName');
  const user = p.required('UserName');
  await call.authorize({
    action: 'iam:RemoveUserFromGroup',
    resource: groupArn(call, group),
    admin: ['admin:RemoveUserFromGroup'],
  });
  await call.iam.groups.removeMember(call.account, group, user);
  return undefined;
};

const listGroupsForUser: Handler = async (call) => {
  const p = call.params;
  const user = p.required('UserName');
  const req = pageRequest(p);
  await call.authorize({
    action: 'iam:ListGroupsForUser',
    resource: userArn(call, user),
    admin: ['admin:GetUser'],
  });
  const page = paginate(await call.iam.groups.forUser(call.account, user), (g) => g.name, req);
  return { Groups: members(page.items.map(groupXml)), ...truncation(page) };
};

export const groupHandlers: Record<string, Handler> = {
  CreateGroup: createGroup,
  GetGroup: getGroup,
  UpdateGroup: updateGroup,
  DeleteGroup: deleteGroup,
  ListGroups: listGroups,
  AddUserToGroup: addUserToGroup,
  RemoveUserFromGroup: removeUserFromGroup,
  ListGroupsForUser: listGroupsForUser,
};
