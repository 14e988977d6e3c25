import { createHash } from 'node:crypto';
import { newOpaqueId, renderXml, TesseraError } from '../../core/index.js';
import {
  type ChecksumType,
  commitPart,
  type MultipartUploadRecord,
  type PartRecord,
  removeUpload,
} from '../../storage/index.js';
import { objectAclOfWrite } from '../acl/requests.js';
import { checksumElements, checksumResponseHeaders, parseAlgorithm } from '../checksum-headers.js';
import {
  emptyResponse,
  header,
  type S3Deps,
  type S3Handler,
  type S3Request,
  xmlResponse,
} from '../context.js';
import { copyData, copySourceVersionHeader, resolveCopySource } from '../copy-source.js';
import { ingestBody, type Stored } from '../ingest.js';
import { metadataFromRequest, quoteEtag, tagsFromHeader } from '../object-headers.js';
import { requireLockedWriteDigest, uploadLock } from '../object-lock/requests.js';
import type { OfUpload } from '../ops/multipart.js';
import { parseRange } from '../range.js';
import { encryptedEtag, readKey, sseResponseHeaders, writeEncryption } from '../sse/index.js';
import { requireBucket } from './buckets.js';

/** "Each part must be at least 5 MB in size, except the last part." Parts are at most 5 GiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 ** 3;

/** Looks the upload an operation names up for its bucket and key, failing with NoSuchUpload. */
export async function requireUpload(
  deps: S3Deps,
  op: OfUpload & { bucket: string; key: string },
): Promise<MultipartUploadRecord> {
  await requireBucket(deps, op.bucket);
  const upload = await deps.metadata.getUpload(op.bucket, op.key, op.uploadId);
  if (!upload) throw new TesseraError('NoSuchUpload', undefined, { UploadId: op.uploadId });
  return upload;
}

function parseChecksumType(req: S3Request): ChecksumType | undefined {
  const v = header(req, 'x-amz-checksum-type')?.toUpperCase();
  if (v === undefined) return undefined;
  if (v !== 'COMPOSITE' && v !== 'FULL_OBJECT')
    throw new TesseraError('InvalidRequest', 'Invalid x-amz-checksum-type.');
  return v;
}

