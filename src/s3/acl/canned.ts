import { TesseraError } from '../../core/index.js';
import {
  type AclGrant,
  ALL_USERS,
  AUTHENTICATED_USERS,
  dedupeGrants,
  LOG_DELIVERY,
  ownerGrant,
} from './model.js';

/** S3's canned ACLs ("Canned ACL"), the values of x-amz-acl. */
export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'aws-exec-read',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
] as const;

export type CannedAcl = (typeof CANNED_ACLS)[number];

/** The canonical id AWS grants READ in aws-exec-read ("Amazon EC2 gets READ access to GET an AMI bundle"). */
export const EC2_BUNDLE_READER = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';

export function isCannedAcl(value: string): value is CannedAcl {
  return (CANNED_ACLS as readonly string[]).includes(value);
}

/** x-amz-acl's value as a canned ACL; anything else is InvalidArgument, as S3 answers it. */
export function parseCannedAcl(value: string): CannedAcl {
  if (!isCannedAcl(value))
    throw new TesseraError('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: value });
  return value;
}

const group = (uri: string, permission: AclGrant['permission']): AclGrant => ({
  grantee: { type: 'Group', uri },
  permission,
});

/**
 * The grants of a canned ACL, as the table in "Canned ACL" lists them. `owner` is the resource
 * owner; `bucketOwner` matters for bucket-owner-read and bucket-owner-full-control, which "are
 * ignored if specified when creating a bucket" (`target` 'bucket': the owner's full control only).
 */
export function cannedGrants(
  canned: CannedAcl,
  owner: string,
  bucketOwner: string,
  target: 'bucket' | 'object',
): AclGrant[] {
  const own = ownerGrant(owner);
  switch (canned) {
    case 'private':
      return [own];
    case 'public-read':
      return [own, group(ALL_USERS, 'READ')];
    case 'public-read-write':
      return [own, group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')];
    case 'aws-exec-read':
      return [own, ownerGrant(EC2_BUNDLE_READER, 'READ')];
    case 'authenticated-read':
      return [own, group(AUTHENTICATED_USERS, 'READ')];
    case 'bucket-owner-read':
      return target === 'bucket' ? [own] : dedupeGrants([own, ownerGrant(bucketOwner, 'READ')]);
    case 'bucket-owner-full-control':
      return target === 'bucket' ? [own] : dedupeGrants([own, ownerGrant(bucketOwner)]);
    case 'log-delivery-write':
      return [own, group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')];
  }
}
