import { TesseraError } from '../../core/index.js';
import { header, type S3Deps, type S3Request } from '../context.js';
import type { OperationBase } from '../operation.js';
import { accountCanonicalId } from './canonical-id.js';
import { isDefaultAcl, onlyBucketOwnerFullControl, type StoredAcl } from './model.js';
import { newBucketOwnership, type ObjectOwnership, ownershipDocument } from './ownership.js';
import { aclFromHeaders } from './requests.js';
import { setBucketAcl } from './stored.js';

/** What CreateBucket's headers set besides the bucket: its Object Ownership and its ACL. */
export interface NewBucketAccess {
  readonly ownership: ObjectOwnership;
  readonly acl?: StoredAcl;
}

/**
 * Reads x-amz-object-ownership and the ACL headers before the bucket is created: "if your
 * CreateBucket request sets BucketOwnerEnforced … and specifies a bucket ACL that provides access
 * to an external AWS account, your request fails" with InvalidBucketAclWithObjectOwnership.
 */
export async function newBucketAccess(
  deps: S3Deps,
  req: Pick<S3Request<OperationBase>, 'headers'>,
  account: string,
): Promise<NewBucketAccess> {
  const ownership = newBucketOwnership(deps, header(req, 'x-amz-object-ownership'));
  const owner = accountCanonicalId(deps, account);
  const acl = await aclFromHeaders(deps, req, owner, owner, 'bucket');
  if (acl === undefined || isDefaultAcl(acl, owner)) return { ownership };
  if (ownership === 'BucketOwnerEnforced' && !onlyBucketOwnerFullControl(acl, owner))
    throw new TesseraError('InvalidBucketAclWithObjectOwnership');
  return { ownership, acl };
}

/** Stores the new bucket's ownership controls (always: every new bucket has them) and its ACL. */
export async function applyNewBucketAccess(
  deps: S3Deps,
  bucket: string,
  access: NewBucketAccess,
): Promise<void> {
  await deps.metadata.setBucketConfig(bucket, 'ownership-controls', ownershipDocument(access.ownership));
  if (access.acl !== undefined) await setBucketAcl(deps, bucket, access.acl);
}