export const createMultipartUpload: S3Handler<'CreateMultipartUpload'> = async (deps, req) => {
  const { bucket, key } = req.op;
  const meta = metadataFromRequest(req);
  const tags = tagsFromHeader(header(req, 'x-amz-tagging'));
  const target = await requireBucket(deps, bucket);
  // Object Lock asked for now is given to the object at completion.
  const lock = uploadLock(req, target);
  // The ACL asked for now is given to the object at completion (docs/acl.md).
  const acl = await objectAclOfWrite(deps, req, bucket);
  const upload: MultipartUploadRecord = {
    uploadId: newOpaqueId(),
    bucket,
    key,
    initiatedAt: req.now,
    headers: meta.headers,
    userMetadata: meta.userMetadata,
    tags,
  };
  if (meta.contentType !== undefined) upload.contentType = meta.contentType;
  if (lock !== undefined) upload.lock = lock;
  if (acl !== undefined) upload.acl = acl;
  // The parts' encryption (docs/encryption.md): one data key for the upload, each part its own sequence.
  const sse = await writeEncryption(deps, req, { bucket, key });
  if (sse !== undefined) upload.sse = sse.record;
  const algorithm = parseAlgorithm(header(req, 'x-amz-checksum-algorithm'));
  const responseHeaders: Record<string, string> = sseResponseHeaders(sse?.record, sse?.customerKeyMd5);
  if (algorithm) {
    // CRC64NVME supports only full-object checksums; the others default to composite.
    const type = parseChecksumType(req) ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
    const sha = algorithm === 'SHA1' || algorithm === 'SHA256';
    if ((type === 'FULL_OBJECT' && sha) || (type === 'COMPOSITE' && algorithm === 'CRC64NVME')) {
      throw new TesseraError(
        'InvalidRequest',
        `The ${type} checksum type cannot be used with the ${algorithm} algorithm.`,
      );
    }
    upload.checksumAlgorithm = algorithm;
    upload.checksumType = type;
    responseHeaders['x-amz-checksum-algorithm'] = algorithm;
    responseHeaders['x-amz-checksum-type'] = type;
  }
  await deps.metadata.createUpload(upload);
  return xmlResponse(
    renderXml('InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.uploadId }),
    200,
    responseHeaders,
  );
};

/** The record of a part whose bytes were just stored in one blob, at the request's time. */
function partRecord(
  uploadId: string,
  partNumber: number,
  stored: Stored,
  lastModified: number,
  etag = stored.md5.toString('hex'),
): PartRecord {
  if (stored.data.kind !== 'blobs') throw new TesseraError('InternalError');
  return {
    uploadId,
    partNumber,
    size: stored.size,
    etag,
    lastModified,
    blobId: stored.data.segments[0]!.blobId,
    ...(stored.data.segments[0]!.crc32 === undefined ? {} : { crc32: stored.data.segments[0]!.crc32 }),
  };
}

export const uploadPart: S3Handler<'UploadPart'> = async (deps, req) => {
  const upload = await requireUpload(deps, req.op);
  if (upload.lock !== undefined) requireLockedWriteDigest(req, 'Put Part');
  // An SSE-C upload's parts each carry the upload's key (AWS); the others unseal the upload's.
  const key = await readKey(deps, req, upload);
  const body = await ingestBody(deps, req, {
    allowInline: false,
    maxSize: MAX_PART_SIZE,
    defaultAlgorithm: upload.checksumAlgorithm,
    sealWith: key?.dataKey,
  });
  const etag = encryptedEtag(upload.sse, key?.dataKey, body.md5);
  const part = partRecord(upload.uploadId, req.op.partNumber, body, req.now, etag);
  if (body.checksum) part.checksum = body.checksum;
  await commitPart(deps, part);
  const headers = {
    etag: quoteEtag(part.etag),
    ...checksumResponseHeaders(body.checksum, { withType: false }),
    ...sseResponseHeaders(upload.sse, key?.customerKeyMd5),
  };
  return emptyResponse(200, headers);
};

export const uploadPartCopy: S3Handler<'UploadPartCopy'> = async (deps, req) => {
  const upload = await requireUpload(deps, req.op);
  const { source, obj } = await resolveCopySource(deps, req);
  const rangeHeader = header(req, 'x-amz-copy-source-range');
  let range = { start: 0, end: obj.size - 1 };
  if (rangeHeader !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeHeader.trim());
    if (!m || Number(m[1]) > Number(m[2])) {
      throw new TesseraError(
        'InvalidArgument',
        'The x-amz-copy-source-range value must be of the form bytes=first-last.',
      );
    }
    range = parseRange(rangeHeader, obj.size)!;
    if (Number(m[2]) >= obj.size) throw new TesseraError('InvalidRange');
  }
  if (range.end - range.start + 1 > MAX_PART_SIZE) throw new TesseraError('EntityTooLarge');
  const sourceKey = await readKey(deps, req, obj, 'x-amz-copy-source-server-side-encryption');
  const key = await readKey(deps, req, upload);
  const copied = await copyData(deps, obj, range, {
    allowInline: false,
    algorithm: upload.checksumAlgorithm,
    sourceKey: sourceKey?.dataKey,
    sealWith: key?.dataKey,
  });
  const etag = encryptedEtag(upload.sse, key?.dataKey, copied.md5);
  const part = partRecord(upload.uploadId, req.op.partNumber, copied, req.now, etag);
  if (upload.checksumAlgorithm && copied.checksum) {
    part.checksum = { algorithm: upload.checksumAlgorithm, value: copied.checksum, type: 'FULL_OBJECT' };
  }
  await commitPart(deps, part);
  const result = {
    LastModified: new Date(part.lastModified).toISOString(),
    ETag: quoteEtag(part.etag),
    ...checksumElements(part.checksum, 'no-type'),
  };
  return xmlResponse(renderXml('CopyPartResult', result), 200, {
    ...copySourceVersionHeader(source, obj),
    ...sseResponseHeaders(upload.sse, key?.customerKeyMd5),
  });
};

export const abortMultipartUpload: S3Handler<'AbortMultipartUpload'> = async (deps, req) => {
  const { bucket, key, uploadId } = req.op;
  await requireBucket(deps, bucket);
  await removeUpload(deps, bucket, key, uploadId);
  return emptyResponse(204);
};

/** The S3 multipart ETag: MD5 of the concatenated binary part MD5s, then "-N". */
export function multipartEtag(partEtags: string[]): string {
  const md5 = createHash('md5');
  for (const e of partEtags) md5.update(Buffer.from(e, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}
