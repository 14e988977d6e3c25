import {
  combineCrcBase64,
  compositeChecksum,
  renderXml,
  TesseraError,
  xmlList,
  xmlText,
} from '../../core/index.js';
import {
  commitUploadVersioned,
  type MultipartUploadRecord,
  type ObjectChecksum,
  type PartInfo,
  type PartRecord,
} from '../../storage/index.js';
import { checksumElement, checksumElements } from '../checksum-headers.js';
import { checkOnArrival, writeCondition } from '../conditional-write.js';
import { type S3Handler, xmlResponse } from '../context.js';
import { quoteEtag } from '../object-headers.js';
import { completedUploadLock } from '../object-lock/requests.js';
import { objectRecord } from '../object-record.js';
import { sseResponseHeaders, storedPartSize } from '../sse/index.js';
import { writtenVersionHeader } from '../version-id.js';
import { readXmlDocument } from '../xml-body.js';
import { MIN_PART_SIZE, multipartEtag, requireUpload } from './multipart.js';

interface RequestedPart {
  partNumber: number;
  etag: string;
  checksum?: string;
}

function parseCompleteBody(doc: Record<string, unknown>, checksumField: string | undefined): RequestedPart[] {
  const parts = xmlList(doc['Part']).map((p) => {
    const part = p as Record<string, unknown>;
    const num = xmlText(part['PartNumber'])?.trim();
    const etag = xmlText(part['ETag'])?.trim();
    if (num === undefined || etag === undefined || !/^\d+$/.test(num)) throw new TesseraError('MalformedXML');
    const requested: RequestedPart = { partNumber: Number(num), etag: etag.replace(/^"|"$/g, '') };
    const checksum = checksumField ? xmlText(part[checksumField])?.trim() : undefined;
    if (checksum) requested.checksum = checksum;
    return requested;
  });
  if (parts.length === 0) throw new TesseraError('MalformedXML');
  return parts;
}

/** Composite checksum: the checksum of the concatenated raw part checksums, then "-N". */
function composite(parts: PartRecord[], algorithm: ObjectChecksum['algorithm']): ObjectChecksum | undefined {
  const values: string[] = [];
  for (const p of parts) {
    if (p.checksum?.algorithm !== algorithm) return undefined;
    values.push(p.checksum.value);
  }
  return { algorithm, value: compositeChecksum(algorithm, values), type: 'COMPOSITE' };
}

/** Full-object CRC of a multipart object, combined from the parts' CRCs without reading data. */
function fullObjectChecksum(
  parts: PartRecord[],
  algorithm: ObjectChecksum['algorithm'],
): ObjectChecksum | undefined {
  if (algorithm === 'SHA1' || algorithm === 'SHA256') return undefined;
  const values: { value: string; size: number }[] = [];
  for (const p of parts) {
    if (p.checksum?.algorithm !== algorithm) return undefined;
    values.push({ value: p.checksum.value, size: p.size });
  }
  return { algorithm, value: combineCrcBase64(algorithm, values), type: 'FULL_OBJECT' };
}

/** The checksum of the object an upload makes, of the type the upload was created with. */
function uploadChecksum(upload: MultipartUploadRecord, parts: PartRecord[]): ObjectChecksum | undefined {
  if (!upload.checksumAlgorithm) return undefined;
  return upload.checksumType === 'FULL_OBJECT'
    ? fullObjectChecksum(parts, upload.checksumAlgorithm)
    : composite(parts, upload.checksumAlgorithm);
}

export const completeMultipartUpload: S3Handler<'CompleteMultipartUpload'> = async (deps, req) => {
  const condition = writeCondition(req);
  const upload = await requireUpload(deps, req.op);
  await checkOnArrival(deps, upload.bucket, upload.key, condition);
  const field = upload.checksumAlgorithm ? checksumElement(upload.checksumAlgorithm) : undefined;
  const requested = parseCompleteBody(await readXmlDocument(req, 'CompleteMultipartUpload'), field);
  const stored = new Map((await deps.metadata.getParts(upload.uploadId)).map((p) => [p.partNumber, p]));
  // Checked in S3's order: part order first, then each part's existence and ETag, then sizes.
  requested.reduce((previous, r) => {
    if (r.partNumber <= previous)
      throw new TesseraError('InvalidPartOrder', undefined, { UploadId: upload.uploadId });
    return r.partNumber;
  }, 0);
  const chosen = requested.map((r) => {
    const part = stored.get(r.partNumber);
    if (
      !part ||
      part.etag !== r.etag ||
      (r.checksum !== undefined && part.checksum && part.checksum.value !== r.checksum)
    ) {
      throw new TesseraError('InvalidPart', undefined, {
        UploadId: upload.uploadId,
        PartNumber: r.partNumber,
        ETag: r.etag,
      });
    }
    return part;
  });
  chosen.slice(0, -1).forEach((part) => {
    if (part.size < MIN_PART_SIZE) {
      throw new TesseraError('EntityTooSmall', undefined, {
        UploadId: upload.uploadId,
        PartNumber: part.partNumber,
        ProposedSize: part.size,
        MinSizeAllowed: MIN_PART_SIZE,
      });
    }
  });
  const parts: PartInfo[] = chosen.map((p) => {
    const info: PartInfo = { partNumber: p.partNumber, size: p.size, etag: p.etag };
    if (p.checksum) info.checksum = p.checksum;
    return info;
  });
  const record = objectRecord(
    upload,
    req.now,
    {
      size: chosen.reduce((n, p) => n + p.size, 0),
      etag: multipartEtag(chosen.map((p) => p.etag)),
      data: {
        kind: 'blobs',
        // An encrypted part's blob is its sealed sequence (docs/encryption.md "Format").
        segments: chosen.map((p) => {
          const size = storedPartSize(p.size, upload.sse !== undefined);
          return p.crc32 === undefined
            ? { blobId: p.blobId, size }
            : { blobId: p.blobId, size, crc32: p.crc32 };
        }),
      },
      checksum: uploadChecksum(upload, chosen),
      parts,
    },
    upload,
  );
  // Object Lock: the upload's, or the bucket's default retention from now.
  const bucket = await deps.metadata.getBucket(upload.bucket);
  const lock = bucket === undefined ? upload.lock : await completedUploadLock(deps, bucket, upload, req.now);
  if (lock !== undefined) record.lock = lock;
  if (upload.acl !== undefined) record.acl = upload.acl;
  if (upload.sse !== undefined) record.sse = upload.sse;
  // On a conflict the upload stays: its parts are still the client's to complete again.
  const { versionId } = await commitUploadVersioned(deps, upload.uploadId, record, condition);
  const versioning = await deps.metadata.getBucketVersioning(upload.bucket).catch(() => undefined);
  const result = {
    Location: `/${upload.bucket}/${encodeURIComponent(upload.key)}`,
    Bucket: upload.bucket,
    Key: upload.key,
    ETag: quoteEtag(record.etag),
    ...checksumElements(record.checksum, 'type-last'),
  };
  return xmlResponse(renderXml('CompleteMultipartUploadResult', result), 200, {
    ...writtenVersionHeader(versioning, versionId),
    ...(upload.sse?.algorithm === 'SSE-C' ? {} : sseResponseHeaders(upload.sse)),
  });
};
