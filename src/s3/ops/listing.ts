import { bucketCheck } from '../access.js';
import { listObjectsV1, listObjectsV2 } from '../handlers/list-objects.js';
import type { BucketOperation, Spec } from '../operation.js';
import {
  type ContinuationToken,
  optional,
  parseContinuationToken,
  parseCount,
  parseEncodingType,
  text,
} from '../query-params.js';

/** What both ListObjects versions take. */
export interface ListParameters {
  readonly prefix?: string;
  readonly delimiter?: string;
  /** As requested (digits); the listing returns at most 1,000 (listLimit). */
  readonly maxKeys?: number;
  /** `url` in the letter case the request gave. */
  readonly encodingType?: string;
}

/** GET /bucket */
export interface ListObjects extends BucketOperation<'ListObjects'>, ListParameters {
  readonly marker?: string;
}

/** GET /bucket?list-type=2 */
export interface ListObjectsV2 extends BucketOperation<'ListObjectsV2'>, ListParameters {
  readonly continuationToken?: ContinuationToken;
  readonly startAfter?: string;
  readonly fetchOwner: boolean;
}

function listParameters(q: URLSearchParams): ListParameters {
  return {
    ...optional(q, 'encoding-type', 'encodingType', parseEncodingType),
    ...optional(q, 'max-keys', 'maxKeys', parseCount('max-keys')),
    ...optional(q, 'prefix', 'prefix', text),
    ...optional(q, 'delimiter', 'delimiter', text),
  };
}

/** s3:ListBucket with s3:prefix, s3:delimiter and s3:max-keys, each when the request names it. */
function listChecks(op: ListObjects | ListObjectsV2) {
  const ctx: Record<string, string> = {};
  if (op.prefix !== undefined) ctx['s3:prefix'] = op.prefix;
  if (op.delimiter !== undefined) ctx['s3:delimiter'] = op.delimiter;
  if (op.maxKeys !== undefined) ctx['s3:max-keys'] = String(op.maxKeys);
  return bucketCheck('s3:ListBucket', op.bucket, ctx);
}

export const listObjectsSpec: Spec<ListObjects> = {
  name: 'ListObjects',
  routes: [{ method: 'GET', target: 'bucket' }],
  actions: ['s3:ListBucket'],
  parse: (q) => ({ ...listParameters(q), ...optional(q, 'marker', 'marker', text) }),
  checks: listChecks,
  handle: listObjectsV1,
};

export const listObjectsV2Spec: Spec<ListObjectsV2> = {
  name: 'ListObjectsV2',
  routes: [{ method: 'GET', target: 'bucket', query: ['list-type=2'] }],
  actions: ['s3:ListBucket'],
  parse: (q) => ({
    ...listParameters(q),
    ...optional(q, 'continuation-token', 'continuationToken', parseContinuationToken),
    ...optional(q, 'start-after', 'startAfter', text),
    fetchOwner: q.get('fetch-owner') === 'true',
  }),
  checks: listChecks,
  handle: listObjectsV2,
};

export const listingOperations = [listObjectsSpec, listObjectsV2Spec] as const;
