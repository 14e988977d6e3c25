import { parseXml, renderXml, TesseraError, type XmlNode } from '../../core/index.js';
import type { S3AccessCheck } from '../access.js';
import { emptyResponse, type S3Handler, type S3Request, xmlResponse } from '../context.js';
import {
  lockConfigurationXml,
  parseLegalHoldDocument,
  parseLockConfiguration,
  parseRetentionDocument,
  parseStoredRule,
  serializeRule,
} from '../object-lock/documents.js';
import {
  isoDate,
  legalHoldUpdate,
  lockContext,
  type Retention,
  retentionOf,
  retentionUpdate,
} from '../object-lock/lock.js';
import {
  governanceBypass,
  lockCheck,
  missingLockConfiguration,
  requireBodyDigest,
} from '../object-lock/requests.js';
import { readVerifiedBody } from '../verified-body.js';
import { bodyText, MAX_XML_BODY } from '../xml-body.js';
import { requireBucket } from './buckets.js';
import { requireObject } from './object-read.js';

/**
 * S3 Object Lock's configuration, retention and legal hold operations (docs/object-lock.md).
 * The bucket's default retention is its 'object-lock' configuration document; a version's
 * retention and legal hold live on the version, changed by the store's updateObjectLock so that
 * the rule is checked inside the store's transaction.
 */

/**
 * PutObjectLockConfiguration. A bucket created with Object Lock takes any configuration; one
 * without it gets Object Lock now when its versioning is Enabled (AWS allows Object Lock on
 * existing buckets), else 409 InvalidBucketState. Object Lock cannot be turned off again.
 */
export const putObjectLockConfiguration: S3Handler<'PutObjectLockConfiguration'> = async (deps, req) => {
  const name = req.op.bucket;
  const body = await readVerifiedBody(req, MAX_XML_BODY);
  requireBodyDigest(body);
  const { rule } = parseLockConfiguration(parseXml(bodyText(body), 'ObjectLockConfiguration'));
  const bucket = await requireBucket(deps, name);
  if (!bucket.objectLock) {
    if (bucket.versioning !== 'Enabled') {
      throw new TesseraError(
        'InvalidBucketState',
        "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        { BucketName: name },
      );
    }
    await deps.metadata.enableObjectLock(name);
  }
  await deps.metadata.setBucketConfig(
    name,
    'object-lock',
    rule === undefined ? undefined : serializeRule(rule),
  );
  return emptyResponse(200);
};

export const getObjectLockConfiguration: S3Handler<'GetObjectLockConfiguration'> = async (deps, req) => {
  const name = req.op.bucket;
  const bucket = await requireBucket(deps, name);
  if (!bucket.objectLock) {
    throw new TesseraError('ObjectLockConfigurationNotFoundError', undefined, { BucketName: name });
  }
  const rule = parseStoredRule(await deps.metadata.getBucketConfig(name, 'object-lock'));
  return xmlResponse(renderXml('ObjectLockConfiguration', lockConfigurationXml(rule)));
};

