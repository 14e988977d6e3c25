import { TesseraError } from '../../core/index.js';
import { bucketOwnerOf } from '../acl/canonical-id.js';
import { onlyBucketOwnerFullControl } from '../acl/model.js';
import {
  ownershipDocument,
  parseOwnershipControls,
  renderOwnershipControls,
  storedOwnership,
} from '../acl/ownership.js';
import { bucketAcl } from '../acl/stored.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { MAX_XML_BODY } from '../xml-body.js';

/** Buckets without ownership controls (created before them, or deleted) answer OwnershipControlsNotFoundError. */
export const getBucketOwnershipControls: S3Handler<'GetBucketOwnershipControls'> = async (deps, req) => {
  const ownership = await storedOwnership(deps, req.op.bucket);
  if (ownership === undefined)
    throw new TesseraError('OwnershipControlsNotFoundError', undefined, { BucketName: req.op.bucket });
  return xmlResponse(renderOwnershipControls(ownership));
};

/**
 * "If your bucket ACLs grant read or write permissions to others outside of your account … your
 * request to apply the bucket owner enforced setting fails" with InvalidBucketAclWithObjectOwnership.
 */
export const putBucketOwnershipControls: S3Handler<'PutBucketOwnershipControls'> = async (deps, req) => {
  const { bucket } = req.op;
  const body = await readVerifiedBody(req, MAX_XML_BODY);
  // The API requires Content-MD5 or an x-amz-checksum-* value (httpChecksumRequired), as for lifecycle.
  requireDigest(body);
  const ownership = parseOwnershipControls(body);
  if (
    ownership === 'BucketOwnerEnforced' &&
    !onlyBucketOwnerFullControl(await bucketAcl(deps, bucket), await bucketOwnerOf(deps, bucket))
  )
    throw new TesseraError('InvalidBucketAclWithObjectOwnership');
  await deps.metadata.setBucketConfig(bucket, 'ownership-controls', ownershipDocument(ownership));
  return emptyResponse(200);
};

export const deleteBucketOwnershipControls: S3Handler<'DeleteBucketOwnershipControls'> = async (
  deps,
  req,
) => {
  await deps.metadata.setBucketConfig(req.op.bucket, 'ownership-controls', undefined);
  return emptyResponse(204);
};
