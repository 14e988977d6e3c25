import { bucketCheck } from '../access.js';
import {
  deleteBucketPolicy,
  getBucketPolicy,
  getBucketPolicyStatus,
  putBucketPolicy,
} from '../handlers/bucket-policy.js';
import type { BucketOperation, Spec } from '../operation.js';

/** GET /bucket?policy */
export interface GetBucketPolicy extends BucketOperation<'GetBucketPolicy'> {}
/** PUT /bucket?policy */
export interface PutBucketPolicy extends BucketOperation<'PutBucketPolicy'> {}
/** DELETE /bucket?policy */
export interface DeleteBucketPolicy extends BucketOperation<'DeleteBucketPolicy'> {}
/** GET /bucket?policyStatus */
export interface GetBucketPolicyStatus extends BucketOperation<'GetBucketPolicyStatus'> {}

export const getBucketPolicySpec: Spec<GetBucketPolicy> = {
  name: 'GetBucketPolicy',
  routes: [{ method: 'GET', target: 'bucket', query: ['policy'] }],
  actions: ['s3:GetBucketPolicy'],
  checks: (op) => bucketCheck('s3:GetBucketPolicy', op.bucket),
  handle: getBucketPolicy,
};

export const putBucketPolicySpec: Spec<PutBucketPolicy> = {
  name: 'PutBucketPolicy',
  routes: [{ method: 'PUT', target: 'bucket', query: ['policy'] }],
  actions: ['s3:PutBucketPolicy'],
  checks: (op) => bucketCheck('s3:PutBucketPolicy', op.bucket),
  handle: putBucketPolicy,
};

export const deleteBucketPolicySpec: Spec<DeleteBucketPolicy> = {
  name: 'DeleteBucketPolicy',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['policy'] }],
  actions: ['s3:DeleteBucketPolicy'],
  checks: (op) => bucketCheck('s3:DeleteBucketPolicy', op.bucket),
  handle: deleteBucketPolicy,
};

export const getBucketPolicyStatusSpec: Spec<GetBucketPolicyStatus> = {
  name: 'GetBucketPolicyStatus',
  routes: [{ method: 'GET', target: 'bucket', query: ['policyStatus'] }],
  actions: ['s3:GetBucketPolicyStatus'],
  checks: (op) => bucketCheck('s3:GetBucketPolicyStatus', op.bucket),
  handle: getBucketPolicyStatus,
};

export const policyOperations = [
  getBucketPolicySpec,
  putBucketPolicySpec,
  deleteBucketPolicySpec,
  getBucketPolicyStatusSpec,
] as const;
