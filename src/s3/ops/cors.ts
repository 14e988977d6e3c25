import { bucketCheck } from '../access.js';
import { deleteBucketCors, getBucketCors, putBucketCors } from '../handlers/cors.js';
import type { BucketOperation, Spec } from '../operation.js';

/** GET /bucket?cors */
export interface GetBucketCors extends BucketOperation<'GetBucketCors'> {}
/** PUT /bucket?cors */
export interface PutBucketCors extends BucketOperation<'PutBucketCors'> {}
/** DELETE /bucket?cors — authorized as s3:PutBucketCORS, as in AWS. */
export interface DeleteBucketCors extends BucketOperation<'DeleteBucketCors'> {}

export const getBucketCorsSpec: Spec<GetBucketCors> = {
  name: 'GetBucketCors',
  routes: [{ method: 'GET', target: 'bucket', query: ['cors'] }],
  actions: ['s3:GetBucketCORS'],
  checks: (op) => bucketCheck('s3:GetBucketCORS', op.bucket),
  handle: getBucketCors,
};

export const putBucketCorsSpec: Spec<PutBucketCors> = {
  name: 'PutBucketCors',
  routes: [{ method: 'PUT', target: 'bucket', query: ['cors'] }],
  actions: ['s3:PutBucketCORS'],
  checks: (op) => bucketCheck('s3:PutBucketCORS', op.bucket),
  handle: putBucketCors,
};

export const deleteBucketCorsSpec: Spec<DeleteBucketCors> = {
  name: 'DeleteBucketCors',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['cors'] }],
  actions: ['s3:PutBucketCORS'],
  checks: (op) => bucketCheck('s3:PutBucketCORS', op.bucket),
  handle: deleteBucketCors,
};

export const corsOperations = [getBucketCorsSpec, putBucketCorsSpec, deleteBucketCorsSpec] as const;
