import type { Tag } from '../storage/index.js';
import { parseCopySource } from './copy-source.js';
import type { Operation } from './router.js';

/** One authorization question an operation asks: an action on a resource, with S3 condition keys. */
export interface AccessCheck {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  /** The check's context needs s3:ExistingObjectTag/<key> of the object at `resource`. */
  existingTagsOf?: { bucket: string; key: string };
}

/** What the access mapping reads from a request (never the Authorization header). */
export interface AccessInput {
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
}

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
  'x-amz-storage-class',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-full-control',
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
];

function headerContext(input: AccessInput, ctx: Record<string, string | string[]>): void {
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
function requestTagContext(tagging: string | undefined, ctx: Record<string, string | string[]>): boolean {
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
export function existingTagContext(tags: readonly Tag[], ctx: Record<string, string | string[]>): void {
  for (const t of tags) ctx[`s3:ExistingObjectTag/${t.key}`] = t.value;
}

function listContext(input: AccessInput): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {};
  for (const [param, key] of [
    ['prefix', 's3:prefix'],
    ['delimiter', 's3:delimiter'],
    ['max-keys', 's3:max-keys'],
  ] as const) {
    const v = input.query.get(param);
    if (v !== null) ctx[key] = v;
  }
  return ctx;
}

/**
 * The authorization checks of an operation, as AWS defines them: HeadObject needs s3:GetObject
 * (s3:GetObjectVersion when a versionId is named, with s3:versionid);
 * HeadBucket and listings need s3:ListBucket (with s3:prefix, s3:delimiter, s3:max-keys);
 * CopyObject needs s3:GetObject on the source and s3:PutObject on the target; a PUT with
 * x-amz-tagging also needs s3:PutObjectTagging. DeleteObjects is checked per key by its handler.
 */
export function accessChecks(op: Operation, input: AccessInput): AccessCheck[] {
  const b = op.bucket ?? '';
  const k = op.key ?? '';
  // op.action is already the version action (s3:GetObjectVersion, …) when a versionId was named.
  const version = versionContext(op.versionId);
  const simple = (resource: string, context: Record<string, string | string[]> = {}): AccessCheck[] => [
    { action: op.action, resource, context: { ...context, ...version } },
  ];
  const withTags = (): AccessCheck[] => [
    { action: op.action, resource: objectArn(b, k), context: version, existingTagsOf: { bucket: b, key: k } },
  ];
  switch (op.name) {
    case 'ListBuckets':
      return simple('arn:aws:s3:::*');
    case 'ListObjects':
    case 'ListObjectsV2':
      return simple(bucketArn(b), listContext(input));
    case 'CreateBucket':
    case 'HeadBucket':
    case 'DeleteBucket':
    case 'GetBucketLocation':
    case 'GetBucketVersioning':
    case 'GetBucketTagging':
    case 'PutBucketTagging':
    case 'DeleteBucketTagging':
    case 'GetBucketPolicy':
    case 'PutBucketPolicy':
    case 'DeleteBucketPolicy':
    case 'GetBucketPolicyStatus':
    case 'ListMultipartUploads':
      return simple(bucketArn(b));
    case 'DeleteObjects':
    case 'PostService':
    case 'NotImplemented':
      return [];
    case 'GetObject':
    case 'HeadObject':
    case 'GetObjectTagging':
    case 'PutObjectTagging':
    case 'DeleteObjectTagging':
      return withTags();
    case 'DeleteObject':
    case 'AbortMultipartUpload':
    case 'ListParts':
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return simple(objectArn(b, k));
    case 'PutObject':
    case 'CreateMultipartUpload':
      return putChecks(input, b, k, header(input, 'x-amz-tagging'));
    case 'CopyObject':
    case 'UploadPartCopy':
      return copyChecks(op, input, b, k);
    default: {
      const never: never = op.name;
      throw new Error(`no access mapping for ${String(never)}`);
    }
  }
}

function putChecks(
  input: AccessInput,
  b: string,
  k: string,
  tagging: string | undefined,
  extra = {},
): AccessCheck[] {
  const ctx: Record<string, string | string[]> = { ...extra };
  headerContext(input, ctx);
  const tagged = requestTagContext(tagging, ctx);
  const checks: AccessCheck[] = [{ action: 's3:PutObject', resource: objectArn(b, k), context: ctx }];
  if (tagged) checks.push({ action: 's3:PutObjectTagging', resource: objectArn(b, k), context: ctx });
  return checks;
}

function copyChecks(op: Operation, input: AccessInput, b: string, k: string): AccessCheck[] {
  const rawSource = header(input, 'x-amz-copy-source') ?? '';
  const source = parseCopySource(rawSource);
  const extra: Record<string, string> = { 's3:x-amz-copy-source': `${source.bucket}/${source.key}` };
  const directive = header(input, 'x-amz-metadata-directive');
  if (directive !== undefined) extra['s3:x-amz-metadata-directive'] = directive;
  const replaceTags =
    op.name === 'CopyObject' && header(input, 'x-amz-tagging-directive')?.toUpperCase() === 'REPLACE';
  const target = putChecks(input, b, k, replaceTags ? header(input, 'x-amz-tagging') : undefined, extra);
  // "To copy a specific version of an object, you need s3:GetObjectVersion" on the source.
  const read: AccessCheck = {
    action: source.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject',
    resource: objectArn(source.bucket, source.key),
    context: versionContext(source.versionId),
    existingTagsOf: { bucket: source.bucket, key: source.key },
  };
  return [read, ...target];
}
