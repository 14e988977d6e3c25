import { TesseraError, type XmlNode } from '../../core/index.js';
import type { IamRole, IamTarget } from '../../iam/index.js';
import type { Call, Handler } from './call.js';
import { collection } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import { encodeDocument, isoDate, members, tagsXml } from './xml.js';

/** The role a request names. MinIO has no roles: no admin: equivalents. */
export function role(name: string): IamTarget {
  return { kind: 'role', name };
}

/**
 * AWS's Role structure. The AssumeRolePolicyDocument is URL-encoded, as AWS returns it;
 * `withTags` for GetRole / CreateRole (ListRoles leaves tags out, as AWS does).
 */
export function roleXml(r: IamRole, withTags = false): XmlNode {
  const node: XmlNode = {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: isoDate(r.createdAt),
    AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
    Description: r.description,
    MaxSessionDuration: r.maxSessionDuration,
  };
  if (withTags && r.tags.length > 0) node['Tags'] = tagsXml(r.tags);
  return node;
}

function duration(call: Call): number | undefined {
  const raw = call.params.optional('MaxSessionDuration');
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw)) {
    throw new TesseraError(
      'ValidationError',
      `1 validation error detected: Value '${raw.slice(0, 40)}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
    );
  }
  return Number(raw);
}

const createRole: Handler = async (call) => {
  const p = call.params;
  const name = p.required('RoleName');
  const trustPolicy = p.required('AssumeRolePolicyDocument');
  p.unsupported('PermissionsBoundary', 'permissions boundaries are not implemented.');
  const path = p.optional('Path');
  const description = p.optional('Description');
  const maxSessionDuration = duration(call);
  const tags = p.tags();
  await call.authorize({ action: 'iam:CreateRole', target: role(name), admin: [] });
  const created = await call.iam.roles.create(call.account, {
    name,
    trustPolicy,
    tags,
    ...(path === undefined ? {} : { path }),
    ...(description === undefined ? {} : { description }),
    ...(maxSessionDuration === undefined ? {} : { maxSessionDuration }),
  });
  return { Role: roleXml(created, true) };
};

const getRole: Handler = async (call) => {
  const name = call.params.required('RoleName');
  const target = await call.authorize({ action: 'iam:GetRole', target: role(name), admin: [] });
  return { Role: roleXml(await call.iam.roles.get(call.account, target.name), true) };
};

/** ListRoles: by name, PathPrefix filtering the roles' paths. */
const listRoles: Handler = async (call) => {
  const p = call.params;
  const prefix = p.optional('PathPrefix') ?? '/';
  const req = pageRequest(p);
  await call.authorize({
    action: 'iam:ListRoles',
    target: collection(call.iam.arns.role(call.account, '/', '')),
    admin: [],
  });
  const all = (await call.iam.roles.list(call.account)).filter((r) => r.path.startsWith(prefix));
  const page = paginate(all, (r) => r.name, req);
  return { Roles: members(page.items.map((r) => roleXml(r))), ...truncation(page) };
};

/** UpdateRole: Description and MaxSessionDuration (AWS answers an empty result). */
const updateRole: Handler = async (call) => {
  const p = call.params;
  const name = p.required('RoleName');
  const description = p.optional('Description');
  const maxSessionDuration = duration(call);
  const target = await call.authorize({ action: 'iam:UpdateRole', target: role(name), admin: [] });
  await call.iam.roles.update(call.account, target.name, {
    ...(description === undefined ? {} : { description }),
    ...(maxSessionDuration === undefined ? {} : { maxSessionDuration }),
  });
  return {};
};

const updateAssumeRolePolicy: Handler = async (call) => {
  const p = call.params;
  const name = p.required('RoleName');
  const document = p.required('PolicyDocument');
  const target = await call.authorize({
    action: 'iam:UpdateAssumeRolePolicy',
    target: role(name),
    admin: [],
  });
  await call.iam.roles.updateTrust(call.account, target.name, document);
  return undefined;
};

/** AWS: DeleteConflict while policies are attached or inline; the role's sessions stop at once. */
const deleteRole: Handler = async (call) => {
  const name = call.params.required('RoleName');
  const target = await call.authorize({ action: 'iam:DeleteRole', target: role(name), admin: [] });
  await call.iam.roles.delete(call.account, target.name);
  return undefined;
};

const tagRole: Handler = async (call) => {
  const p = call.params;
  const name = p.required('RoleName');
  const tags = p.tags();
  if (tags.length === 0) p.required('Tags.member.1.Key');
  const target = await call.authorize({ action: 'iam:TagRole', target: role(name), admin: [] });
  await call.iam.roles.tag(call.account, target.name, tags);
  return undefined;
};

const untagRole: Handler = async (call) => {
  const p = call.params;
  const name = p.required('RoleName');
  const keys = p.list('TagKeys');
  if (keys.length === 0) p.required('TagKeys.member.1');
  const target = await call.authorize({ action: 'iam:UntagRole', target: role(name), admin: [] });
  await call.iam.roles.untag(call.account, target.name, keys);
  return undefined;
};

const listRoleTags: Handler = async (call) => {
  const p = call.params;
  const name = p.required('RoleName');
  const req = pageRequest(p);
  const target = await call.authorize({ action: 'iam:ListRoleTags', target: role(name), admin: [] });
  const found = await call.iam.roles.get(call.account, target.name);
  const page = paginate(found.tags, (t) => t.key, req);
  return { Tags: tagsXml(page.items), ...truncation(page) };
};

export const roleHandlers: Record<string, Handler> = {
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  UpdateRole: updateRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  DeleteRole: deleteRole,
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
};
