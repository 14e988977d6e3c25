import {
  conditionalReadCheck,
  conditionalWriteContext,
  copyChecks,
  hideMissingKey,
  putChecks,
  replacesTags,
  versionCheck,
} from '../access.js';
import { getObjectAttributes } from '../handlers/object-attributes.js';
import { copyObject } from '../handlers/object-copy.js';
import { deleteObject, deleteObjects } from '../handlers/object-delete.js';
import { getObject, headObject } from '../handlers/object-read.js';
import { putObject } from '../handlers/object-write.js';
import { parseResponseOverrides, type ResponseOverrides } from '../object-headers.js';
import type { BucketOperation, ObjectOperation, Spec } from '../operation.js';
import { optional, parsePartNumber } from '../query-params.js';
import { parseVersionId } from '../version-id.js';

/** A versionId, when the request names one (`null` included): checked, never looked up here. */
export interface Versioned {
  readonly versionId?: string;
}

/** What GetObject and HeadObject take besides the key. */
export interface ReadParameters extends Versioned {
  readonly partNumber?: number;
  /** response-content-type and the like (checked when applied: refused to anonymous callers). */
  readonly responseOverrides?: ResponseOverrides;
}

/** GET /bucket/key[?versionId=…][&partNumber=…][&response-…=…] */
export interface GetObject extends ObjectOperation<'GetObject'>, ReadParameters {}
/** HEAD /bucket/key[?versionId=…][&partNumber=…][&response-…=…] */
export interface HeadObject extends ObjectOperation<'HeadObject'>, ReadParameters {}
/** PUT /bucket/key */
export interface PutObject extends ObjectOperation<'PutObject'> {}
/** PUT /bucket/key with x-amz-copy-source */
export interface CopyObject extends ObjectOperation<'CopyObject'> {}
/** DELETE /bucket/key[?versionId=…] */
export interface DeleteObject extends ObjectOperation<'DeleteObject'>, Versioned {}
/**
 * GET /bucket/key?attributes[&versionId=…] — the attributes, x-amz-max-parts and
 * x-amz-part-number-marker are headers, read by the handler.
 */
export interface GetObjectAttributes extends ObjectOperation<'GetObjectAttributes'>, Versioned {}
/** POST /bucket?delete — each key is authorized by the handler (s3:DeleteObject[Version]). */
export interface DeleteObjects extends BucketOperation<'DeleteObjects'> {}

/** The versionId query parameter of the operations that take one. */
export function versionIdParam(q: URLSearchParams): Versioned {
  return optional(q, 'versionId', 'versionId', parseVersionId);
}

function readParams(q: URLSearchParams): ReadParameters {
  return {
    ...versionIdParam(q),
    ...optional(q, 'partNumber', 'partNumber', parsePartNumber),
    ...parseResponseOverrides(q),
  };
}

export const getObjectSpec: Spec<GetObject> = {
  name: 'GetObject',
  routes: [{ method: 'GET', target: 'object' }],
  actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
  parse: readParams,
  checks: (op) => versionCheck(op, 's3:GetObject', 's3:GetObjectVersion', 'existing-tags'),
  handle: (deps, req) => getObject(deps, req).catch((e: unknown) => hideMissingKey(e, req)),
};

export const headObjectSpec: Spec<HeadObject> = {
  name: 'HeadObject',
  routes: [{ method: 'HEAD', target: 'object' }],
  // HeadObject is authorized as GetObject, as in AWS.
  actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
  parse: readParams,
  checks: (op) => versionCheck(op, 's3:GetObject', 's3:GetObjectVersion', 'existing-tags'),
  handle: (deps, req) => headObject(deps, req).catch((e: unknown) => hideMissingKey(e, req)),
};

export const getObjectAttributesSpec: Spec<GetObjectAttributes> = {
  name: 'GetObjectAttributes',
  routes: [{ method: 'GET', target: 'object', query: ['attributes'] }],
  actions: ['s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'],
  parse: versionIdParam,
  checks: (op) =>
    versionCheck(op, 's3:GetObjectAttributes', 's3:GetObjectVersionAttributes', 'existing-tags'),
  handle: (deps, req) => getObjectAttributes(deps, req).catch((e: unknown) => hideMissingKey(e, req)),
};

export const putObjectSpec: Spec<PutObject> = {
  name: 'PutObject',
  writes: true,
  routes: [{ method: 'PUT', target: 'object', copySource: false }],
  // If-Match (an ETag) reads the current object: "you must have s3:PutObject and s3:GetObject".
  actions: [
    's3:PutObject',
    's3:PutObjectTagging',
    's3:GetObject',
    's3:PutObjectRetention',
    's3:PutObjectLegalHold',
    's3:PutObjectAcl',
  ],
  checks: (op, input) => [...putChecks(input, op), ...conditionalReadCheck(input, op)],
  handle: putObject,
};

export const copyObjectSpec: Spec<CopyObject> = {
  name: 'CopyObject',
  writes: true,
  routes: [{ method: 'PUT', target: 'object', copySource: true }],
  actions: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:PutObjectTagging',
    's3:PutObjectRetention',
    's3:PutObjectLegalHold',
    's3:PutObjectAcl',
  ],
  checks: (op, input) => copyChecks(input, op, replacesTags(input)),
  handle: copyObject,
};

export const deleteObjectSpec: Spec<DeleteObject> = {
  name: 'DeleteObject',
  routes: [{ method: 'DELETE', target: 'object' }],
  // If-Match with an ETag also needs s3:GetObject, as in AWS.
  actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:BypassGovernanceRetention'],
  parse: versionIdParam,
  checks: (op, input) => [
    ...versionCheck(op, 's3:DeleteObject', 's3:DeleteObjectVersion', 'no-tags').map((c) => ({
      ...c,
      context: { ...c.context, ...conditionalWriteContext(input) },
    })),
    ...conditionalReadCheck(input, op),
  ],
  handle: deleteObject,
};

export const deleteObjectsSpec: Spec<DeleteObjects> = {
  name: 'DeleteObjects',
  routes: [{ method: 'POST', target: 'bucket', query: ['delete'] }],
  actions: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
  checks: () => [],
  handle: deleteObjects,
};

export const objectOperations = [
  getObjectSpec,
  headObjectSpec,
  getObjectAttributesSpec,
  putObjectSpec,
  copyObjectSpec,
  deleteObjectSpec,
  deleteObjectsSpec,
] as const;
