import { GLOBAL_REGION, type ScopeRule, type VerifiedRequest } from '../auth/index.js';
import type { Operation } from '../s3/index.js';

/** The Query APIs served on this endpoint, by the service their requests are signed for. */
const QUERY_API_SERVICES: readonly string[] = ['iam', 'sts'];

/**
 * S3 operations that accept a scope naming us-east-1 as well as the server's region: clients
 * discover a bucket's region with a us-east-1 GetBucketLocation (minio-js, mc), and MinIO skips
 * the region check for it and for ListBuckets.
 */
const REGION_DISCOVERY: ReadonlySet<string> = new Set(['ListBuckets', 'GetBucketLocation']);

/**
 * Whether a request goes to a Query API (IAM, STS) rather than to S3: every POST /, and a GET /
 * signed for iam or sts ("Query requests are HTTP or HTTPS requests that use the HTTP verb GET or
 * POST"). Everything else is an S3 operation.
 */
export function isQueryApi(op: Operation, verified: VerifiedRequest): boolean {
  if (op.name === 'PostService') return true;
  return op.name === 'ListBuckets' && QUERY_API_SERVICES.includes(verified.service ?? '');
}

/**
 * The scope a Query API request must carry, or undefined when it is signed for no Query API
 * (answered NotImplemented). IAM and STS are global: signed with us-east-1, or with the server's
 * region by SDKs configured for it.
 */
export function queryApiScopeRule(verified: VerifiedRequest, serverRegion: string): ScopeRule | undefined {
  const service = verified.service;
  if (service === undefined || !QUERY_API_SERVICES.includes(service)) return undefined;
  return { service, regions: [GLOBAL_REGION, serverRegion], api: 'query' };
}

/** The scope an S3 operation must carry: service s3, the server's region (see REGION_DISCOVERY). */
export function s3ScopeRule(op: Operation, serverRegion: string): ScopeRule {
  const regions = REGION_DISCOVERY.has(op.name) ? [serverRegion, GLOBAL_REGION] : [serverRegion];
  return { service: 's3', regions, api: 's3' };
}
