import { bucketCheck } from '../access.js';
import {
  createBucket,
  deleteBucket,
  getBucketLocation,
  getBucketVersioning,
  headBucket,
} from '../handlers/buckets.js';
import type { BucketOperation, Spec } from '../operation.js';

/** PUT /bucket */
export interface CreateBucket extends BucketOperation<'CreateBucket'> {}
/** HEAD /bucket — needs s3:ListBucket, as in AWS. */
export interface HeadBucket extends BucketOperation<'HeadBucket'> {}
/** DELETE /bucket */
export interface DeleteBucket extends BucketOperation<'DeleteBucket'> {}
/** GET /bucket?location */
export interface GetBucketLocation extends BucketOperation<'GetBucketLocation'> {}
/** GET /bucket?versioning */
export interface GetBucketVersioning extends BucketOperation<'GetBucketVersioning'> {}

export const createBucketSpec: Spec<CreateBucket> = {
  name: 'CreateBucket',
  routes: [{ method: 'PUT', target: 'bucket' }],
  actions: ['s3:CreateBucket'],
  checks: (op) => bucketCheck('s3:CreateBucket', op.bucket),
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

export const getBucketVersioningSpec: Spec<GetBucketVersioning> = {
  name: 'GetBucketVersioning',
  routes: [{ method: 'GET', target: 'bucket', query: ['versioning'] }],
  actions: ['s3:GetBucketVersioning'],
  checks: (op) => bucketCheck('s3:GetBucketVersioning', op.bucket),
  handle: getBucketVersioning,
};

export const bucketOperations = [
  createBucketSpec,
  headBucketSpec,
  deleteBucketSpec,
  getBucketLocationSpec,
  getBucketVersioningSpec,
] as const;
