import { bucketCheck } from '../access.js';
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

export const createBucketSpec: Spec<CreateBucket> = {
  name: 'CreateBucket',
  writes: true,
  routes: [{ method: 'PUT', target: 'bucket' }],
  // "If ObjectLockEnabledForBucket is set to true … s3:PutBucketObjectLockConfiguration and
  // s3:PutBucketVersioning permissions are required."
  actions: ['s3:CreateBucket', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning'],
  checks: (op, input) => [
    ...bucketCheck('s3:CreateBucket', op.bucket),
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
