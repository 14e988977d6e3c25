import { bucketCheck } from '../access.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from '../handlers/encryption.js';
import type { BucketOperation, Spec } from '../operation.js';

/** GET /bucket?encryption */
export interface GetBucketEncryption extends BucketOperation<'GetBucketEncryption'> {}
/** PUT /bucket?encryption */
export interface PutBucketEncryption extends BucketOperation<'PutBucketEncryption'> {}
/** DELETE /bucket?encryption — authorized as s3:PutEncryptionConfiguration, as in AWS. */
export interface DeleteBucketEncryption extends BucketOperation<'DeleteBucketEncryption'> {}

export const getBucketEncryptionSpec: Spec<GetBucketEncryption> = {
  name: 'GetBucketEncryption',
  routes: [{ method: 'GET', target: 'bucket', query: ['encryption'] }],
  actions: ['s3:GetEncryptionConfiguration'],
  checks: (op) => bucketCheck('s3:GetEncryptionConfiguration', op.bucket),
  handle: getBucketEncryption,
};

export const putBucketEncryptionSpec: Spec<PutBucketEncryption> = {
  name: 'PutBucketEncryption',
  routes: [{ method: 'PUT', target: 'bucket', query: ['encryption'] }],
  actions: ['s3:PutEncryptionConfiguration'],
  checks: (op) => bucketCheck('s3:PutEncryptionConfiguration', op.bucket),
  handle: putBucketEncryption,
};

export const deleteBucketEncryptionSpec: Spec<DeleteBucketEncryption> = {
  name: 'DeleteBucketEncryption',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['encryption'] }],
  actions: ['s3:PutEncryptionConfiguration'],
  checks: (op) => bucketCheck('s3:PutEncryptionConfiguration', op.bucket),
  handle: deleteBucketEncryption,
};

export const encryptionOperations = [
  getBucketEncryptionSpec,
  putBucketEncryptionSpec,
  deleteBucketEncryptionSpec,
] as const;
