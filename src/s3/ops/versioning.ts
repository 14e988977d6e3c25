import { TesseraError } from '../../core/index.js';
import { bucketCheck } from '../access.js';
import { listObjectVersions } from '../handlers/list-versions.js';
import { getBucketVersioning, putBucketVersioning } from '../handlers/versioning.js';
import type { BucketOperation, Spec } from '../operation.js';
import { optional, parseCount, parseEncodingType, text } from '../query-params.js';
import { parseVersionId } from '../version-id.js';
import type { ListParameters } from './listing.js';

/** GET /bucket?versioning */
export interface GetBucketVersioning extends BucketOperation<'GetBucketVersioning'> {}
/** PUT /bucket?versioning */
export interface PutBucketVersioning extends BucketOperation<'PutBucketVersioning'> {}

/** GET /bucket?versions */
export interface ListObjectVersions extends BucketOperation<'ListObjectVersions'>, ListParameters {
  readonly keyMarker?: string;
  /** Only with keyMarker (InvalidArgument otherwise), as S3. */
  readonly versionIdMarker?: string;
}

export const getBucketVersioningSpec: Spec<GetBucketVersioning> = {
  name: 'GetBucketVersioning',
  routes: [{ method: 'GET', target: 'bucket', query: ['versioning'] }],
  actions: ['s3:GetBucketVersioning'],
  checks: (op) => bucketCheck('s3:GetBucketVersioning', op.bucket),
  handle: getBucketVersioning,
};

export const putBucketVersioningSpec: Spec<PutBucketVersioning> = {
  name: 'PutBucketVersioning',
  routes: [{ method: 'PUT', target: 'bucket', query: ['versioning'] }],
  actions: ['s3:PutBucketVersioning'],
  checks: (op) => bucketCheck('s3:PutBucketVersioning', op.bucket),
  handle: putBucketVersioning,
};

function parseListVersions(q: URLSearchParams): Omit<ListObjectVersions, 'name' | 'virtualHost' | 'bucket'> {
  const params = {
    ...optional(q, 'encoding-type', 'encodingType', parseEncodingType),
    ...optional(q, 'max-keys', 'maxKeys', parseCount('max-keys')),
    ...optional(q, 'prefix', 'prefix', text),
    ...optional(q, 'delimiter', 'delimiter', text),
    ...optional(q, 'key-marker', 'keyMarker', text),
  };
  const marker = q.get('version-id-marker');
  // An empty marker is no marker (clients echo an absent NextVersionIdMarker as '').
  if (marker === null || marker === '') return params;
  if (params.keyMarker === undefined || params.keyMarker === '') {
    throw new TesseraError(
      'InvalidArgument',
      'A version-id marker cannot be specified without a key marker.',
      {
        ArgumentName: 'version-id-marker',
        ArgumentValue: marker,
      },
    );
  }
  return { ...params, versionIdMarker: parseVersionId(marker, 'version-id-marker') };
}

/** s3:ListBucketVersions, with s3:prefix, s3:delimiter and s3:max-keys when the request names them. */
export const listObjectVersionsSpec: Spec<ListObjectVersions> = {
  name: 'ListObjectVersions',
  routes: [{ method: 'GET', target: 'bucket', query: ['versions'] }],
  actions: ['s3:ListBucketVersions'],
  parse: parseListVersions,
  checks: (op) => {
    const ctx: Record<string, string> = {};
    if (op.prefix !== undefined) ctx['s3:prefix'] = op.prefix;
    if (op.delimiter !== undefined) ctx['s3:delimiter'] = op.delimiter;
    if (op.maxKeys !== undefined) ctx['s3:max-keys'] = String(op.maxKeys);
    return bucketCheck('s3:ListBucketVersions', op.bucket, ctx);
  },
  handle: listObjectVersions,
};

export const versioningOperations = [
  getBucketVersioningSpec,
  putBucketVersioningSpec,
  listObjectVersionsSpec,
] as const;
