import { bucketCheck, versionCheck } from '../access.js';
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from '../handlers/acl.js';
import type { BucketOperation, ObjectOperation, Spec } from '../operation.js';
import { type Versioned, versionIdParam } from './objects.js';

/** GET /bucket?acl */
export interface GetBucketAcl extends BucketOperation<'GetBucketAcl'> {}
/** PUT /bucket?acl */
export interface PutBucketAcl extends BucketOperation<'PutBucketAcl'> {}
/** GET /bucket/key?acl[&versionId=…] */
export interface GetObjectAcl extends ObjectOperation<'GetObjectAcl'>, Versioned {}
/** PUT /bucket/key?acl[&versionId=…] */
export interface PutObjectAcl extends ObjectOperation<'PutObjectAcl'>, Versioned {}

export const getBucketAclSpec: Spec<GetBucketAcl> = {
  name: 'GetBucketAcl',
  routes: [{ method: 'GET', target: 'bucket', query: ['acl'] }],
  actions: ['s3:GetBucketAcl'],
  checks: (op) => bucketCheck('s3:GetBucketAcl', op.bucket),
  handle: getBucketAcl,
};

export const putBucketAclSpec: Spec<PutBucketAcl> = {
  name: 'PutBucketAcl',
  writes: true,
  routes: [{ method: 'PUT', target: 'bucket', query: ['acl'] }],
  actions: ['s3:PutBucketAcl'],
  checks: (op) => bucketCheck('s3:PutBucketAcl', op.bucket),
  handle: putBucketAcl,
};

export const getObjectAclSpec: Spec<GetObjectAcl> = {
  name: 'GetObjectAcl',
  routes: [{ method: 'GET', target: 'object', query: ['acl'] }],
  actions: ['s3:GetObjectAcl', 's3:GetObjectVersionAcl'],
  parse: versionIdParam,
  checks: (op) => versionCheck(op, 's3:GetObjectAcl', 's3:GetObjectVersionAcl', 'no-tags'),
  handle: getObjectAcl,
};

export const putObjectAclSpec: Spec<PutObjectAcl> = {
  name: 'PutObjectAcl',
  writes: true,
  routes: [{ method: 'PUT', target: 'object', query: ['acl'] }],
  actions: ['s3:PutObjectAcl', 's3:PutObjectVersionAcl'],
  parse: versionIdParam,
  checks: (op) => versionCheck(op, 's3:PutObjectAcl', 's3:PutObjectVersionAcl', 'no-tags'),
  handle: putObjectAcl,
};

export const aclOperations = [
  getBucketAclSpec,
  putBucketAclSpec,
  getObjectAclSpec,
  putObjectAclSpec,
] as const;
