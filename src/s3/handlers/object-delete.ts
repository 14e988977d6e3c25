import { isTesseraError, renderXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import {
  type BucketRecord,
  type CommittedDelete,
  removeObjectVersioned,
  type WriteExpectation,
} from '../../storage/index.js';
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
import { deleteExpectation } from '../object-lock/requests.js';
import type { OperationNamed } from '../ops/index.js';
import { readVerifiedBody, requireDigest } from '../verified-body.js';
import { parseVersionId } from '../version-id.js';
import { MAX_XML_BODY, parseXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/**
 * DeleteObject's answer headers: x-amz-version-id of the version removed or of the delete marker
 * created, x-amz-delete-marker when a marker was created or removed.
 */
function deleteHeaders(done: CommittedDelete): Record<string, string> {
  const headers: Record<string, string> = {};
  if (done.versionId !== undefined) headers['x-amz-version-id'] = done.versionId;
  if (done.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return headers;
}

/**
 * DeleteObject. With a versionId that version is removed for good (a version the key does not
 * have: success, nothing removed, as in S3); without, the bucket's versioning state decides
 * (never versioned: the object goes; Enabled or Suspended: a delete marker becomes current).
 * `If-Match: <etag>` or `*` deletes only when the current object exists (404 NoSuchKey) and its
 * ETag matches (412 PreconditionFailed); checked again by the store inside the delete's
 * transaction (409 ConditionalRequestConflict when it changed meanwhile).
 */
export const deleteObject: S3Handler<'DeleteObject'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const ifMatch = header(req, 'if-match');
  const target = await requireBucket(deps, bucket);
  if (ifMatch !== undefined) {
    checkWriteCondition({ ifMatch }, await deps.metadata.getObject(bucket, key), key);
  }
  const condition: WriteExpectation = ifMatch === undefined ? {} : { ifMatch };
  // Object Lock: removing a version for good asks the removal guard inside the store's delete.
  const expect = (await deleteExpectation(deps, req, target, key, versionId, condition)) ?? condition;
  const done = await removeObjectVersioned(deps, bucket, key, versionId, expect);
  return emptyResponse(204, deleteHeaders(done));
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
  target: BucketRecord,
  entry: DeleteEntry,
): Promise<CommittedDelete> {
  const { bucket } = req.op;
  assertObjectKey(entry.key);
  const versionId = entry.versionId === undefined ? undefined : parseVersionId(entry.versionId);
  const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
  if (req.access && !(await req.access.objectAllowed(action, bucket, entry.key))) {
    throw new TesseraError('AccessDenied');
  }
  const expect = (await deleteExpectation(deps, req, target, entry.key, versionId, {})) ?? {};
  return removeObjectVersioned(deps, bucket, entry.key, versionId, expect);
}

/** A <Deleted> entry as S3 writes it: the version named, and the delete marker made or removed. */
function deletedEntry(entry: DeleteEntry, done: CommittedDelete) {
  return {
    Key: entry.key,
    VersionId: entry.versionId,
    DeleteMarker: done.deleteMarker ? true : undefined,
    DeleteMarkerVersionId: done.deleteMarker ? done.versionId : undefined,
  };
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
  const target = await requireBucket(deps, bucket);
  const deleted: ReturnType<typeof deletedEntry>[] = [];
  const errors: { Key: string; VersionId?: string; Code: string; Message: string }[] = [];
  for (const entry of entries) {
    const named = entry.versionId === undefined ? {} : { VersionId: entry.versionId };
    try {
      deleted.push(deletedEntry(entry, await deleteEntry(deps, req, target, entry)));
    } catch (e) {
      if (!isTesseraError(e)) throw e;
      errors.push({ Key: entry.key, ...named, Code: e.code, Message: e.message });
    }
  }
  return xmlResponse(renderXml('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors }));
};
