import { isTesseraError, renderXml, TesseraError } from '../../core/index.js';
import { parsePolicy } from '../../policy/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import { blockedPublicPolicy, isPublicPolicy, publicBucketRestrictions } from '../public-access/index.js';
import { readVerifiedBody, strictUtf8 } from '../verified-body.js';
import { requireBucket } from './buckets.js';

/** "The maximum size of a bucket policy is 20 KB"; a little slack for the reader, the parser enforces it. */
const MAX_POLICY_BODY = 21 * 1024;

/** PutBucketPolicy: the JSON body is verified like every small body (Content-MD5, x-amz-checksum-*). */
export const putBucketPolicy: S3Handler<'PutBucketPolicy'> = async (deps, req) => {
  const body = await readVerifiedBody(req, MAX_POLICY_BODY).catch((e: unknown) => {
    throw isTesseraError(e, 'MaxMessageLengthExceeded')
      ? new TesseraError('MalformedPolicy', 'Policies must be 20 KB or less.')
      : e;
  });
  const document = strictUtf8(body.bytes);
  if (document === undefined) throw new TesseraError('MalformedPolicy', 'Policies must be valid UTF-8.');
  const bucket = await requireBucket(deps, req.op.bucket);
  // BlockPublicPolicy: "reject calls to PUT Bucket policy if the specified bucket policy allows public access".
  await blockedPublicPolicy(deps, bucket.name, document);
  await deps.bucketPolicies.put(bucket.account, bucket.name, document);
  publicBucketRestrictions(deps).forget(bucket.name);
  return emptyResponse(204);
};

export const getBucketPolicy: S3Handler<'GetBucketPolicy'> = async (deps, req) => {
  await requireBucket(deps, req.op.bucket);
  const policy = await deps.bucketPolicies.get(req.op.bucket);
  if (!policy) throw new TesseraError('NoSuchBucketPolicy', undefined, { BucketName: req.op.bucket });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: policy.document };
};

export const deleteBucketPolicy: S3Handler<'DeleteBucketPolicy'> = async (deps, req) => {
  await requireBucket(deps, req.op.bucket);
  await deps.bucketPolicies.delete(req.op.bucket).catch((e: unknown) => {
    // Deleting a policy that is not there succeeds, as in S3.
    if (!isTesseraError(e, 'NoSuchBucketPolicy')) throw e;
  });
  publicBucketRestrictions(deps).forget(req.op.bucket);
  return emptyResponse(204);
};

/**
 * GetBucketPolicyStatus: IsPublic as AWS defines it (public-access/is-public.ts). The stored policy
 * was validated when it was put, so it parses again.
 */
export const getBucketPolicyStatus: S3Handler<'GetBucketPolicyStatus'> = async (deps, req) => {
  const bucket = req.op.bucket;
  await requireBucket(deps, bucket);
  const policy = await deps.bucketPolicies.get(bucket);
  if (!policy) throw new TesseraError('NoSuchBucketPolicy', undefined, { BucketName: bucket });
  const document = parsePolicy(policy.document, { kind: 'resource', bucket });
  return xmlResponse(renderXml('PolicyStatus', { IsPublic: isPublicPolicy(document) }));
};
