import { isTesseraError, TesseraError } from '../core/index.js';
import type { S3ActionName } from '../policy/index.js';
import type { Tag } from '../storage/index.js';
import { hasGrantHeaders } from './acl/grant-headers.js';
import type { S3Request } from './context.js';
import { parseCopySource } from './copy-source.js';
import { lockHeaderContext, setsLegalHold, setsRetention } from './object-lock/lock.js';
import type { OperationBase } from './operation.js';

/** An `s3:` action of the policy catalog, in its canonical spelling (checked by the compiler). */
export type S3Action = S3ActionName;

/** One authorization question: an action on a resource, with condition keys (the authorizer's shape). */
export interface AccessCheck {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** The check's context needs s3:ExistingObjectTag/<key> of the object at `resource`. */
  existingTagsOf?: { bucket: string; key: string; versionId?: string };
}

/** A question an S3 operation asks: its action is one of the catalog's `s3:` actions. */
export interface S3AccessCheck extends AccessCheck {
  action: S3Action;
}

/** What the access checks read from a request besides its operation (never the Authorization header). */
/** What access checks read besides the operation (its query values are parsed into it). */
export interface AccessInput {
  headers: Record<string, string | string[] | undefined>;
}

type Context = Record<string, string | string[]>;

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

function header(input: AccessInput, name: string): string | undefined {
  const v = input.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** S3 request headers that are condition keys of their own (s3:x-amz-acl, …) when present. */
const HEADER_KEYS = [
  'x-amz-acl',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-storage-class',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-full-control',
];

function headerContext(input: AccessInput, ctx: Context): void {
  for (const name of HEADER_KEYS) {
    const v = header(input, name);
    if (v !== undefined) ctx[`s3:${name}`] = v;
  }
}

/** s3:versionid, "the version ID of the object" the request names. */
function versionContext(versionId: string | undefined): Record<string, string> {
  return versionId === undefined ? {} : { 's3:versionid': versionId };
}

/** s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys from an x-amz-tagging header. */
function requestTagContext(tagging: string | undefined, ctx: Context): boolean {
  if (tagging === undefined || tagging === '') return false;
  const keys: string[] = [];
  for (const [k, v] of new URLSearchParams(tagging)) {
    ctx[`s3:RequestObjectTag/${k}`] = v;
    keys.push(k);
  }
  ctx['s3:RequestObjectTagKeys'] = keys;
  return true;
}

/** s3:ExistingObjectTag/<key> for every tag the object has. */
export function existingTagContext(tags: readonly Tag[], ctx: Context): void {
  for (const t of tags) ctx[`s3:ExistingObjectTag/${t.key}`] = t.value;
}

/** ListAllMyBuckets and other actions on no bucket. */
export function accountCheck(action: S3Action): S3AccessCheck[] {
  return [{ action, resource: 'arn:aws:s3:::*', context: {} }];
}

/** One action on the bucket, with the condition keys given. */
export function bucketCheck(action: S3Action, bucket: string, context: Context = {}): S3AccessCheck[] {
  return [{ action, resource: bucketArn(bucket), context }];
}

/** One action on the object. */
export function objectCheck(
  action: S3Action,
  op: { bucket: string; key: string },
  context: Context = {},
): S3AccessCheck[] {
  return [{ action, resource: objectArn(op.bucket, op.key), context }];
}

/**
 * s3:if-match and s3:if-none-match, the condition keys of a conditional write or delete (AWS's
 * "Enforce conditional writes on Amazon S3 buckets"), when the request has the headers.
 */
export function conditionalWriteContext(input: AccessInput): Context {
  const ctx: Context = {};
  const ifMatch = header(input, 'if-match');
  const ifNoneMatch = header(input, 'if-none-match');
  if (ifMatch !== undefined) ctx['s3:if-match'] = ifMatch;
  if (ifNoneMatch !== undefined) ctx['s3:if-none-match'] = ifNoneMatch;
  return ctx;
}

/**
 * A conditional write or delete with `If-Match: <etag>` reads the current object's ETag, so it
 * also needs s3:GetObject ("you must have s3:PutObject and s3:GetObject permissions"; deletes:
 * s3:DeleteObject and s3:GetObject). `If-Match: *` only asks whether the key exists.
 */
export function conditionalReadCheck(
  input: AccessInput,
  op: { bucket: string; key: string },
): S3AccessCheck[] {
  const ifMatch = header(input, 'if-match');
  if (ifMatch === undefined || ifMatch.trim() === '*') return [];
  return [{ action: 's3:GetObject', resource: objectArn(op.bucket, op.key), context: {} }];
}

/**
 * An action on an object version: the version action (s3:GetObjectVersion, …) with s3:versionid
 * when the request names a version, `null` included, as AWS authorizes it — "To return a
 * different version, you need the s3:GetObjectVersion permission". With `tags`, the check sees
 * the object's current tags (s3:ExistingObjectTag/<key>).
 */
export function versionCheck(
  op: { bucket: string; key: string; versionId?: string },
  action: S3Action,
  versionAction: S3Action,
  tags: 'existing-tags' | 'no-tags',
): S3AccessCheck[] {
  const check: S3AccessCheck = {
    action: op.versionId === undefined ? action : versionAction,
    resource: objectArn(op.bucket, op.key),
    context: versionContext(op.versionId),
  };
  if (tags === 'existing-tags') {
    check.existingTagsOf =
      op.versionId === undefined
        ? { bucket: op.bucket, key: op.key }
        : { bucket: op.bucket, key: op.key, versionId: op.versionId };
  }
  return [check];
}

/**
 * A write of an object: s3:PutObject with the request's header condition keys; a tag set
 * (x-amz-tagging) also needs s3:PutObjectTagging and supplies s3:RequestObjectTag/<key>.
 * ACL headers (x-amz-acl, x-amz-grant-*) also need s3:PutObjectAcl.
 * Object Lock headers supply s3:object-lock-* and also need s3:PutObjectRetention (mode and
 * retain-until date) and s3:PutObjectLegalHold (legal hold), as AWS requires.
 */
export function putChecks(
  input: AccessInput,
  op: { bucket: string; key: string },
  tagging: string | undefined = header(input, 'x-amz-tagging'),
  extra: Context = {},
): S3AccessCheck[] {
  const ctx: Context = { ...extra, ...conditionalWriteContext(input) };
  headerContext(input, ctx);
  Object.assign(ctx, lockHeaderContext(input.headers, Date.now()));
  const tagged = requestTagContext(tagging, ctx);
  const resource = objectArn(op.bucket, op.key);
  const checks: S3AccessCheck[] = [{ action: 's3:PutObject', resource, context: ctx }];
  if (tagged) checks.push({ action: 's3:PutObjectTagging', resource, context: ctx });
  // "To successfully change the objects ACL of your PutObject request, you must have the s3:PutObjectAcl."
  if (header(input, 'x-amz-acl') !== undefined || hasGrantHeaders(input.headers))
    checks.push({ action: 's3:PutObjectAcl', resource, context: ctx });
  if (setsRetention(input.headers)) checks.push({ action: 's3:PutObjectRetention', resource, context: ctx });
  if (setsLegalHold(input.headers)) checks.push({ action: 's3:PutObjectLegalHold', resource, context: ctx });
  return checks;
}

/**
 * A copy: s3:GetObject on the source (s3:GetObjectVersion when it names a version: "To copy a
 * specific version of an object, you need s3:GetObjectVersion"), then the target's put checks
 * with s3:x-amz-copy-source and s3:x-amz-metadata-directive. `replaceTags`: the target's tag
 * set is the request's (x-amz-tagging-directive: REPLACE), which also needs s3:PutObjectTagging.
 */
export function copyChecks(
  input: AccessInput,
  op: { bucket: string; key: string },
  replaceTags: boolean,
): S3AccessCheck[] {
  const source = parseCopySource(header(input, 'x-amz-copy-source') ?? '');
  const extra: Context = { 's3:x-amz-copy-source': `${source.bucket}/${source.key}` };
  const directive = header(input, 'x-amz-metadata-directive');
  if (directive !== undefined) extra['s3:x-amz-metadata-directive'] = directive;
  const target = putChecks(input, op, replaceTags ? header(input, 'x-amz-tagging') : undefined, extra);
  const read: S3AccessCheck = {
    action: source.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject',
    resource: objectArn(source.bucket, source.key),
    context: versionContext(source.versionId),
    existingTagsOf:
      source.versionId === undefined
        ? { bucket: source.bucket, key: source.key }
        : { bucket: source.bucket, key: source.key, versionId: source.versionId },
  };
  return [read, ...target];
}

/** True when x-amz-tagging-directive asks CopyObject to replace the tags. */
export function replacesTags(input: AccessInput): boolean {
  return header(input, 'x-amz-tagging-directive')?.toUpperCase() === 'REPLACE';
}

/**
 * "If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403
 * (access denied)" for a key that does not exist: GetObject and HeadObject do not reveal a
 * missing key to such callers. Rethrows `e`, as AccessDenied when it must be hidden.
 * @example handle(deps, req).catch((e) => hideMissingKey(e, req))
 */
export async function hideMissingKey(
  e: unknown,
  req: Pick<S3Request<OperationBase & { bucket?: string }>, 'op' | 'access'>,
): Promise<never> {
  const read =
    req.op.name === 'GetObject' || req.op.name === 'HeadObject' || req.op.name === 'GetObjectAttributes';
  if (read && isTesseraError(e, 'NoSuchKey') && req.access && req.op.bucket !== undefined) {
    if (!(await req.access.bucketAllowed('s3:ListBucket', req.op.bucket)))
      throw new TesseraError('AccessDenied');
  }
  throw e;
}
