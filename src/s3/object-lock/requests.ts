import { TesseraError } from '../../core/index.js';
import {
  type BucketRecord,
  isDeleteMarker,
  type ObjectLock,
  type WriteExpectation,
} from '../../storage/index.js';
import type { S3AccessCheck } from '../access.js';
import { objectArn } from '../access.js';
import type { S3Deps, S3Request } from '../context.js';
import type { OperationBase } from '../operation.js';
import { announcedDigests, carriesDigest } from '../payload-digests.js';
import type { VerifiedBody } from '../verified-body.js';
import { parseStoredRule } from './documents.js';
import {
  asksBypass,
  type DefaultRetention,
  lockContext,
  lockResponseHeaders,
  newVersionLock,
  parseLockHeaders,
  type RequestedLock,
  requestedLockState,
  retentionOf,
} from './lock.js';
import { removalGuard } from './removal.js';

/**
 * Object Lock where it meets requests and stores: the bucket's lock state and default retention,
 * the lock of a new version, the digest S3 requires, and the governance bypass of deletes.
 */

type Request = Pick<S3Request<OperationBase>, 'headers' | 'now' | 'access'>;

/**
 * The refusal of an Object Lock request on a bucket without Object Lock: 400 InvalidRequest. AWS
 * words it two ways — "Bucket is missing Object Lock Configuration" for the retention and legal
 * hold operations, "Bucket is missing ObjectLockConfiguration" for lock headers on PutObject,
 * CopyObject and CreateMultipartUpload.
 */
export function missingLockConfiguration(kind: 'version' | 'write'): TesseraError {
  return new TesseraError(
    'InvalidRequest',
    kind === 'version'
      ? 'Bucket is missing Object Lock Configuration'
      : 'Bucket is missing ObjectLockConfiguration',
  );
}

/** A bucket's default retention (PutObjectLockConfiguration's Rule), if it has Object Lock and one. */
export async function bucketDefaultRetention(
  deps: Pick<S3Deps, 'metadata'>,
  bucket: BucketRecord,
): Promise<DefaultRetention | undefined> {
  if (!bucket.objectLock) return undefined;
  return parseStoredRule(await deps.metadata.getBucketConfig(bucket.name, 'object-lock'));
}

/**
 * "Missing required header for this request: Content-MD5 OR x-amz-checksum-*": the body of
 * PutObjectLockConfiguration, PutObjectRetention and PutObjectLegalHold must carry one, as AWS
 * requires (400 InvalidRequest).
 */
