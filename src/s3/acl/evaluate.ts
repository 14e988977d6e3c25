import type { S3Action } from '../access.js';
import {
  type AclGrant,
  type AclPermission,
  ALL_USERS,
  AUTHENTICATED_USERS,
  isPublicGrant,
  type StoredAcl,
} from './model.js';

/** Which ACL a policy action is answered from, and the ACL permission it needs. */
export interface AclNeed {
  readonly target: 'bucket' | 'object';
  readonly permission: AclPermission;
}

/** "Mapping of ACL permissions and access policy permissions" (ACL overview). */
const NEEDS: ReadonlyMap<string, AclNeed> = new Map<S3Action, AclNeed>([
  ['s3:ListBucket', { target: 'bucket', permission: 'READ' }],
  ['s3:ListBucketVersions', { target: 'bucket', permission: 'READ' }],
  ['s3:ListBucketMultipartUploads', { target: 'bucket', permission: 'READ' }],
  ['s3:PutObject', { target: 'bucket', permission: 'WRITE' }],
  ['s3:DeleteObject', { target: 'bucket', permission: 'WRITE' }],
  ['s3:GetBucketAcl', { target: 'bucket', permission: 'READ_ACP' }],
  ['s3:PutBucketAcl', { target: 'bucket', permission: 'WRITE_ACP' }],
  ['s3:GetObject', { target: 'object', permission: 'READ' }],
  ['s3:GetObjectVersion', { target: 'object', permission: 'READ' }],
  ['s3:GetObjectAcl', { target: 'object', permission: 'READ_ACP' }],
  ['s3:GetObjectVersionAcl', { target: 'object', permission: 'READ_ACP' }],
  ['s3:PutObjectAcl', { target: 'object', permission: 'WRITE_ACP' }],
  ['s3:PutObjectVersionAcl', { target: 'object', permission: 'WRITE_ACP' }],
]);

/** The ACL permission that can allow `action`; undefined when no ACL can (policies only). */
export function aclNeedOf(action: string): AclNeed | undefined {
  return NEEDS.get(action);
}

/** Who asks, as ACL grants see it. */
export interface AclCaller {
  /** Undefined for anonymous callers. */
  readonly canonicalId: string | undefined;
  /**
   * The caller belongs to the resource owner's account: account grants are for other accounts
   * (within the owner's account, identity policies decide), group grants apply to everyone.
   */
  readonly ownersAccount: boolean;
}

function covers(g: AclGrant, permission: AclPermission): boolean {
  return g.permission === permission || g.permission === 'FULL_CONTROL';
}

function matches(g: AclGrant, caller: AclCaller): boolean {
  const e = g.grantee;
  if (e.type === 'Group') {
    if (e.uri === ALL_USERS) return true;
    if (e.uri === AUTHENTICATED_USERS) return caller.canonicalId !== undefined;
    return false; // LogDelivery: the log delivery service, never a request's caller.
  }
  return !caller.ownersAccount && caller.canonicalId !== undefined && caller.canonicalId === e.id;
}

/**
 * The first grant of `acl` that gives `caller` `permission` (FULL_CONTROL covers every
 * permission), with its index; undefined when none does. With `ignorePublic` (the public access
 * block's IgnorePublicAcls) grants to AllUsers and AuthenticatedUsers count for nothing.
 */
export function grantAllowing(
  acl: StoredAcl,
  permission: AclPermission,
  caller: AclCaller,
  ignorePublic: boolean,
): { grant: AclGrant; index: number } | undefined {
  for (let i = 0; i < acl.grants.length; i++) {
    const g = acl.grants[i]!;
    if (ignorePublic && isPublicGrant(g)) continue;
    if (covers(g, permission) && matches(g, caller)) return { grant: g, index: i };
  }
  return undefined;
}
