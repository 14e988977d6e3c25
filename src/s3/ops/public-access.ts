import { bucketCheck } from '../access.js';
import {
  deletePublicAccessBlock,
  getPublicAccessBlock,
  putPublicAccessBlock,
} from '../handlers/public-access.js';
import type { BucketOperation, Spec } from '../operation.js';

/** PUT /bucket?publicAccessBlock */
export interface PutPublicAccessBlock extends BucketOperation<'PutPublicAccessBlock'> {}
/** GET /bucket?publicAccessBlock */
export interface GetPublicAccessBlock extends BucketOperation<'GetPublicAccessBlock'> {}
/** DELETE /bucket?publicAccessBlock — authorized as s3:PutBucketPublicAccessBlock, as in AWS. */
export interface DeletePublicAccessBlock extends BucketOperation<'DeletePublicAccessBlock'> {}

export const putPublicAccessBlockSpec: Spec<PutPublicAccessBlock> = {
  name: 'PutPublicAccessBlock',
  routes: [{ method: 'PUT', target: 'bucket', query: ['publicAccessBlock'] }],
  actions: ['s3:PutBucketPublicAccessBlock'],
  checks: (op) => bucketCheck('s3:PutBucketPublicAccessBlock', op.bucket),
  handle: putPublicAccessBlock,
};

export const getPublicAccessBlockSpec: Spec<GetPublicAccessBlock> = {
  name: 'GetPublicAccessBlock',
  routes: [{ method: 'GET', target: 'bucket', query: ['publicAccessBlock'] }],
  actions: ['s3:GetBucketPublicAccessBlock'],
  checks: (op) => bucketCheck('s3:GetBucketPublicAccessBlock', op.bucket),
  handle: getPublicAccessBlock,
};

export const deletePublicAccessBlockSpec: Spec<DeletePublicAccessBlock> = {
  name: 'DeletePublicAccessBlock',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['publicAccessBlock'] }],
  actions: ['s3:PutBucketPublicAccessBlock'],
  checks: (op) => bucketCheck('s3:PutBucketPublicAccessBlock', op.bucket),
  handle: deletePublicAccessBlock,
};

export const publicAccessOperations = [
  putPublicAccessBlockSpec,
  getPublicAccessBlockSpec,
  deletePublicAccessBlockSpec,
] as const;
