import { isTesseraError, renderXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import { removeObject, type WriteExpectation } from '../../storage/index.js';
import { checkWriteCondition } from '../conditional-write.js';
import {
  emptyResponse,
  header,
  type S3Deps,
  type S3Handler,
  type S3Request,
  xmlResponse,
} from '../context.js';
import { assertObjectKey } from '../names.js';
import type { OperationNamed } from '../ops/index.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { NULL_VERSION, parseVersionId, versionHeader } from '../version-id.js';
import { MAX_XML_BODY, parseXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/**
 * Deletes the object a (key, versionId) names. Without a versionId, or with `null`, that is the
 * object itself. Any other version does not exist in an unversioned bucket, and S3 answers the
 * delete of a version that does not exist with success — so nothing is removed.
 */
async function removeVersion(
  deps: S3Deps,
  bucket: string,
  key: string,
  versionId?: string,
  expect?: WriteExpectation,
): Promise<void> {
  if (versionId === undefined || versionId === NULL_VERSION)
    await removeObject(deps, bucket, key, undefined, expect);
}

/**
 * DeleteObject. `If-Match: <etag>` or `*` deletes only when the current object exists (404
 * NoSuchKey) and its ETag matches (412 PreconditionFailed); checked again by the store inside the
 * delete's transaction (409 ConditionalRequestConflict when it changed meanwhile).
 */
export const deleteObject: S3Handler<'DeleteObject'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const ifMatch = header(req, 'if-match');
  await requireBucket(deps, bucket);
  if (ifMatch !== undefined) {
    checkWriteCondition({ ifMatch }, await deps.metadata.getObject(bucket, key), key);
  }
  // The store checks If-Match again inside the delete's transaction (compare-and-set).
  await removeVersion(deps, bucket, key, versionId, ifMatch === undefined ? undefined : { ifMatch });
  return emptyResponse(204, versionHeader(versionId));
};

/** "The request can contain a list of up to 1,000 keys that you want to delete." */
const MAX_DELETE_KEYS = 1000;

interface DeleteEntry {
  key: string;
  versionId?: string;
}

function parseDelete(doc: Record<string, unknown>): { quiet: boolean; entries: DeleteEntry[] } {
  const quiet = xmlText(doc['Quiet'])?.trim().toLowerCase() === 'true';
  const objects = xmlList(doc['Object']);
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new TesseraError('MalformedXML');
  const entries = objects.map((o) => {
    const fields = o as Record<string, unknown>;
    const key = xmlText(fields['Key']);
    if (key === undefined) throw new TesseraError('MalformedXML');
    const versionId = xmlText(fields['VersionId']);
    return versionId === undefined ? { key } : { key, versionId };
  });
  return { quiet, entries };
}

/** One key of DeleteObjects: checked, authorized (s3:DeleteObjectVersion when it names a version), removed. */
async function deleteEntry(
  deps: S3Deps,
  req: S3Request<OperationNamed<'DeleteObjects'>>,
  entry: DeleteEntry,
): Promise<void> {
  const { bucket } = req.op;
  assertObjectKey(entry.key);
  const versionId = entry.versionId === undefined ? undefined : parseVersionId(entry.versionId);
  const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
  if (req.access && !(await req.access.objectAllowed(action, bucket, entry.key))) {
    throw new TesseraError('AccessDenied');
  }
  await removeVersion(deps, bucket, entry.key, versionId);
}

/**
 * DeleteObjects: the body must carry Content-MD5 or an x-amz-checksum-* value and match it
 * (readVerifiedBody); s3:DeleteObject (s3:DeleteObjectVersion for a <VersionId>) is checked per
 * key, and a denied key is reported as AccessDenied.
 */
export const deleteObjects: S3Handler<'DeleteObjects'> = async (deps, req) => {
  const { bucket } = req.op;
  const body = await readVerifiedBody(req, MAX_XML_BODY);
  const { quiet, entries } = parseDelete(parseXmlBody(body, 'Delete'));
  requireDigest(body);
  await requireBucket(deps, bucket);
  const deleted: { Key: string; VersionId?: string }[] = [];
  const errors: { Key: string; VersionId?: string; Code: string; Message: string }[] = [];
  for (const entry of entries) {
    const named = entry.versionId === undefined ? {} : { VersionId: entry.versionId };
    try {
      await deleteEntry(deps, req, entry);
      deleted.push({ Key: entry.key, ...named });
    } catch (e) {
      if (!isTesseraError(e)) throw e;
      errors.push({ Key: entry.key, ...named, Code: e.code, Message: e.message });
    }
  }
  return xmlResponse(renderXml('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors }));
};
