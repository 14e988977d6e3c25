import { TesseraError } from '../core/index.js';
import { assertBucketName, assertObjectKey } from './names.js';
import { type OperationName, type OperationSpec, operationSpecs } from './operations.js';
import { parseVersionId } from './version-id.js';

/** A request routed to a typed S3 operation: what it is, and on which bucket and key. */
export interface Operation {
  name: OperationName;
  /** The IAM action the operation needs (issue: authorization fills in conditions). */
  action: string;
  bucket?: string;
  key?: string;
  /** True when the bucket came from the Host header (virtual-host style). */
  virtualHost: boolean;
  /** The well-formed `versionId` the request names (`null` included), for operations that take one. */
  versionId?: string;
}

export interface RouteInput {
  method: string;
  /** Raw (percent-encoded) path without the query. */
  rawPath: string;
  query: URLSearchParams;
  host: string | undefined;
  /** True when the request carries x-amz-copy-source. */
  copySource: boolean;
}

/** Bucket sub-resources S3 has that Tessera does not serve yet: answered NotImplemented. */
const UNBUILT_BUCKET_SUBRESOURCES = [
  'acl',
  'lifecycle',
  'cors',
  'encryption',
  'object-lock',
  'notification',
  'replication',
  'website',
  'logging',
  'accelerate',
  'requestPayment',
  'analytics',
  'metrics',
  'inventory',
  'intelligent-tiering',
  'ownershipControls',
  'publicAccessBlock',
  'versions',
];
const UNBUILT_OBJECT_SUBRESOURCES = [
  'acl',
  'retention',
  'legal-hold',
  'torrent',
  'restore',
  'attributes',
  'select',
];

/** Splits a Host header value into a bucket name when it is `<bucket>.<domain>` for a configured domain. */
export function bucketFromHost(host: string | undefined, domains: readonly string[]): string | undefined {
  if (!host || domains.length === 0) return undefined;
  let name = host.toLowerCase();
  const colon = name.lastIndexOf(':');
  if (colon > 0 && !name.endsWith(']')) name = name.slice(0, colon);
  for (const domain of domains) {
    if (
      name.length > domain.length + 1 &&
      name.endsWith(domain) &&
      name[name.length - domain.length - 1] === '.'
    ) {
      return name.slice(0, name.length - domain.length - 1);
    }
  }
  return undefined;
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new TesseraError('InvalidURI');
  }
}

/**
 * Turns method + path + query (+ Host for virtual-host style) into a typed operation.
 * Path style: /bucket/key…; virtual-host style: Host bucket.domain, path /key….
 */
export function routeRequest(input: RouteInput, domains: readonly string[]): Operation {
  const hostBucket = bucketFromHost(input.host, domains);
  let bucket: string | undefined;
  let key: string | undefined;
  const path = input.rawPath.startsWith('/') ? input.rawPath.slice(1) : input.rawPath;
  if (hostBucket !== undefined) {
    bucket = hostBucket;
    key = path === '' ? undefined : decodePath(path);
  } else if (path !== '') {
    const slash = path.indexOf('/');
    bucket = decodePath(slash < 0 ? path : path.slice(0, slash));
    const rest = slash < 0 ? '' : path.slice(slash + 1);
    key = rest === '' ? undefined : decodePath(rest);
  }
  const name = pickOperation(input, bucket, key);
  const spec: OperationSpec = operationSpecs[name];
  const op: Operation = { name, action: spec.action, virtualHost: hostBucket !== undefined };
  if (bucket !== undefined) {
    assertBucketName(bucket);
    op.bucket = bucket;
  }
  if (key !== undefined) {
    assertObjectKey(key);
    op.key = key;
  }
  const versionId = input.query.get('versionId');
  if (spec.versionAction !== undefined && versionId !== null) {
    // A request that names a version — even `null` — is authorized as the version action.
    op.versionId = parseVersionId(versionId);
    op.action = spec.versionAction;
  }
  return op;
}

function pickOperation(
  input: RouteInput,
  bucket: string | undefined,
  key: string | undefined,
): OperationName {
  const q = input.query;
  const m = input.method;
  if (bucket === undefined) {
    if (m === 'GET') return 'ListBuckets';
    if (m === 'POST') return 'PostService';
    throw new TesseraError('MethodNotAllowed');
  }
  if (key === undefined) return pickBucketOperation(m, q);
  return pickObjectOperation(m, q, input.copySource);
}

function pickBucketOperation(m: string, q: URLSearchParams): OperationName {
  for (const sub of UNBUILT_BUCKET_SUBRESOURCES) {
    if (q.has(sub)) return 'NotImplemented';
  }
  switch (m) {
    case 'GET':
      if (q.has('policy')) return 'GetBucketPolicy';
      if (q.has('policyStatus')) return 'GetBucketPolicyStatus';
      if (q.has('location')) return 'GetBucketLocation';
      if (q.has('tagging')) return 'GetBucketTagging';
      if (q.has('uploads')) return 'ListMultipartUploads';
      if (q.has('versioning')) return 'GetBucketVersioning';
      if (q.get('list-type') === '2') return 'ListObjectsV2';
      return 'ListObjects';
    case 'HEAD':
      return 'HeadBucket';
    case 'PUT':
      if (q.has('policy')) return 'PutBucketPolicy';
      if (q.has('tagging')) return 'PutBucketTagging';
      if (q.has('versioning')) return 'NotImplemented';
      return 'CreateBucket';
    case 'DELETE':
      if (q.has('policy')) return 'DeleteBucketPolicy';
      if (q.has('tagging')) return 'DeleteBucketTagging';
      return 'DeleteBucket';
    case 'POST':
      if (q.has('delete')) return 'DeleteObjects';
      return 'NotImplemented';
    default:
      throw new TesseraError('MethodNotAllowed');
  }
}

function pickObjectOperation(m: string, q: URLSearchParams, copySource: boolean): OperationName {
  for (const sub of UNBUILT_OBJECT_SUBRESOURCES) {
    if (q.has(sub)) return 'NotImplemented';
  }
  switch (m) {
    case 'GET':
      if (q.has('uploadId')) return 'ListParts';
      if (q.has('tagging')) return 'GetObjectTagging';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('tagging')) return 'PutObjectTagging';
      if (q.has('uploadId') || q.has('partNumber')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'DELETE':
      if (q.has('tagging')) return 'DeleteObjectTagging';
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      return 'DeleteObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      return 'NotImplemented';
    default:
      throw new TesseraError('MethodNotAllowed');
  }
}
