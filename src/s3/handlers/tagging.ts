import { parseXml, renderXml, TesseraError, xmlList, xmlText } from '../../core/index.js';
import type { Tag } from '../../storage/index.js';
import { emptyResponse, type S3Handler, xmlResponse } from '../context.js';
import { validateTags } from '../object-headers.js';
import { readXmlBody } from '../xml-body.js';
import { requireBucket } from './buckets.js';
import { requireObject } from './object-read.js';

/** Parses a <Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging> body. */
export function parseTagging(body: string, max: number): Tag[] {
  const doc = parseXml(body, 'Tagging');
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

export const getObjectTagging: S3Handler = async (deps, req) => {
  const obj = await requireObject(deps, req.op.bucket!, req.op.key!);
  return xmlResponse(renderTagging(obj.tags));
};

export const putObjectTagging: S3Handler = async (deps, req) => {
  const tags = parseTagging(await readXmlBody(req), 10);
  await requireObject(deps, req.op.bucket!, req.op.key!);
  await deps.metadata.setObjectTags(req.op.bucket!, req.op.key!, tags);
  return emptyResponse(200);
};

export const deleteObjectTagging: S3Handler = async (deps, req) => {
  await requireObject(deps, req.op.bucket!, req.op.key!);
  await deps.metadata.setObjectTags(req.op.bucket!, req.op.key!, []);
  return emptyResponse(204);
};

export const getBucketTagging: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  const tags = await deps.metadata.getBucketTags(req.op.bucket!);
  if (!tags) throw new TesseraError('NoSuchTagSet', undefined, { BucketName: req.op.bucket });
  return xmlResponse(renderTagging(tags));
};

export const putBucketTagging: S3Handler = async (deps, req) => {
  const tags = parseTagging(await readXmlBody(req), 50);
  await requireBucket(deps, req.op.bucket!);
  await deps.metadata.setBucketTags(req.op.bucket!, tags);
  return emptyResponse(204);
};

export const deleteBucketTagging: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  await deps.metadata.setBucketTags(req.op.bucket!, undefined);
  return emptyResponse(204);
};
