import type { S3Deps } from '../context.js';

/** The two settings of a bucket's public access block that concern ACLs. */
export interface AclPublicAccess {
  /** "PUT Bucket acl and PUT Object acl calls fail if the specified ACL is public", and PUTs with public ACLs. */
  readonly blockPublicAcls: boolean;
  /** "Amazon S3 will ignore all public ACLs on this bucket and objects in this bucket." */
  readonly ignorePublicAcls: boolean;
}

const OPEN: AclPublicAccess = { blockPublicAcls: false, ignorePublicAcls: false };

/**
 * The bucket's public access block as it concerns ACLs: its 'public-access-block' document
 * (JSON with AWS's field names); none, or one that does not read, blocks nothing.
 */
export async function aclPublicAccess(deps: S3Deps, bucket: string): Promise<AclPublicAccess> {
  const doc = await deps.metadata.getBucketConfig(bucket, 'public-access-block').catch(() => undefined);
  if (doc === undefined) return OPEN;
  try {
    const v = JSON.parse(doc) as Record<string, unknown>;
    return {
      blockPublicAcls: v['BlockPublicAcls'] === true,
      ignorePublicAcls: v['IgnorePublicAcls'] === true,
    };
  } catch {
    return OPEN;
  }
}
