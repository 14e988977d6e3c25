import { type EntityKind, GROUP, USER } from './attachments.js';
import type { Handler } from './call.js';
import { pageRequest, paginate, truncation } from './paging.js';
import { encodeDocument, members } from './xml.js';

/**
 * Inline policies of users and groups. MinIO has no inline policies; writing one is like
 * attaching a policy (admin:AttachUserOrGroupPolicy / admin:UpdatePolicyAssociation), reading
 * one like reading the entity (admin:GetUser / admin:GetGroup).
 */
const WRITE_ADMIN = ['admin:AttachUserOrGroupPolicy', 'admin:UpdatePolicyAssociation'];

export function put(k: EntityKind): Handler {
  return async (call) => {
    const p = call.params;
    const entity = p.required(k.param);
    const name = p.required('PolicyName');
    const document = p.required('PolicyDocument');
    const { name: stored } = await call.authorize({
      action: `iam:Put${k.word}Policy`,
      target: k.target(entity),
      admin: WRITE_ADMIN,
    });
    await call.iam.policies.putInline(call.account, k.kind, stored, name, document);
    return undefined;
  };
}

export function get(k: EntityKind): Handler {
  return async (call) => {
    const p = call.params;
    const entity = p.required(k.param);
    const name = p.required('PolicyName');
    const { name: stored } = await call.authorize({
      action: `iam:Get${k.word}Policy`,
      target: k.target(entity),
      admin: k.readAdmin === undefined ? [] : [k.readAdmin],
    });
    const document = await call.iam.policies.getInline(call.account, k.kind, stored, name);
    const found = (await call.iam.policies.listInline(call.account, k.kind, stored)).find(
      (r) => r.name.toLowerCase() === name.toLowerCase(),
    );
    return { [k.param]: stored, PolicyName: found?.name ?? name, PolicyDocument: encodeDocument(document) };
  };
}

export function remove(k: EntityKind): Handler {
  return async (call) => {
    const p = call.params;
    const entity = p.required(k.param);
    const name = p.required('PolicyName');
    const { name: stored } = await call.authorize({
      action: `iam:Delete${k.word}Policy`,
      target: k.target(entity),
      admin: WRITE_ADMIN,
    });
    await call.iam.policies.deleteInline(call.account, k.kind, stored, name);
    return undefined;
  };
}

export function list(k: EntityKind): Handler {
  return async (call) => {
    const entity = call.params.required(k.param);
    const req = pageRequest(call.params);
    const { name: stored } = await call.authorize({
      action: `iam:List${k.word}Policies`,
      target: k.target(entity),
      admin: k.readAdmin === undefined ? [] : [k.readAdmin],
    });
    const names = (await call.iam.policies.listInline(call.account, k.kind, stored)).map((r) => r.name);
    const page = paginate(names, (n) => n, req);
    return { PolicyNames: members(page.items), ...truncation(page) };
  };
}

export const inlineHandlers: Record<string, Handler> = {
  PutUserPolicy: put(USER),
  GetUserPolicy: get(USER),
  DeleteUserPolicy: remove(USER),
  ListUserPolicies: list(USER),
  PutGroupPolicy: put(GROUP),
  GetGroupPolicy: get(GROUP),
  DeleteGroupPolicy: remove(GROUP),
  ListGroupPolicies: list(GROUP),
};
