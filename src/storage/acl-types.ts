/** Access control lists as the metadata store keeps them (the S3 layer parses and renders them). */

/** The permissions an S3 ACL grant gives ("Access control list (ACL) overview"). */
export type AclPermission = 'FULL_CONTROL' | 'WRITE' | 'WRITE_ACP' | 'READ' | 'READ_ACP';

/**
 * Who a stored grant is for: an account by its canonical user id, or one of S3's predefined
 * groups by URI. E-mail grantees are resolved to canonical ids before anything is stored.
 */
export type AclGrantee = { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };

export interface AclGrant {
  grantee: AclGrantee;
  permission: AclPermission;
}

/**
 * A bucket's or an object version's ACL: its owner's canonical id and the grants. An object
 * version without one has the default ACL (its owner, the bucket owner, has FULL_CONTROL).
 */
export interface StoredAcl {
  owner: string;
  grants: AclGrant[];
}

/** The ACL methods of the metadata store. */
export interface ObjectAclStore {
  /**
   * Replaces a version's ACL (the current one when `versionId` is undefined; undefined restores
   * the default). NoSuchBucket; NoSuchKey, or NoSuchVersion when a version was named; a delete
   * marker is MethodNotAllowed.
   */
  setObjectAcl(
    bucket: string,
    key: string,
    versionId: string | undefined,
    acl: StoredAcl | undefined,
  ): Promise<void>;
}
