import { bucketCheck } from '../access.js';
import { hasAclHeaders } from '../acl/requests.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket } from '../handlers/buckets.js';
import { asksObjectLock } from '../object-lock/lock.js';
import type { BucketOperation, Spec } from '../operation.js';

/** PUT /bucket */
export interface CreateBucket extends BucketOperation<'CreateBucket'> {}
/** HEAD /bucket — needs s3:ListBucket, as in AWS. */
export interface HeadBucket extends BucketOperation<'HeadBucket'> {}
/** DELETE /bucket */
export interface DeleteBucket extends BucketOperation<'DeleteBucket'> {}
/** GET /bucket?location */
export interface GetBucketLocation extends BucketOperation<'GetBucketLocation'> {}

/** s3:x-amz-object-ownership, the condition key of CreateBucket's x-amz-object-ownership. */
function ownershipContext(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const v = headers['x-amz-object-ownership'];
  const value = Array.isArray(v) ? v[0] : v;
  return value === undefined ? {} : { 's3:x-amz-object-ownership': value };
}

export const createBucketSpec: Spec<CreateBucket> = {
  name: 'CreateBucket',
  writes: true,
  routes: [{ method: 'PUT', target: 'bucket' }],
  // "If ObjectLockEnabledForBucket is set to true … s3:PutBucketObjectLockConfiguration and
  // s3:PutBucketVersioning permissions are required."
  // ACL headers also need s3:PutBucketAcl, x-amz-object-ownership s3:PutBucketOwnershipControls.
  actions: [
    's3:CreateBucket',
    's3:PutBucketObjectLockConfiguration',
    's3:PutBucketVersioning',
    's3:PutBucketAcl',
    's3:PutBucketOwnershipControls',
  ],
  checks: (op, input) => [
    ...bucketCheck('s3:CreateBucket', op.bucket, ownershipContext(input.headers)),
    ...(hasAclHeaders(input.headers) ? bucketCheck('s3:PutBucketAcl', op.bucket) : []),
    ...(input.headers['x-amz-object-ownership'] !== undefined
      ? bucketCheck('s3:PutBucketOwnershipControls', op.bucket)
      : []),
    ...(asksObjectLock(input.headers)
      ? [
          ...bucketCheck('s3:PutBucketObjectLockConfiguration', op.bucket),
          ...bucketCheck('s3:PutBucketVersioning', op.bucket),
        ]
      : []),
  ],
  handle: createBucket,
};

export const headBucketSpec: Spec<HeadBucket> = {
  name: 'HeadBucket',
  routes: [{ method: 'HEAD', target: 'bucket' }],
  actions: ['s3:ListBucket'],
  checks: (op) => bucketCheck('s3:ListBucket', op.bucket),
  handle: headBucket,
};

export const deleteBucketSpec: Spec<DeleteBucket> = {
  name: 'DeleteBucket',
  routes: [{ method: 'DELETE', target: 'bucket' }],
  actions: ['s3:DeleteBucket'],
  checks: (op) => bucketCheck('s3:DeleteBucket', op.bucket),
  handle: deleteBucket,
};

export const getBucketLocationSpec: Spec<GetBucketLocation> = {
  name: 'GetBucketLocation',
  routes: [{ method: 'GET', target: 'bucket', query: ['location'] }],
  actions: ['s3:GetBucketLocation'],
  checks: (op) => bucketCheck('s3:GetBucketLocation', op.bucket),
  handle: getBucketLocation,
};

export const bucketOperations = [
  createBucketSpec,
  headBucketSpec,
  deleteBucketSpec,
  getBucketLocationSpec,
] as const;
