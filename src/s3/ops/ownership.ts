import { bucketCheck } from '../access.js';
import {
  deleteBucketOwnershipControls,
  getBucketOwnershipControls,
  putBucketOwnershipControls,
} from '../handlers/ownership.js';
import type { BucketOperation, Spec } from '../operation.js';

/** GET /bucket?ownershipControls */
export interface GetBucketOwnershipControls extends BucketOperation<'GetBucketOwnershipControls'> {}
/** PUT /bucket?ownershipControls */
export interface PutBucketOwnershipControls extends BucketOperation<'PutBucketOwnershipControls'> {}
/** DELETE /bucket?ownershipControls — authorized as s3:PutBucketOwnershipControls, as in AWS. */
export interface DeleteBucketOwnershipControls extends BucketOperation<'DeleteBucketOwnershipControls'> {}

export const getBucketOwnershipControlsSpec: Spec<GetBucketOwnershipControls> = {
  name: 'GetBucketOwnershipControls',
  routes: [{ method: 'GET', target: 'bucket', query: ['ownershipControls'] }],
  actions: ['s3:GetBucketOwnershipControls'],
  checks: (op) => bucketCheck('s3:GetBucketOwnershipControls', op.bucket),
  handle: getBucketOwnershipControls,
};

export const putBucketOwnershipControlsSpec: Spec<PutBucketOwnershipControls> = {
  name: 'PutBucketOwnershipControls',
  writes: true,
  routes: [{ method: 'PUT', target: 'bucket', query: ['ownershipControls'] }],
  actions: ['s3:PutBucketOwnershipControls'],
  checks: (op) => bucketCheck('s3:PutBucketOwnershipControls', op.bucket),
  handle: putBucketOwnershipControls,
};

export const deleteBucketOwnershipControlsSpec: Spec<DeleteBucketOwnershipControls> = {
  name: 'DeleteBucketOwnershipControls',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['ownershipControls'] }],
  actions: ['s3:PutBucketOwnershipControls'],
  checks: (op) => bucketCheck('s3:PutBucketOwnershipControls', op.bucket),
  handle: deleteBucketOwnershipControls,
};

export const ownershipOperations = [
  getBucketOwnershipControlsSpec,
  putBucketOwnershipControlsSpec,
  deleteBucketOwnershipControlsSpec,
] as const;
