import { renderXml, TesseraError } from '../../core/index.js';
import { commitObjectVersioned } from '../../storage/index.js';
import { objectAclOfWrite } from '../acl/requests.js';
import { checksumElements, parseAlgorithm } from '../checksum-headers.js';
import { header, type S3Handler, xmlResponse } from '../context.js';
import { copyData, copySourceVersionHeader, resolveCopySource } from '../copy-source.js';
import { metadataFromRequest, quoteEtag, tagsFromHeader } from '../object-headers.js';
import { newObjectLock } from '../object-lock/requests.js';
import { type ObjectDescription, objectRecord } from '../object-record.js';
import { encryptedEtag, readKey, requestedSse, sseResponseHeaders, writeEncryption } from '../sse/index.js';
import { writtenVersionHeader } from '../version-id.js';
import { requireBucket } from './buckets.js';

function directive(value: string | undefined, name: string): 'COPY' | 'REPLACE' {
  const v = (value ?? 'COPY').toUpperCase();
  if (v !== 'COPY' && v !== 'REPLACE')
    throw new TesseraError('InvalidArgument', `Unknown ${name} directive.`);
  return v;
}

export const copyObject: S3Handler<'CopyObject'> = async (deps, req) => {
  const { bucket, key } = req.op;
  const metadataDirective = directive(header(req, 'x-amz-metadata-directive'), 'metadata');
  const taggingDirective = directive(header(req, 'x-amz-tagging-directive'), 'tagging');
  const target = await requireBucket(deps, bucket);
  // The target's own Object Lock (never the source's): its headers, else the default retention.
  const lock = await newObjectLock(deps, req, target, { requireDigest: false });
  // The target's ACL is the request's (never the source's), as S3 copies.
  const acl = await objectAclOfWrite(deps, req, bucket);
  const { source, obj } = await resolveCopySource(deps, req);
  // Copying a version onto its key (no versionId on the source) is refused; naming an older
  // version restores it, as S3 documents.
  const itself = source.bucket === bucket && source.key === key && source.versionId === undefined;
  // "…or encryption attributes": asking for an encryption is a change (AWS re-encrypts in place).
  if (itself && metadataDirective === 'COPY' && requestedSse(req) === undefined) {
    throw new TesseraError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const algorithm = parseAlgorithm(header(req, 'x-amz-checksum-algorithm')) ?? obj.checksum?.algorithm;
  // The target's tags and metadata: the source's (COPY) or the request's (REPLACE).
  const tags = taggingDirective === 'COPY' ? obj.tags : tagsFromHeader(header(req, 'x-amz-tagging'));
  const description: ObjectDescription =
    metadataDirective === 'REPLACE'
      ? { ...metadataFromRequest(req), tags }
      : { contentType: obj.contentType, headers: obj.headers, userMetadata: obj.userMetadata, tags };
  // docs/encryption.md: the source decrypts with x-amz-copy-source-…-customer-* (SSE-C) or its
  // KMS key; the target is encrypted as the request asks, else by the target bucket's default.
  const sourceKey = await readKey(deps, req, obj, 'x-amz-copy-source-server-side-encryption');
  const sse = await writeEncryption(deps, req, req.op);
  const copied = await copyData(
    deps,
    obj,
    { start: 0, end: obj.size - 1 },
    { allowInline: true, algorithm, sourceKey: sourceKey?.dataKey, sealWith: sse?.dataKey },
  );
  const content = {
    size: copied.size,
    etag: encryptedEtag(sse?.record, sse?.dataKey, copied.md5),
    data: copied.data,
    checksum:
      algorithm && copied.checksum
        ? { algorithm, value: copied.checksum, type: 'FULL_OBJECT' as const }
        : undefined,
  };
  const record = objectRecord(req.op, req.now, content, description);
  if (sse !== undefined) record.sse = sse.record;
  if (lock !== undefined) record.lock = lock;
  if (acl !== undefined) record.acl = acl;
  const { versionId } = await commitObjectVersioned(deps, record);
  const result = {
    LastModified: new Date(record.lastModified).toISOString(),
    ETag: quoteEtag(record.etag),
    ...checksumElements(record.checksum, 'type-first'),
  };
  return xmlResponse(renderXml('CopyObjectResult', result), 200, {
    ...copySourceVersionHeader(source, obj),
    ...writtenVersionHeader(target.versioning, versionId),
    ...sseResponseHeaders(sse?.record, sse?.customerKeyMd5),
  });
};
