import { renderXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import type { Tag } from '../../storage/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import { validateTags } from '../object-headers.js';
import { readXmlDocument } from '../xml-body.js';
import { requireBucket } from './buckets.js';
import { requireObject, versionHeaderOf } from './object-read.js';

/** Reads a <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging> document. */
export function parseTagging(doc: Record<string, unknown>, max: number): Tag[] {
  const set = doc['TagSet'];
  if (set === undefined) throw new TesseraError('MalformedXML');
  const tags = xmlList((set as Record<string, unknown>)['Tag']).map((t) => {
    const tag = t as Record<string, unknown>;
    const key = xmlText(tag['Key']);
    const value = xmlText(tag['Value']) ?? '';
    if (key === undefined) throw new TesseraError('MalformedXML');
    return { key, value };
  });
  validateTags(tags, max);
  return tags;
}

function renderTagging(tags: Tag[]): string {
  return renderXml('Tagging', { TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } });
}

export const getObjectTagging: S3Handler<'GetObjectTagging'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const obj = await requireObject(deps, bucket, key, versionId);
  return xmlResponse(renderTagging(obj.tags), 200, await versionHeaderOf(deps, obj, versionId !== undefined));
};

export const putObjectTagging: S3Handler<'PutObjectTagging'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const tags = parseTagging(await readXmlDocument(req, 'Tagging'), 10);
  const obj = await requireObject(deps, bucket, key, versionId, 'PUT');
  await deps.metadata.setObjectTags(bucket, key, tags, obj.versionId);
  return emptyResponse(200, await versionHeaderOf(deps, obj, versionId !== undefined));
};

export const deleteObjectTagging: S3Handler<'DeleteObjectTagging'> = async (deps, req) => {
  const { bucket, key, versionId } = req.op;
  const obj = await requireObject(deps, bucket, key, versionId, 'DELETE');
  await deps.metadata.setObjectTags(bucket, key, [], obj.versionId);
  return emptyResponse(204, await versionHeaderOf(deps, obj, versionId !== undefined));
};

export const getBucketTagging: S3Handler<'GetBucketTagging'> = async (deps, req) => {
  const { bucket } = req.op;
  await requireBucket(deps, bucket);
  const tags = await deps.metadata.getBucketTags(bucket);
  if (!tags) throw new TesseraError('NoSuchTagSet', undefined, { BucketName: bucket });
  return xmlResponse(renderTagging(tags));
};

export const putBucketTagging: S3Handler<'PutBucketTagging'> = async (deps, req) => {
  const tags = parseTagging(await readXmlDocument(req, 'Tagging'), 50);
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketTags(req.op.bucket, tags);
  return emptyResponse(204);
};

export const deleteBucketTagging: S3Handler<'DeleteBucketTagging'> = async (deps, req) => {
  await requireBucket(deps, req.op.bucket);
  await deps.metadata.setBucketTags(req.op.bucket, undefined);
  return emptyResponse(204);
};