/** Reads a document that AWS accepts under either root element (the SDKs send the first). */
function parseEither(text: string, roots: readonly string[]): Record<string, unknown> {
  let first: unknown;
  for (const root of roots) {
    try {
      return parseXml(text, root);
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

/**
 * Reads a small Object Lock document (Content-MD5 or a checksum required) and parses it; a
 * caller not allowed `check` even without the body's condition keys hears AccessDenied rather
 * than what is wrong with the body.
 */
async function readLockDocument<T>(
  req: S3Request,
  roots: readonly string[],
  parse: (doc: Record<string, unknown>) => T,
  check: S3AccessCheck,
): Promise<T> {
  try {
    const body = await readVerifiedBody(req, MAX_XML_BODY);
    requireBodyDigest(body);
    return parse(parseEither(bodyText(body), roots));
  } catch (e) {
    await req.access?.requireChecks([check]);
    throw e;
  }
}

/**
 * The version an Object Lock operation acts on, in S3's order: NoSuchBucket, then the key or
 * version (NoSuchKey, NoSuchVersion, 405 for a delete marker), then a bucket without Object Lock
 * (InvalidRequest "Bucket is missing Object Lock Configuration").
 */
async function lockedVersion(
  deps: Parameters<S3Handler>[0],
  op: { bucket: string; key: string; versionId?: string },
  method: 'GET' | 'PUT',
) {
  const bucket = await requireBucket(deps, op.bucket);
  const version = await requireObject(deps, op.bucket, op.key, op.versionId, method);
  if (!bucket.objectLock) throw missingLockConfiguration('version');
  return version;
}

/**
 * PutObjectRetention: s3:PutObjectRetention with the retention's condition keys (the body's);
 * shortening, removing or changing a GOVERNANCE retention also needs
 * x-amz-bypass-governance-retention: true and s3:BypassGovernanceRetention; COMPLIANCE is only
 * ever extended. The rule is checked on the version's state inside the store's transaction.
 */
export const putObjectRetention: S3Handler<'PutObjectRetention'> = async (deps, req) => {
  const { op } = req;
  const retention = await readLockDocument(
    req,
    ['Retention', 'ObjectLockRetention'],
    (doc) => parseRetentionDocument(doc, req.now),
    lockCheck('s3:PutObjectRetention', op, {}),
  );
  const context = lockContext({ retention }, req.now);
  await req.access?.requireChecks([lockCheck('s3:PutObjectRetention', op, context)]);
  const version = await lockedVersion(deps, op, 'PUT');
  const bypass = await governanceBypass(req, op.bucket, op.key, context);
  await deps.metadata.updateObjectLock(
    op.bucket,
    op.key,
    version.versionId,
    retentionUpdate(retention, req.now, bypass),
  );
  return emptyResponse(200);
};

function retentionXml(retention: Retention): XmlNode {
  return { Mode: retention.mode, RetainUntilDate: isoDate(retention.retainUntil) };
}

/** GetObjectRetention: the version's retention (also once it has run out); none is NoSuchObjectLockConfiguration. */
export const getObjectRetention: S3Handler<'GetObjectRetention'> = async (deps, req) => {
  const version = await lockedVersion(deps, req.op, 'GET');
  const retention = retentionOf(version.lock);
  if (retention === undefined) throw new TesseraError('NoSuchObjectLockConfiguration');
  return xmlResponse(renderXml('Retention', retentionXml(retention)));
};

/** PutObjectLegalHold: s3:PutObjectLegalHold with s3:object-lock-legal-hold (the body's Status). */
export const putObjectLegalHold: S3Handler<'PutObjectLegalHold'> = async (deps, req) => {
  const { op } = req;
  const on = await readLockDocument(
    req,
    ['LegalHold'],
    parseLegalHoldDocument,
    lockCheck('s3:PutObjectLegalHold', op, {}),
  );
  const context = lockContext({ legalHold: on }, req.now);
  await req.access?.requireChecks([lockCheck('s3:PutObjectLegalHold', op, context)]);
  const version = await lockedVersion(deps, op, 'PUT');
  await deps.metadata.updateObjectLock(op.bucket, op.key, version.versionId, legalHoldUpdate(on));
  return emptyResponse(200);
};

/**
 * GetObjectLegalHold: Status ON or OFF once a legal hold was ever set on the version;
 * NoSuchObjectLockConfiguration before.
 */
export const getObjectLegalHold: S3Handler<'GetObjectLegalHold'> = async (deps, req) => {
  const version = await lockedVersion(deps, req.op, 'GET');
  const hold = version.lock?.legalHold;
  if (hold === undefined) throw new TesseraError('NoSuchObjectLockConfiguration');
  return xmlResponse(renderXml('LegalHold', { Status: hold ? 'ON' : 'OFF' }));
};
