import { bucketCheck, versionCheck } from '../access.js';
import {
  deleteBucketTagging,
  deleteObjectTagging,
  getBucketTagging,
  getObjectTagging,
  putBucketTagging,
  putObjectTagging,
} from '../handlers/tagging.js';
import type { BucketOperation, ObjectOperation, Spec } from '../operation.js';
import { type Versioned, versionIdParam } from './objects.js';

/** GET /bucket/key?tagging[&versionId=…] */
export interface GetObjectTagging extends ObjectOperation<'GetObjectTagging'>, Versioned {}
/** PUT /bucket/key?tagging[&versionId=…] */
export interface PutObjectTagging extends ObjectOperation<'PutObjectTagging'>, Versioned {}
/** DELETE /bucket/key?tagging[&versionId=…] */
export interface DeleteObjectTagging extends ObjectOperation<'DeleteObjectTagging'>, Versioned {}
/** GET /bucket?tagging */
export interface GetBucketTagging extends BucketOperation<'GetBucketTagging'> {}
/** PUT /bucket?tagging */
export interface PutBucketTagging extends BucketOperation<'PutBucketTagging'> {}
/** DELETE /bucket?tagging — authorized as s3:PutBucketTagging, as in AWS. */
export interface DeleteBucketTagging extends BucketOperation<'DeleteBucketTagging'> {}

export const getObjectTaggingSpec: Spec<GetObjectTagging> = {
  name: 'GetObjectTagging',
  // GET ?tagging&uploadId=… has always been ListParts.
  routes: [{ method: 'GET', target: 'object', query: ['tagging'], unless: ['uploadId'] }],
  actions: ['s3:GetObjectTagging', 's3:GetObjectVersionTagging'],
  parse: versionIdParam,
  checks: (op) => versionCheck(op, 's3:GetObjectTagging', 's3:GetObjectVersionTagging', 'existing-tags'),
  handle: getObjectTagging,
};

export const putObjectTaggingSpec: Spec<PutObjectTagging> = {
  name: 'PutObjectTagging',
  routes: [{ method: 'PUT', target: 'object', query: ['tagging'] }],
  actions: ['s3:PutObjectTagging', 's3:PutObjectVersionTagging'],
  parse: versionIdParam,
  checks: (op) => versionCheck(op, 's3:PutObjectTagging', 's3:PutObjectVersionTagging', 'existing-tags'),
  handle: putObjectTagging,
};

export const deleteObjectTaggingSpec: Spec<DeleteObjectTagging> = {
  name: 'DeleteObjectTagging',
  routes: [{ method: 'DELETE', target: 'object', query: ['tagging'] }],
  actions: ['s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'],
  parse: versionIdParam,
  checks: (op) =>
    versionCheck(op, 's3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 'existing-tags'),
  handle: deleteObjectTagging,
};

export const getBucketTaggingSpec: Spec<GetBucketTagging> = {
  name: 'GetBucketTagging',
  routes: [{ method: 'GET', target: 'bucket', query: ['tagging'] }],
  actions: ['s3:GetBucketTagging'],
  checks: (op) => bucketCheck('s3:GetBucketTagging', op.bucket),
  handle: getBucketTagging,
};

export const putBucketTaggingSpec: Spec<PutBucketTagging> = {
  name: 'PutBucketTagging',
  routes: [{ method: 'PUT', target: 'bucket', query: ['tagging'] }],
  actions: ['s3:PutBucketTagging'],
  checks: (op) => bucketCheck('s3:PutBucketTagging', op.bucket),
  handle: putBucketTagging,
};

export const deleteBucketTaggingSpec: Spec<DeleteBucketTagging> = {
  name: 'DeleteBucketTagging',
  routes: [{ method: 'DELETE', target: 'bucket', query: ['tagging'] }],
  actions: ['s3:PutBucketTagging'],
  checks: (op) => bucketCheck('s3:PutBucketTagging', op.bucket),
  handle: deleteBucketTagging,
};

export const taggingOperations = [
  getObjectTaggingSpec,
  putObjectTaggingSpec,
  deleteObjectTaggingSpec,
  getBucketTaggingSpec,
  putBucketTaggingSpec,
  deleteBucketTaggingSpec,
] as const;
