import { isTesseraError, renderXml, TesseraError } from '../../core/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import { readVerifiedBody, strictUtf8 } from '../verified-body.js';
import { requireBucket } from './buckets.js';

/** "The maximum size of a bucket policy is 20 KB"; a little slack for the reader, the parser enforces it. */
const MAX_POLICY_BODY = 21 * 1024;

/** PutBucketPolicy: the JSON body is verified like every small body (Content-MD5, x-amz-checksum-*). */
export const putBucketPolicy: S3Handler = async (deps, req) => {
  const body = await readVerifiedBody(req, MAX_POLICY_BODY).catch((e: unknown) => {
    throw isTesseraError(e, 'MaxMessageLengthExceeded')
      ? new TesseraError('MalformedPolicy', 'Policies must be 20 KB or less.')
      : e;
  });
  const document = strictUtf8(body.bytes);
  if (document === undefined) throw new TesseraError('MalformedPolicy', 'Policies must be valid UTF-8.');
  const bucket = await requireBucket(deps, req.op.bucket!);
  await deps.bucketPolicies.put(bucket.account, bucket.name, document);
  return emptyResponse(204);
};

export const getBucketPolicy: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  const policy = await deps.bucketPolicies.get(req.op.bucket!);
  if (!policy) throw new TesseraError('NoSuchBucketPolicy', undefined, { BucketName: req.op.bucket });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: policy.document };
};

export const deleteBucketPolicy: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  await deps.bucketPolicies.delete(req.op.bucket!).catch((e: unknown) => {
    // Deleting a policy that is not there succeeds, as in S3.
    if (!isTesseraError(e, 'NoSuchBucketPolicy')) throw e;
  });
  return emptyResponse(204);
};

/** Condition keys that pin a grant to specific callers or networks: such a statement is not public. */
const RESTRICTING_KEYS = [
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
  'aws:username',
];

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>)['AWS'];
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  }
  return false;
}

function restricts(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object') return false;
  return Object.values(condition as Record<string, unknown>).some(
    (block) =>
      block &&
      typeof block === 'object' &&
      Object.keys(block).some((k) => RESTRICTING_KEYS.includes(k.toLowerCase())),
  );
}

/**
 * A bucket policy is public when an Allow statement names every principal ("*") without a
 * condition that pins it to fixed callers or networks (AWS's definition, simplified to the
 * condition keys Tessera evaluates).
 */
export function isPublicPolicy(document: string): boolean {
  const doc = JSON.parse(document) as { Statement?: unknown };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((s) => {
    const st = s as Record<string, unknown> | undefined;
    return st?.['Effect'] === 'Allow' && isEveryone(st['Principal']) && !restricts(st['Condition']);
  });
}

export const getBucketPolicyStatus: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  const policy = await deps.bucketPolicies.get(req.op.bucket!);
  if (!policy) throw new TesseraError('NoSuchBucketPolicy', undefined, { BucketName: req.op.bucket });
  return xmlResponse(renderXml('PolicyStatus', { IsPublic: isPublicPolicy(policy.document) }));
};
