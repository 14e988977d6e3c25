import { parseXml, renderXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import { emptyResponse, type S3Deps, type S3Handler, xmlResponse } from '../context.js';
import { assertObjectKey } from '../names.js';
import { readXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';

/** Deletes an object and its blobs; deleting a missing key succeeds, as in S3. */
export async function removeObject(deps: S3Deps, bucket: string, key: string): Promise<void> {
  const released = await deps.metadata.deleteObject(bucket, key);
  if (released.length > 0) await deps.blobs.delete(released);
}

export const deleteObject: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  await removeObject(deps, req.op.bucket!, req.op.key!);
  return emptyResponse(204);
};

/** "The request can contain a list of up to 1,000 keys that you want to delete." */
const MAX_DELETE_KEYS = 1000;

/** DeleteObjects: s3:DeleteObject is checked per key; a denied key is reported as AccessDenied. */
export const deleteObjects: S3Handler = async (deps, req) => {
  const bucket = req.op.bucket!;
  const doc = parseXml(await readXmlBody(req), 'Delete');
  const quiet = xmlText(doc['Quiet'])?.trim().toLowerCase() === 'true';
  const objects = xmlList(doc['Object']);
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new TesseraError('MalformedXML');
  await requireBucket(deps, bucket);
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const o of objects) {
    const key = xmlText((o as Record<string, unknown>)['Key']);
    if (key === undefined) throw new TesseraError('MalformedXML');
    try {
      assertObjectKey(key);
      if (req.access && !(await req.access.objectAllowed('s3:DeleteObject', bucket, key))) {
        throw new TesseraError('AccessDenied');
      }
      await removeObject(deps, bucket, key);
      deleted.push({ Key: key });
    } catch (e) {
      if (!(e instanceof TesseraError)) throw e;
      errors.push({ Key: key, Code: e.code, Message: e.message });
    }
  }
  return xmlResponse(renderXml('DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors }));
};