export function requireBodyDigest(body: VerifiedBody): void {
  if (!body.digested) {
    throw new TesseraError(
      'InvalidRequest',
      'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    );
  }
}

/**
 * "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object
 * Lock parameters" (and "… for Put Part requests …"): a write that locks the version it makes must
 * let S3 verify its bytes. Checked on the headers, before the body is read.
 */
export function requireLockedWriteDigest(req: S3Request, what: 'Put Object' | 'Put Part'): void {
  if (!carriesDigest(announcedDigests(req))) {
    throw new TesseraError(
      'InvalidRequest',
      `Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters`,
    );
  }
}

/**
 * The x-amz-object-lock-* headers of a write, checked (InvalidArgument) and refused on a bucket
 * without Object Lock (InvalidRequest "Bucket is missing ObjectLockConfiguration").
 */
export function requestedLock(req: Request, bucket: BucketRecord): RequestedLock | undefined {
  const requested = parseLockHeaders(req.headers, req.now);
  if (requested !== undefined && !bucket.objectLock) throw missingLockConfiguration('write');
  return requested;
}

/**
 * The Object Lock state of the version a PutObject or CopyObject makes: the retention and legal
 * hold its headers ask for, else the bucket's default retention from now. With `digest`
 * (PutObject), a write that ends up locking its version must carry Content-MD5 or a checksum.
 */
export async function newObjectLock(
  deps: Pick<S3Deps, 'metadata'>,
  req: S3Request,
  bucket: BucketRecord,
  opts: { requireDigest: boolean },
): Promise<ObjectLock | undefined> {
  const requested = requestedLock(req, bucket);
  if (!bucket.objectLock) return undefined;
  const rule = requested?.retention === undefined ? await bucketDefaultRetention(deps, bucket) : undefined;
  const lock = newVersionLock(requested, rule, req.now);
  if (opts.requireDigest && (requested !== undefined || lock !== undefined))
    requireLockedWriteDigest(req, 'Put Object');
  return lock;
}

/** What CreateMultipartUpload keeps on the upload: the lock its headers asked for. */
export function uploadLock(req: Request, bucket: BucketRecord): ObjectLock | undefined {
  return requestedLockState(requestedLock(req, bucket));
}

/**
 * The lock of the version CompleteMultipartUpload makes: the upload's, with the bucket's default
 * retention (from the completion) when the upload asked for none.
 */
export async function completedUploadLock(
  deps: Pick<S3Deps, 'metadata'>,
  bucket: BucketRecord,
  upload: { lock?: ObjectLock },
  now: number,
): Promise<ObjectLock | undefined> {
  if (!bucket.objectLock) return upload.lock;
  const retention = retentionOf(upload.lock);
  if (retention !== undefined) return upload.lock;
  const rule = await bucketDefaultRetention(deps, bucket);
  return newVersionLock(upload.lock?.legalHold ? { legalHold: true } : undefined, rule, now);
}

/**
 * Whether a request may bypass GOVERNANCE retention on an object: it sent
 * x-amz-bypass-governance-retention: true and is allowed s3:BypassGovernanceRetention there
 * (root always is), asked with the Object Lock condition keys in `context`.
 */
export async function governanceBypass(
  req: Request,
  bucket: string,
  key: string,
  context: Record<string, string | string[]> = {},
): Promise<boolean> {
  if (!asksBypass(req.headers)) return false;
  if (req.access === undefined) return true;
  return req.access.allowedCheck({
    action: 's3:BypassGovernanceRetention',
    resource: objectArn(bucket, key),
    context,
  });
}

/**
 * The expectation a delete of a version for good hands to the store in a bucket with Object
 * Lock: the removal guard (legal hold, retention; GOVERNANCE yields to an allowed bypass), merged
 * with any compare-and-set condition (If-Match). Without Object Lock, the condition alone.
 * The bypass is asked with the condition keys of the version's lock as it is now.
 */
export async function deleteExpectation(
  deps: Pick<S3Deps, 'metadata'>,
  req: Request,
  bucket: BucketRecord,
  key: string,
  versionId: string | undefined,
  condition: WriteExpectation | undefined,
): Promise<WriteExpectation | undefined> {
  if (!bucket.objectLock) return condition;
  let context: Record<string, string | string[]> = {};
  if (asksBypass(req.headers) && req.access !== undefined) {
    const version = await deps.metadata.lookupObject(bucket.name, key, versionId);
    const lock = version === undefined || isDeleteMarker(version) ? undefined : version.lock;
    context = lockContext({ retention: retentionOf(lock), legalHold: lock?.legalHold }, req.now);
  }
  const bypass = await governanceBypass(req, bucket.name, key, context);
  return { ...condition, removable: removalGuard(req.now, bypass) };
}

/** The check of an Object Lock write whose condition keys come from its body (asked by the handler). */
export function lockCheck(
  action: S3AccessCheck['action'],
  op: { bucket: string; key: string; versionId?: string },
  context: Record<string, string | string[]>,
): S3AccessCheck {
  const ctx = { ...context };
  if (op.versionId !== undefined) ctx['s3:versionid'] = op.versionId;
  return { action, resource: objectArn(op.bucket, op.key), context: ctx };
}

/**
 * The x-amz-object-lock-* headers of a GET or HEAD of a version with `lock`, as AWS shows them:
 * its retention to callers allowed s3:GetObjectRetention on the object, its legal hold to callers
 * allowed s3:GetObjectLegalHold (root: both). The object itself is answered either way.
 */
export async function visibleLockHeaders(
  req: Pick<Request, 'access'>,
  bucket: string,
  key: string,
  lock: ObjectLock | undefined,
): Promise<Record<string, string>> {
  if (lock === undefined) return {};
  const may = (action: 's3:GetObjectRetention' | 's3:GetObjectLegalHold') =>
    req.access === undefined ? Promise.resolve(true) : req.access.objectAllowed(action, bucket, key);
  return lockResponseHeaders(lock, {
    retention: retentionOf(lock) !== undefined && (await may('s3:GetObjectRetention')),
    legalHold: lock.legalHold !== undefined && (await may('s3:GetObjectLegalHold')),
  });
}
