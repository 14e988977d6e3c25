import {
  bucketCheck,
  conditionalReadCheck,
  conditionalWriteContext,
  copyChecks,
  objectCheck,
  putChecks,
} from '../access.js';
import {
  abortMultipartUpload,
  createMultipartUpload,
  uploadPart,
  uploadPartCopy,
} from '../handlers/multipart.js';
import { completeMultipartUpload } from '../handlers/multipart-complete.js';
import { listMultipartUploads, listParts } from '../handlers/multipart-list.js';
import type { BucketOperation, ObjectOperation, Spec } from '../operation.js';
import {
  optional,
  parseCount,
  parseEncodingType,
  parsePartNumber,
  parsePartNumberMarker,
  text,
} from '../query-params.js';

/** The upload a request names (`''` when it names none: no such upload). */
export interface OfUpload {
  readonly uploadId: string;
}

/** POST /bucket/key?uploads */
export interface CreateMultipartUpload extends ObjectOperation<'CreateMultipartUpload'> {}
/** PUT /bucket/key?partNumber=…&uploadId=… */
export interface UploadPart extends ObjectOperation<'UploadPart'>, OfUpload {
  readonly partNumber: number;
}
/** PUT /bucket/key?partNumber=…&uploadId=… with x-amz-copy-source */
export interface UploadPartCopy extends ObjectOperation<'UploadPartCopy'>, OfUpload {
  readonly partNumber: number;
}
/** POST /bucket/key?uploadId=… */
export interface CompleteMultipartUpload extends ObjectOperation<'CompleteMultipartUpload'>, OfUpload {}
/** DELETE /bucket/key?uploadId=… */
export interface AbortMultipartUpload extends ObjectOperation<'AbortMultipartUpload'>, OfUpload {}
/** GET /bucket/key?uploadId=… */
export interface ListParts extends ObjectOperation<'ListParts'>, OfUpload {
  readonly maxParts?: number;
  readonly partNumberMarker?: number;
}
/** GET /bucket?uploads */
export interface ListMultipartUploads extends BucketOperation<'ListMultipartUploads'> {
  readonly encodingType?: string;
  readonly maxUploads?: number;
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly keyMarker?: string;
  readonly uploadIdMarker?: string;
}

function uploadIdParam(q: URLSearchParams): OfUpload {
  return { uploadId: q.get('uploadId') ?? '' };
}

function partParams(q: URLSearchParams): OfUpload & { partNumber: number } {
  return { partNumber: parsePartNumber(q.get('partNumber') ?? ''), ...uploadIdParam(q) };
}

export const createMultipartUploadSpec: Spec<CreateMultipartUpload> = {
  name: 'CreateMultipartUpload',
  writes: true,
  routes: [{ method: 'POST', target: 'object', query: ['uploads'] }],
  actions: [
    's3:PutObject',
    's3:PutObjectTagging',
    's3:PutObjectRetention',
    's3:PutObjectLegalHold',
    's3:PutObjectAcl',
  ],
  checks: (op, input) => putChecks(input, op),
  handle: createMultipartUpload,
};

export const uploadPartSpec: Spec<UploadPart> = {
  name: 'UploadPart',
  writes: true,
  routes: [{ method: 'PUT', target: 'object', query: ['uploadId', 'partNumber'], copySource: false }],
  actions: ['s3:PutObject'],
  parse: partParams,
  checks: (op) => objectCheck('s3:PutObject', op),
  handle: uploadPart,
};

export const uploadPartCopySpec: Spec<UploadPartCopy> = {
  name: 'UploadPartCopy',
  writes: true,
  routes: [{ method: 'PUT', target: 'object', query: ['uploadId', 'partNumber'], copySource: true }],
  actions: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObject',
    's3:PutObjectTagging',
    's3:PutObjectRetention',
    's3:PutObjectLegalHold',
    's3:PutObjectAcl',
  ],
  parse: partParams,
  checks: (op, input) => copyChecks(input, op, false),
  handle: uploadPartCopy,
};

export const completeMultipartUploadSpec: Spec<CompleteMultipartUpload> = {
  name: 'CompleteMultipartUpload',
  writes: true,
  routes: [{ method: 'POST', target: 'object', query: ['uploadId'] }],
  actions: ['s3:PutObject', 's3:GetObject'],
  parse: uploadIdParam,
  checks: (op, input) => [
    ...objectCheck('s3:PutObject', op, conditionalWriteContext(input)),
    ...conditionalReadCheck(input, op),
  ],
  handle: completeMultipartUpload,
};

export const abortMultipartUploadSpec: Spec<AbortMultipartUpload> = {
  name: 'AbortMultipartUpload',
  routes: [{ method: 'DELETE', target: 'object', query: ['uploadId'] }],
  actions: ['s3:AbortMultipartUpload'],
  parse: uploadIdParam,
  checks: (op) => objectCheck('s3:AbortMultipartUpload', op),
  handle: abortMultipartUpload,
};

export const listPartsSpec: Spec<ListParts> = {
  name: 'ListParts',
  routes: [{ method: 'GET', target: 'object', query: ['uploadId'] }],
  actions: ['s3:ListMultipartUploadParts'],
  parse: (q) => ({
    ...uploadIdParam(q),
    ...optional(q, 'max-parts', 'maxParts', parseCount('max-parts')),
    ...optional(q, 'part-number-marker', 'partNumberMarker', parsePartNumberMarker),
  }),
  checks: (op) => objectCheck('s3:ListMultipartUploadParts', op),
  handle: listParts,
};

export const listMultipartUploadsSpec: Spec<ListMultipartUploads> = {
  name: 'ListMultipartUploads',
  routes: [{ method: 'GET', target: 'bucket', query: ['uploads'] }],
  actions: ['s3:ListBucketMultipartUploads'],
  parse: (q) => ({
    ...optional(q, 'encoding-type', 'encodingType', parseEncodingType),
    ...optional(q, 'max-uploads', 'maxUploads', parseCount('max-uploads')),
    ...optional(q, 'prefix', 'prefix', text),
    ...optional(q, 'delimiter', 'delimiter', text),
    ...optional(q, 'key-marker', 'keyMarker', text),
    ...optional(q, 'upload-id-marker', 'uploadIdMarker', text),
  }),
  checks: (op) => bucketCheck('s3:ListBucketMultipartUploads', op.bucket),
  handle: listMultipartUploads,
};

export const multipartOperations = [
  createMultipartUploadSpec,
  uploadPartSpec,
  uploadPartCopySpec,
  completeMultipartUploadSpec,
  abortMultipartUploadSpec,
  listPartsSpec,
  listMultipartUploadsSpec,
] as const;
