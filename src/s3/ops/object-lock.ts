import { bucketCheck, objectCheck } from '../access.js';
import {
  getObjectLegalHold,
  getObjectLockConfiguration,
  getObjectRetention,
  putObjectLegalHold,
  putObjectLockConfiguration,
  putObjectRetention,
} from '../handlers/object-lock.js';
import type { BucketOperation, ObjectOperation, Spec } from '../operation.js';
import { optional } from '../query-params.js';
import { parseVersionId } from '../version-id.js';

/** A versionId, when the request names one (`null` included). */
interface Versioned {
  readonly versionId?: string;
}

function versionIdParam(q: URLSearchParams): Versioned {
  return optional(q, 'versionId', 'versionId', parseVersionId);
}

function versionContext(op: Versioned): Record<string, string> {
  return op.versionId === undefined ? {} : { 's3:versionid': op.versionId };
}

/** GET /bucket?object-lock */
export interface GetObjectLockConfiguration extends BucketOperation<'GetObjectLockConfiguration'> {}
/** PUT /bucket?object-lock */
export interface PutObjectLockConfiguration extends BucketOperation<'PutObjectLockConfiguration'> {}
/** GET /bucket/key?retention[&versionId=…] */
export interface GetObjectRetention extends ObjectOperation<'GetObjectRetention'>, Versioned {}
/**
 * PUT /bucket/key?retention[&versionId=…] — s3:PutObjectRetention is asked by the handler once
 * the body is read, with the condition keys of the retention it asks for.
 */
export interface PutObjectRetention extends ObjectOperation<'PutObjectRetention'>, Versioned {}
/** GET /bucket/key?legal-hold[&versionId=…] */
export interface GetObjectLegalHold extends ObjectOperation<'GetObjectLegalHold'>, Versioned {}
/** PUT /bucket/key?legal-hold[&versionId=…] — s3:PutObjectLegalHold is asked by the handler (its body has s3:object-lock-legal-hold). */
export interface PutObjectLegalHold extends ObjectOperation<'PutObjectLegalHold'>, Versioned {}

export const getObjectLockConfigurationSpec: Spec<GetObjectLockConfiguration> = {
  name: 'GetObjectLockConfiguration',
  routes: [{ method: 'GET', target: 'bucket', query: ['object-lock'] }],
  actions: ['s3:GetBucketObjectLockConfiguration'],
  checks: (op) => bucketCheck('s3:GetBucketObjectLockConfiguration', op.bucket),
  handle: getObjectLockConfiguration,
};

export const putObjectLockConfigurationSpec: Spec<PutObjectLockConfiguration> = {
  name: 'PutObjectLockConfiguration',
  routes: [{ method: 'PUT', target: 'bucket', query: ['object-lock'] }],
  actions: ['s3:PutBucketObjectLockConfiguration'],
  checks: (op) => bucketCheck('s3:PutBucketObjectLockConfiguration', op.bucket),
  handle: putObjectLockConfiguration,
};

export const getObjectRetentionSpec: Spec<GetObjectRetention> = {
  name: 'GetObjectRetention',
  routes: [{ method: 'GET', target: 'object', query: ['retention'] }],
  actions: ['s3:GetObjectRetention'],
  parse: versionIdParam,
  checks: (op) => objectCheck('s3:GetObjectRetention', op, versionContext(op)),
  handle: getObjectRetention,
};

export const putObjectRetentionSpec: Spec<PutObjectRetention> = {
  name: 'PutObjectRetention',
  routes: [{ method: 'PUT', target: 'object', query: ['retention'] }],
  // The handler asks both, with the condition keys of the retention in the body.
  actions: ['s3:PutObjectRetention', 's3:BypassGovernanceRetention'],
  parse: versionIdParam,
  checks: () => [],
  handle: putObjectRetention,
};

export const getObjectLegalHoldSpec: Spec<GetObjectLegalHold> = {
  name: 'GetObjectLegalHold',
  routes: [{ method: 'GET', target: 'object', query: ['legal-hold'] }],
  actions: ['s3:GetObjectLegalHold'],
  parse: versionIdParam,
  checks: (op) => objectCheck('s3:GetObjectLegalHold', op, versionContext(op)),
  handle: getObjectLegalHold,
};

export const putObjectLegalHoldSpec: Spec<PutObjectLegalHold> = {
  name: 'PutObjectLegalHold',
  routes: [{ method: 'PUT', target: 'object', query: ['legal-hold'] }],
  actions: ['s3:PutObjectLegalHold'],
  parse: versionIdParam,
  checks: () => [],
  handle: putObjectLegalHold,
};

export const objectLockOperations = [
  getObjectLockConfigurationSpec,
  putObjectLockConfigurationSpec,
  getObjectRetentionSpec,
  putObjectRetentionSpec,
  getObjectLegalHoldSpec,
  putObjectLegalHoldSpec,
] as const;
