import { TesseraError, type XmlNode } from '../../core/index.js';
import { type Call, callerSubject, collection, type Handler, user } from './call.js';
import { fromFetched, pageRequest, truncation } from './paging.js';
import { isoDate, members, tagsXml, userXml } from './xml.js';

const createUser: Handler = async (call) => {
  const p = call.params;
  const name = p.required('UserName');
  p.rootPath('Path');
  p.unsupported('PermissionsBoundary', 'permissions boundaries are not implemented.');
  const tags = p.tags();
  await call.authorize({ action: 'iam:CreateUser', target: user(name), admin: ['admin:CreateUser'] });
  const created = await call.iam.users.create(call.account, { name, tags });
  return { User: userXml(created, true) };
};

/** GetUser without UserName answers for the caller; for the account root, as AWS does, UserId + root ARN. */
const getUser: Handler = async (call) => {
  const named = call.params.optional('UserName');
  const subject =
    named === undefined ? callerSubject(call.principal) : { type: 'user' as const, name: named };
  if (subject.type === 'root') {
    const root = await call.authorize({
      action: 'iam:GetUser',
      target: { kind: 'root' },
      admin: ['admin:GetUser'],
    });
    return { User: { UserId: call.iam.arns.accountId(call.account), Arn: root.arn, CreateDate: isoDate(0) } };
  }
  const target = await call.authorize({
    action: 'iam:GetUser',
    target: user(subject.name),
    admin: ['admin:GetUser'],
  });
  return { User: userXml(await call.iam.users.get(call.account, target.name), true) };
};

/**
 * UpdateUser: renaming is refused (a user's name is its access key, so a rename would break
 * every client configured with it); NewPath may only be `/`. Tessera extension: `Status`
 * `Active` / `Inactive` enables or disables the user (admin:EnableUser / admin:DisableUser).
 */
const updateUser: Handler = async (call) => {
  const p = call.params;
  const name = p.required('UserName');
  const newName = p.optional('NewUserName');
  p.rootPath('NewPath');
  const status = p.oneOf('Status', ['Active', 'Inactive'] as const);
  const admin =
    status === undefined
      ? 'admin:CreateUser'
      : status === 'Active'
        ? 'admin:EnableUser'
        : 'admin:DisableUser';
  const target = await call.authorize({ action: 'iam:UpdateUser', target: user(name), admin: [admin] });
  const found = await call.iam.users.get(call.account, target.name);
  if (newName !== undefined && newName !== found.name) {
    throw new TesseraError(
      'InvalidInput',
      `Users cannot be renamed: the user name is the user's access key. Create ${newName} and move the policies and groups instead.`,
    );
  }
  if (status !== undefined) {
    await call.iam.users.setStatus(call.account, found.name, status === 'Active' ? 'enabled' : 'disabled');
  }
  return undefined;
};

/** AWS semantics: DeleteConflict while the user has access keys, groups or policies. */
const deleteUser: Handler = async (call) => {
  const name = call.params.required('UserName');
  const target = await call.authorize({
    action: 'iam:DeleteUser',
    target: user(name),
    admin: ['admin:DeleteUser'],
  });
  await call.iam.users.delete(call.account, target.name);
  return undefined;
};

/** ListUsers; every user's path is `/`, so a PathPrefix other than `/` lists none. */
const listUsers: Handler = async (call) => {
  const p = call.params;
  const prefix = p.optional('PathPrefix') ?? '/';
  const req = pageRequest(p);
  await call.authorize({
    action: 'iam:ListUsers',
    target: collection(call.iam.arns.user(call.account, '')),
    admin: ['admin:ListUsers'],
  });
  const fetched = !'/'.startsWith(prefix)
    ? []
    : await call.iam.users.list(call.account, {
        ...(req.after === undefined ? {} : { after: req.after }),
        limit: req.max + 1,
      });
  const page = fromFetched(fetched, (u) => u.name, req.max);
  return { Users: members(page.items.map((u) => userXml(u))), ...truncation(page) };
};

const tagUser: Handler = async (call) => {
  const p = call.params;
  const name = p.required('UserName');
  const tags = p.tags();
  if (tags.length === 0) p.required('Tags.member.1.Key');
  const target = await call.authorize({
    action: 'iam:TagUser',
    target: user(name),
    admin: ['admin:CreateUser'],
  });
  await call.iam.users.tag(call.account, target.name, tags);
  return undefined;
};

const untagUser: Handler = async (call) => {
  const p = call.params;
  const name = p.required('UserName');
  const keys = p.list('TagKeys');
  if (keys.length === 0) p.required('TagKeys.member.1');
  const target = await call.authorize({
    action: 'iam:UntagUser',
    target: user(name),
    admin: ['admin:CreateUser'],
  });
  await call.iam.users.untag(call.account, target.name, keys);
  return undefined;
};

const listUserTags: Handler = async (call: Call): Promise<XmlNode> => {
  const p = call.params;
  const name = p.required('UserName');
  const req = pageRequest(p);
  const target = await call.authorize({
    action: 'iam:ListUserTags',
    target: user(name),
    admin: ['admin:GetUser'],
  });
  const found = await call.iam.users.get(call.account, target.name);
  // Tags keep their insertion order; the marker is the position.
  const start = req.after === undefined ? 0 : Number(req.after);
  if (!Number.isSafeInteger(start) || start < 0)
    throw new TesseraError('InvalidInput', 'The Marker is not valid.');
  const rest = found.tags.slice(start);
  const page = fromFetched(rest, (t) => String(start + rest.indexOf(t) + 1), req.max);
  return { Tags: tagsXml(page.items), ...truncation(page) };
};

export const userHandlers: Record<string, Handler> = {
  CreateUser: createUser,
  GetUser: getUser,
  UpdateUser: updateUser,
  DeleteUser: deleteUser,
  ListUsers: listUsers,
  TagUser: tagUser,
  UntagUser: untagUser,
  ListUserTags: listUserTags,
};
