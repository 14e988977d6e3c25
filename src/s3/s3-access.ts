import type { Principal } from '../core/index.js';
import type { Authorizer } from '../iam/index.js';
import { bucketArn, objectArn } from './access.js';
import type { S3Access } from './context.js';

/**
 * The per-key and per-bucket questions a handler asks after its operation was allowed
 * (DeleteObjects asks s3:DeleteObject per key, ListBuckets lists the buckets the caller may use),
 * answered by the same authorizer with the request's condition context `base`.
 */
export function createS3Access(
  authorizer: Authorizer,
  principal: Principal,
  base: Readonly<Record<string, string | string[]>>,
): S3Access {
  const allowed = (action: string, resource: string) =>
    authorizer.allowed(principal, { action, resource }, base);
  return {
    objectAllowed: (action, bucket, key) => allowed(action, objectArn(bucket, key)),
    bucketAllowed: (action, bucket) => allowed(action, bucketArn(bucket)),
    bucketVisible: async (bucket) => {
      // "Listing only buckets the principal may access in some way" (as MinIO does).
      for (const action of ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads']) {
        if (await allowed(action, bucketArn(bucket))) return true;
      }
      for (const action of ['s3:GetObject', 's3:PutObject']) {
        if (await allowed(action, `${bucketArn(bucket)}/*`)) return true;
      }
      return false;
    },
    allowedCheck: (check) => authorizer.allowed(principal, check, base),
    requireChecks: async (checks) => {
      await authorizer.requireAll(principal, checks, base);
    },
  };
}
