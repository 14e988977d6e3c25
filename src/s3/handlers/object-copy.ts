import { renderXml, TesseraError } from '../../core/index.js';
import type { ObjectRecord } from '../../storage/index.js';
import { checksumElement, parseAlgorithm } from '../checksum-headers.js';
import { header, type S3Handler, xmlResponse } from '../context.js';
import { copyData, copySourceVersionHeader, resolveCopySource } from '../copy-source.js';
import { metadataFromRequest, quoteEtag, tagsFromHeader } from '../object-headers.js';
import { requireBucket } from './buckets.js';
import { commitObject } from './object-write.js';

function directive(value: string | undefined, name: string): 'COPY' | 'REPLACE' {
  const v = (value ?? 'COPY').toUpperCase();
  if (v !== 'COPY' && v !== 'REPLACE')
    throw new TesseraError('InvalidArgument', `Unknown ${name} directive.`);
  return v;
}

export const copyObject: S3Handler = async (deps, req) => {
  const { bucket, key } = req.op as { bucket: string; key: string };
  const metadataDirective = directive(header(req, 'x-amz-metadata-directive'), 'metadata');
  const taggingDirective = directive(header(req, 'x-amz-tagging-directive'), 'tagging');
  await requireBucket(deps, bucket);
  const { source, obj } = await resolveCopySource(deps, req);
  if (source.bucket === bucket && source.key === key && metadataDirective === 'COPY') {
    throw new TesseraError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const algorithm = parseAlgorithm(header(req, 'x-amz-checksum-algorithm')) ?? obj.checksum?.algorithm;
  const copied = await copyData(deps, obj, { start: 0, end: obj.size - 1 }, { allowInline: true, algorithm });
  const record: ObjectRecord = {
    bucket,
    key,
    size: copied.size,
    etag: copied.md5.toString('hex'),
    lastModified: Date.now(),
    headers: obj.headers,
    userMetadata: obj.userMetadata,
    tags: taggingDirective === 'COPY' ? obj.tags : tagsFromHeader(header(req, 'x-amz-tagging')),
    data: copied.data,
  };
  if (metadataDirective === 'REPLACE') {
    const meta = metadataFromRequest(req);
    record.headers = meta.headers;
    record.userMetadata = meta.userMetadata;
    if (meta.contentType !== undefined) record.contentType = meta.contentType;
  } else if (obj.contentType !== undefined) {
    record.contentType = obj.contentType;
  }
  if (algorithm && copied.checksum)
    record.checksum = { algorithm, value: copied.checksum, type: 'FULL_OBJECT' };
  await commitObject(deps, record);
  const result: Record<string, string> = {
    LastModified: new Date(record.lastModified).toISOString(),
    ETag: quoteEtag(record.etag),
  };
  if (record.checksum) {
    result['ChecksumType'] = record.checksum.type;
    result[checksumElement(record.checksum.algorithm)] = record.checksum.value;
  }
  return xmlResponse(renderXml('CopyObjectResult', result), 200, copySourceVersionHeader(source));
};
