import { TesseraError } from '../../core/index.js';
import { header, type S3Deps, type S3Request } from '../context.js';
import type { OperationBase } from '../operation.js';
import { cannedGrants, parseCannedAcl } from './canned.js';
import { bucketOwnerOf, callerCanonicalId } from './canonical-id.js';
import { hasGrantHeaders, parseGrantHeaders } from './grant-headers.js';
import { isDefaultAcl, isPublicAcl, onlyBucketOwnerFullControl, type StoredAcl } from './model.js';
import { effectiveOwnership, type ObjectOwnership } from './ownership.js';
import { aclPublicAccess } from './public-access.js';
import { resolveAcl } from './resolve.js';

type Headers = Record<string, string | string[] | undefined>;
type Req = Pick<S3Request<OperationBase>, 'headers' | 'anonymous'>;

/** True when the request sets an ACL with headers (x-amz-acl or any x-amz-grant-*). */
export function hasAclHeaders(headers: Headers): boolean {
  return headers['x-amz-acl'] !== undefined || hasGrantHeaders(headers);
}

/**
 * The ACL the headers ask for, owned by `owner`: a canned ACL's grants, or exactly the grants of
 * the x-amz-grant-* headers; undefined without either. Both at once are InvalidRequest.
 */
export async function aclFromHeaders(
  deps: Pick<S3Deps, 'owner' | 'accounts'>,
  req: Pick<Req, 'headers'>,
  owner: string,
  bucketOwner: string,
  target: 'bucket' | 'object',
): Promise<StoredAcl | undefined> {
  const canned = header(req, 'x-amz-acl');
  const grants = hasGrantHeaders(req.headers);
  if (canned !== undefined && grants)
    throw new TesseraError('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  if (canned !== undefined)
    return { owner, grants: cannedGrants(parseCannedAcl(canned), owner, bucketOwner, target) };
  if (grants) return resolveAcl(deps, { grants: parseGrantHeaders(req.headers) }, owner);
  return undefined;
}

/**
 * "After you disable ACLs, your bucket accepts only PUT requests that do not specify an ACL or
 * PUT requests with bucket owner full control ACLs, such as the bucket-owner-full-control canned
 * ACL or equivalent forms": anything else is AccessControlListNotSupported.
 */
export function requireAclAllowed(
  ownership: ObjectOwnership,
  acl: StoredAcl,
  canned: string | undefined,
  bucketOwner: string,
): void {
  if (ownership !== 'BucketOwnerEnforced') return;
  if (canned === 'bucket-owner-full-control' || onlyBucketOwnerFullControl(acl, bucketOwner)) return;
  throw new TesseraError('AccessControlListNotSupported');
}

/** BlockPublicAcls: "PUT Bucket acl and PUT Object acl calls fail if the specified ACL is public" (403). */
export async function refusePublicAcl(deps: S3Deps, bucket: string, acl: StoredAcl): Promise<void> {
  if (!isPublicAcl(acl)) return;
  if ((await aclPublicAccess(deps, bucket)).blockPublicAcls) throw new TesseraError('AccessDenied');
}

/**
 * The ACL a new object version gets from its write's headers (PutObject, CopyObject,
 * CreateMultipartUpload); undefined for the default, which is every write without ACL headers
 * (read nothing then: the hot path). The owner is the writer (ObjectWriter), the bucket owner
 * with BucketOwnerEnforced, or with BucketOwnerPreferred and bucket-owner-full-control.
 */
export async function objectAclOfWrite(
  deps: S3Deps,
  req: Req,
  bucket: string,
): Promise<StoredAcl | undefined> {
  if (!hasAclHeaders(req.headers)) return undefined;
  const ownership = await effectiveOwnership(deps, bucket);
  const bucketOwner = await bucketOwnerOf(deps, bucket);
  const canned = header(req, 'x-amz-acl');
  const ownedByBucketOwner =
    ownership === 'BucketOwnerEnforced' ||
    (ownership === 'BucketOwnerPreferred' && canned === 'bucket-owner-full-control');
  // Anonymous writers (a bucket ACL's WRITE for AllUsers) leave the object to the bucket owner.
  const owner = ownedByBucketOwner ? bucketOwner : (callerCanonicalId(deps, req) ?? bucketOwner);
  const acl = (await aclFromHeaders(deps, req, owner, bucketOwner, 'object'))!;
  requireAclAllowed(ownership, acl, canned, bucketOwner);
  if (ownership === 'BucketOwnerEnforced') return undefined;
  await refusePublicAcl(deps, bucket, acl);
  return isDefaultAcl(acl, bucketOwner) ? undefined : acl;
}
