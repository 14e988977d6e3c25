import { createHash } from 'node:crypto';
import { newOpaqueId, renderXml, TesseraError } from '../../core/index.js';
import type { ChecksumType, MultipartUploadRecord, PartRecord } from '../../storage/index.js';
import { checksumElement, checksumHeaderName, parseAlgorithm } from '../checksum-headers.js';
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
import { parseRange } from '../range.js';
import { requireBucket } from './buckets.js';

/** "Part numbers can be any number from 1 to 10,000, inclusive." */
export const MAX_PART_NUMBER = 10000;
/** "Each part must be at least 5 MB in size, except the last part." Parts are at most 5 GiB. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 5 * 1024 ** 3;

/** Looks an upload up for this bucket and key, failing with NoSuchUpload. */
export async function requireUpload(deps: S3Deps, req: S3Request): Promise<MultipartUploadRecord> {
  const uploadId = req.query.get('uploadId') ?? '';
  await requireBucket(deps, req.op.bucket!);
  const upload = await deps.metadata.getUpload(req.op.bucket!, req.op.key!, uploadId);
  if (!upload) throw new TesseraError('NoSuchUpload', undefined, { UploadId: uploadId });
  return upload;
}

function parsePartNumber(req: S3Request): number {
  const raw = req.query.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PART_NUMBER) {
    throw new TesseraError(
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
    );
  }
  return n;
}

function parseChecksumType(req: S3Request): ChecksumType | undefined {
  const v = header(req, 'x-amz-checksum-type')?.toUpperCase();
  if (v === undefined) return undefined;
  if (v !== 'COMPOSITE' && v !== 'FULL_OBJECT')
    throw new TesseraError('InvalidRequest', 'Invalid x-amz-checksum-type.');
  return v;
}

export const createMultipartUpload: S3Handler = async (deps, req) => {
  const { bucket, key } = req.op as { bucket: string; key: string };
  const meta = metadataFromRequest(req);
  const tags = tagsFromHeader(header(req, 'x-amz-tagging'));
  await requireBucket(deps, bucket);
  const upload: MultipartUploadRecord = {
    uploadId: newOpaqueId(),
    bucket,
    key,
    initiatedAt: Date.now(),
    headers: meta.headers,
    userMetadata: meta.userMetadata,
    tags,
  };
  if (meta.contentType !== undefined) upload.contentType = meta.contentType;
  const algorithm = parseAlgorithm(header(req, 'x-amz-checksum-algorithm'));
  const responseHeaders: Record<string, string> = {};
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

async function recordPart(deps: S3Deps, part: PartRecord): Promise<void> {
  try {
    const replaced = await deps.metadata.putPart(part);
    if (replaced !== undefined) await deps.blobs.delete([replaced]);
  } catch (e) {
    await deps.blobs.delete([part.blobId]);
    throw e;
  }
}

/** The record of a part whose bytes were just stored in one blob. */
function partRecord(uploadId: string, partNumber: number, stored: Stored): PartRecord {
  if (stored.data.kind !== 'blobs') throw new TesseraError('InternalError');
  return {
    uploadId,
    partNumber,
    size: stored.size,
    etag: stored.md5.toString('hex'),
    lastModified: Date.now(),
    blobId: stored.data.segments[0]!.blobId,
  };
}

export const uploadPart: S3Handler = async (deps, req) => {
  const partNumber = parsePartNumber(req);
  const upload = await requireUpload(deps, req);
  const body = await ingestBody(deps, req, {
    allowInline: false,
    maxSize: MAX_PART_SIZE,
    defaultAlgorithm: upload.checksumAlgorithm,
  });
  const part = partRecord(upload.uploadId, partNumber, body);
  if (body.checksum) part.checksum = body.checksum;
  await recordPart(deps, part);
  const headers: Record<string, string> = { etag: quoteEtag(part.etag) };
  if (body.checksum) headers[checksumHeaderName(body.checksum.algorithm)] = body.checksum.value;
  return emptyResponse(200, headers);
};

export const uploadPartCopy: S3Handler = async (deps, req) => {
  const partNumber = parsePartNumber(req);
  const upload = await requireUpload(deps, req);
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
  const copied = await copyData(deps, obj, range, {
    allowInline: false,
    algorithm: upload.checksumAlgorithm,
  });
  const part = partRecord(upload.uploadId, partNumber, copied);
  if (upload.checksumAlgorithm && copied.checksum) {
    part.checksum = { algorithm: upload.checksumAlgorithm, value: copied.checksum, type: 'FULL_OBJECT' };
  }
  await recordPart(deps, part);
  const result: Record<string, string> = {
    LastModified: new Date(part.lastModified).toISOString(),
    ETag: quoteEtag(part.etag),
  };
  if (part.checksum) result[checksumElement(part.checksum.algorithm)] = part.checksum.value;
  return xmlResponse(renderXml('CopyPartResult', result), 200, copySourceVersionHeader(source));
};

export const abortMultipartUpload: S3Handler = async (deps, req) => {
  await requireBucket(deps, req.op.bucket!);
  const released = await deps.metadata.abortUpload(
    req.op.bucket!,
    req.op.key!,
    req.query.get('uploadId') ?? '',
  );
  if (released.length > 0) await deps.blobs.delete(released);
  return emptyResponse(204);
};

/** The S3 multipart ETag: MD5 of the concatenated binary part MD5s, then "-N". */
export function multipartEtag(partEtags: string[]): string {
  const md5 = createHash('md5');
  for (const e of partEtags) md5.update(Buffer.from(e, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}
