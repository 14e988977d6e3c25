import { attach, type EntityKind, listAttached } from './attachments.js';
import type { Handler } from './call.js';
import { get, list, put, remove } from './inline.js';
import { role } from './roles.js';

/**
 * A role's policies: managed-policy attachments and inline policies, as AWS's
 * Attach/Detach/ListAttachedRolePolicies and Put/Get/Delete/ListRolePolicies, authorized with
 * iam:<Action> on the role ARN (attaching also through MinIO's attach permissions, as for users).
 */
export const ROLE: EntityKind = { kind: 'role', word: 'Role', param: 'RoleName', target: role };

export const rolePolicyHandlers: Record<string, Handler> = {
  AttachRolePolicy: attach(ROLE, false),
  DetachRolePolicy: attach(ROLE, true),
  ListAttachedRolePolicies: listAttached(ROLE),
  PutRolePolicy: put(ROLE),
  GetRolePolicy: get(ROLE),
  DeleteRolePolicy: remove(ROLE),
  ListRolePolicies: list(ROLE),
};
