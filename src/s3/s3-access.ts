import { isTesseraError, type Principal } from '../core/index.js';
import { type AccessCheck, AccessDeniedError, type Authorizer } from '../iam/index.js';
import { bucketArn, objectArn } from './access.js';
import { authorizeWithAcls } from './acl/authorize.js';
import type { S3Access, S3Deps } from './context.js';

/**
 * The per-key and per-bucket questions a handler asks after its operation was allowed
 * (DeleteObjects asks s3:DeleteObject per key, ListBuckets lists the buckets the caller may use),
 * answered by the same authorizer with the request's condition context `base`. With `deps`, a
 * check no policy allowed is allowed by an ACL grant as the operation's own checks are
 * (acl/authorize.ts): a bucket READ grant lets DeleteObjects' per-key and a missing key's
 * s3:ListBucket question through, as in S3. Which buckets ListBuckets shows stays policies' alone.
 */
export function createS3Access(
  authorizer: Authorizer,
  principal: Principal,
  base: Readonly<Record<string, string | string[]>>,
  deps?: S3Deps,
): S3Access {
  const byPolicy = (check: AccessCheck) => authorizer.allowed(principal, check, base);
  const byPolicyOrAcl = async (check: AccessCheck) => {
    if (deps === undefined) return byPolicy(check);
    try {
      await authorizeWithAcls(deps, authorizer, principal, [check], base);
      return true;
    } catch (e) {
      // NoSuchKey: a missing key a READ grant lets the caller learn of; no grant to act on it.
      if (e instanceof AccessDeniedError || isTesseraError(e, 'NoSuchKey')) return false;
      throw e;
    }
  };
  const allowed = (action: string, resource: string) => byPolicyOrAcl({ action, resource });
  const visible = (action: string, resource: string) => byPolicy({ action, resource });
  return {
    objectAllowed: (action, bucket, key) => allowed(action, objectArn(bucket, key)),
    bucketAllowed: (action, bucket) => allowed(action, bucketArn(bucket)),
    bucketVisible: async (bucket) => {
      // "Listing only buckets the principal may access in some way" (as MinIO does).
      for (const action of ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads']) {
        if (await visible(action, bucketArn(bucket))) return true;
      }
      for (const action of ['s3:GetObject', 's3:PutObject']) {
        if (await visible(action, `${bucketArn(bucket)}/*`)) return true;
      }
      return false;
    },
    allowedCheck: byPolicyOrAcl,
    requireChecks: async (checks) => {
      if (deps === undefined) await authorizer.requireAll(principal, checks, base);
      else await authorizeWithAcls(deps, authorizer, principal, [...checks], base);
    },
  };
}
