import { TesseraError } from '../../core/index.js';
import { collection, group, type Handler, user } from './call.js';
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
  await call.authorize({ action: 'iam:CreateGroup', target: group(name), admin: ['admin:AddUserToGroup'] });
  return { Group: groupXml(await call.iam.groups.create(call.account, name)) };
};

/** GetGroup: the group and its members (paginated over the members). */
const getGroup: Handler = async (call) => {
  const p = call.params;
  const name = p.required('GroupName');
  const req = pageRequest(p);
  const target = await call.authorize({
    action: 'iam:GetGroup',
    target: group(name),
    admin: ['admin:GetGroup'],
  });
  const found = await call.iam.groups.get(call.account, target.name);
  const names = await call.iam.groups.members(call.account, found.name);
  const page = paginate(names, (n) => n, req);
  const users = await Promise.all(page.items.map((n) => call.iam.users.get(call.account, n)));
  return { Group: groupXml(found), Users: members(users.map((u) => userXml(u))), ...truncation(page) };
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
  const target = await call.authorize({ action: 'iam:UpdateGroup', target: group(name), admin: [admin] });
  const found = await call.iam.groups.get(call.account, target.name);
  if (newName !== undefined && newName !== found.name) {
    throw new TesseraError(
      'InvalidInput',
      'Groups cannot be renamed in Tessera: NewGroupName is not supported.',
    );
  }
  if (status !== undefined) {
    await call.iam.groups.setStatus(call.account, found.name, status === 'Active' ? 'enabled' : 'disabled');
  }
  return undefined;
};

/** AWS semantics: DeleteConflict while the group has members or policies. */
const deleteGroup: Handler = async (call) => {
  const name = call.params.required('GroupName');
  const target = await call.authorize({
    action: 'iam:DeleteGroup',
    target: group(name),
    admin: ['admin:RemoveUserFromGroup'],
  });
  await call.iam.groups.delete(call.account, target.name);
  return undefined;
};

const listGroups: Handler = async (call) => {
  const p = call.params;
  const prefix = p.optional('PathPrefix') ?? '/';
  const req = pageRequest(p);
  await call.authorize({
    action: 'iam:ListGroups',
    target: collection(call.iam.arns.group(call.account, '')),
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
  const name = p.required('GroupName');
  const member = p.required('UserName');
  const target = await call.authorize({
    action: 'iam:AddUserToGroup',
    target: group(name),
    admin: ['admin:AddUserToGroup'],
  });
  const added = await call.resolve(user(member));
  await call.iam.groups.addMember(call.account, target.name, added.name);
  return undefined;
};

const removeUserFromGroup: Handler = async (call) => {
  const p = call.params;
  const name = p.required('GroupName');
  const member = p.required('UserName');
  const target = await call.authorize({
    action: 'iam:RemoveUserFromGroup',
    target: group(name),
    admin: ['admin:RemoveUserFromGroup'],
  });
  const removed = await call.resolve(user(member));
  await call.iam.groups.removeMember(call.account, target.name, removed.name);
  return undefined;
};

const listGroupsForUser: Handler = async (call) => {
  const p = call.params;
  const name = p.required('UserName');
  const req = pageRequest(p);
  const target = await call.authorize({
    action: 'iam:ListGroupsForUser',
    target: user(name),
    admin: ['admin:GetUser'],
  });
  const page = paginate(await call.iam.groups.forUser(call.account, target.name), (g) => g.name, req);
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
