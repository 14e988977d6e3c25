import { bucketOwnerOf } from '../acl/canonical-id.js';
import { defaultAcl, isDefaultAcl, type StoredAcl } from '../acl/model.js';
import { effectiveOwnership } from '../acl/ownership.js';
import { parseAccessControlPolicy } from '../acl/parse.js';
import { renderAcl } from '../acl/render.js';
import { aclFromHeaders, hasAclHeaders, refusePublicAcl, requireAclAllowed } from '../acl/requests.js';
import { resolveAcl } from '../acl/resolve.js';
import { bucketAcl, objectAcl, setBucketAcl } from '../acl/stored.js';
import {
  emptyResponse,
  header,
  type S3Deps,
  type S3Handler,
  type S3Request,
  xmlResponse,
} from '../context.js';
import { readXmlBody } from '../xml-body.js';
import { requireObject } from './object-read.js';

/** The ACL a Put*Acl request gives: its headers (canned or grants), else its AccessControlPolicy body. */
async function requestedAcl(
  deps: S3Deps,
  req: S3Request,
  owner: string,
  bucketOwner: string,
  target: 'bucket' | 'object',
): Promise<StoredAcl> {
  if (hasAclHeaders(req.headers)) return (await aclFromHeaders(deps, req, owner, bucketOwner, target))!;
  return resolveAcl(deps, parseAccessControlPolicy(await readXmlBody(req)), owner);
}

/** "Requests to read ACLs always return a response that shows full control for the bucket owner" when ACLs are disabled. */
export const getBucketAcl: S3Handler<'GetBucketAcl'> = async (deps, req) => {
  const ownership = await effectiveOwnership(deps, req.op.bucket);
  const acl =
    ownership === 'BucketOwnerEnforced'
      ? defaultAcl(await bucketOwnerOf(deps, req.op.bucket))
      : await bucketAcl(deps, req.op.bucket);
  return xmlResponse(await renderAcl(deps, acl));
};

export const putBucketAcl: S3Handler<'PutBucketAcl'> = async (deps, req) => {
  const { bucket } = req.op;
  const ownership = await effectiveOwnership(deps, bucket);
  const owner = (await bucketAcl(deps, bucket)).owner;
  const bucketOwner = await bucketOwnerOf(deps, bucket);
  const acl = await requestedAcl(deps, req, owner, bucketOwner, 'bucket');
  requireAclAllowed(ownership, acl, header(req, 'x-amz-acl'), bucketOwner);
  await refusePublicAcl(deps, bucket, acl);
  await setBucketAcl(deps, bucket, isDefaultAcl(acl, bucketOwner) ? undefined : acl);
  return emptyResponse(200);
};

export const getObjectAcl: S3Handler<'GetObjectAcl'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const obj = await requireObject(deps, bucket, key, versionId);
  const ownership = await effectiveOwnership(deps, bucket);
  const bucketOwner = await bucketOwnerOf(deps, bucket);
  const acl = ownership === 'BucketOwnerEnforced' ? defaultAcl(bucketOwner) : objectAcl(obj, bucketOwner);
  return xmlResponse(await renderAcl(deps, acl));
};

export const putObjectAcl: S3Handler<'PutObjectAcl'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const obj = await requireObject(deps, bucket, key, versionId, 'PUT');
  const ownership = await effectiveOwnership(deps, bucket);
  const bucketOwner = await bucketOwnerOf(deps, bucket);
  // With ACLs disabled every object is the bucket owner's.
  const owner = ownership === 'BucketOwnerEnforced' ? bucketOwner : objectAcl(obj, bucketOwner).owner;
  const acl = await requestedAcl(deps, req, owner, bucketOwner, 'object');
  requireAclAllowed(ownership, acl, header(req, 'x-amz-acl'), bucketOwner);
  await refusePublicAcl(deps, bucket, acl);
  await deps.metadata.setObjectAcl(
    bucket,
    key,
    obj.versionId,
    isDefaultAcl(acl, bucketOwner) ? undefined : acl,
  );
  // PutObjectAcl's answer has no x-amz-version-id (its output is RequestCharged only).
  return emptyResponse(200);
};
