import { bucketCheck } from '../access.js';
import {
  deleteBucketLifecycle,
  getBucketLifecycleConfiguration,
  putBucketLifecycleConfiguration,
} from '../handlers/lifecycle.js';
import type { BucketOperation, Spec } from '../operation.js';

/** GET /bucket?lifecycle */
export interface GetBucketLifecycleConfiguration extends BucketOperation<'GetBucketLifecycleConfiguration'> {}
/** PUT /bucket?lifecycle */
export interface PutBucketLifecycleConfiguration extends BucketOperation<'PutBucketLifecycleConfiguration'> {}
/** DELETE /bucket?lifecycle — authorized as s3:PutLifecycleConfiguration, as in AWS. */
export interface DeleteBucketLifecycle extends BucketOperation<'DeleteBucketLifecycle'> {}

export const getBucketLifecycleConfigurationSpec: Spec<GetBucketLifecycleConfiguration> = {
  name: 'GetBucketLifecycleConfiguration',
  routes: [{ method: 'GET', target: 'bucket', query: ['lifecycle'] }],
  actions: ['s3:GetLifecycleConfiguration'],
  checks: (op) => bucketCheck('s3:GetLifecycleConfiguration', op.bucket),
  handle: getBucketLifecycleConfiguration,
};

export const putBucketLifecycleConfigurationSpec: Spec<PutBucketLifecycleConfiguration> = {
  name: 'PutBucketLifecycleConfiguration',
  routes: [{ method: 'PUT', target: 'bucket', query: ['lifecycle'] }],
  actions: ['s3:PutLifecycleConfiguration'],
  checks: (op) => bucketCheck('s3:PutLifecycleConfiguration', op.bucket),
  handle: putBucketLifecycleConfiguration,
};

export const deleteBucketLifecycleSpec: Spec<DeleteBucketLifecycle> = {
  name: 'DeleteBucketLifecycle',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['lifecycle'] }],
  actions: ['s3:PutLifecycleConfiguration'],
  checks: (op) => bucketCheck('s3:PutLifecycleConfiguration', op.bucket),
  handle: deleteBucketLifecycle,
};

export const lifecycleOperations = [
  getBucketLifecycleConfigurationSpec,
  putBucketLifecycleConfigurationSpec,
  deleteBucketLifecycleSpec,
] as const;
