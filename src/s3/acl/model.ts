import type { AclGrant, AclGrantee, AclPermission, StoredAcl } from '../../storage/index.js';

/** S3's ACL model ("Access control list (ACL) overview"): grants of permissions to grantees. */
export type { AclGrant, AclGrantee, AclPermission, StoredAcl };

/** "Access permission to this group allows anyone in the world access to the resource." */
export const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
/** "This group represents all AWS accounts … all requests must be signed (authenticated)." */
export const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
/** "WRITE permission on a bucket enables this group to write server access logs." */
export const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';

export const GROUP_URIS: readonly string[] = [ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY];

export const PERMISSIONS: readonly AclPermission[] = [
  'FULL_CONTROL',
  'WRITE',
  'WRITE_ACP',
  'READ',
  'READ_ACP',
];

/** "An ACL can have up to 100 grants." */
export const MAX_GRANTS = 100;

/** A grantee as a request names it: e-mail addresses are resolved to canonical ids before storing. */
export type RequestedGrantee = AclGrantee | { type: 'AmazonCustomerByEmail'; email: string };

export interface RequestedGrant {
  grantee: RequestedGrantee;
  permission: AclPermission;
}

/** An ACL as a request gives it (AccessControlPolicy body, canned ACL or grant headers). */
export interface RequestedAcl {
  /** The Owner ID of an AccessControlPolicy body, when it has one. */
  owner?: string;
  grants: RequestedGrant[];
}

/** "When you create a bucket or an object, Amazon S3 creates a default ACL that grants the resource owner full control." */
export function defaultAcl(owner: string): StoredAcl {
  return { owner, grants: [ownerGrant(owner)] };
}

export function ownerGrant(id: string, permission: AclPermission = 'FULL_CONTROL'): AclGrant {
  return { grantee: { type: 'CanonicalUser', id }, permission };
}

/** Grants to AllUsers or AuthenticatedUsers: what the public access block calls public. */
export function isPublicGrant(g: AclGrant): boolean {
  return g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS);
}

export function isPublicAcl(acl: StoredAcl): boolean {
  return acl.grants.some(isPublicGrant);
}

/**
 * True when the ACL gives only the bucket owner FULL_CONTROL: the "bucket owner full control
 * ACLs … or equivalent forms of this ACL expressed in XML" a bucket with ACLs disabled accepts.
 */
export function onlyBucketOwnerFullControl(acl: StoredAcl, bucketOwner: string): boolean {
  return (
    acl.grants.length > 0 &&
    acl.grants.every(
      (g) =>
        g.permission === 'FULL_CONTROL' && g.grantee.type === 'CanonicalUser' && g.grantee.id === bucketOwner,
    )
  );
}

/** The same grant listed twice is kept once (bucket-owner-full-control by the bucket owner). */
export function dedupeGrants(grants: readonly AclGrant[]): AclGrant[] {
  const seen = new Set<string>();
  const out: AclGrant[] = [];
  for (const g of grants) {
    const k = `${granteeLabel(g.grantee)} ${g.permission}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(g);
  }
  return out;
}

/** A grantee as a short label (the request event's grant): `id=…`, or the group's last path segment. */
export function granteeLabel(g: AclGrantee): string {
  return g.type === 'CanonicalUser' ? `id=${g.id}` : (g.uri.split('/').pop() ?? g.uri);
}

/** True when the ACL is the default one of `owner` (stored as none). */
export function isDefaultAcl(acl: StoredAcl, owner: string): boolean {
  return acl.owner === owner && onlyBucketOwnerFullControl(acl, owner) && acl.grants.length === 1;
}
