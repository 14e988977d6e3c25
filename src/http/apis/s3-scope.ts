import { GLOBAL_REGION, type ScopeRule } from '../../auth/index.js';
import type { Operation } from '../../s3/index.js';

/**
 * S3 operations that accept a scope naming us-east-1 as well as the server's region: clients
 * discover a bucket's region with a us-east-1 GetBucketLocation (minio-js, mc), and MinIO skips
 * the region check for it and for ListBuckets.
 */
const REGION_DISCOVERY: ReadonlySet<string> = new Set(['ListBuckets', 'GetBucketLocation']);

/** The scope an S3 operation must carry: service s3, the server's region (see REGION_DISCOVERY). */
export function s3ScopeRule(op: Operation, serverRegion: string): ScopeRule {
  const regions = REGION_DISCOVERY.has(op.name) ? [serverRegion, GLOBAL_REGION] : [serverRegion];
  return { service: 's3', regions, api: 's3' };
}
