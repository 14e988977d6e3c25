import { renderXml, TesseraError } from '../../core/index.js';
import { checksumElement } from '../checksum-headers.js';
import { type S3Handler, xmlResponse } from '../context.js';
import { quoteEtag } from '../object-headers.js';
import { requireBucket } from './buckets.js';
import { keyEncoder, parseMaxKeys } from './list-objects.js';
import { requireUpload } from './multipart.js';

export const listParts: S3Handler = async (deps, req) => {
  const upload = await requireUpload(deps, req);
  const maxParts = parseMaxKeys(req.query.get('max-parts'), 'max-parts');
  const markerRaw = req.query.get('part-number-marker') ?? '0';
  if (!/^\d+$/.test(markerRaw)) throw new TesseraError('InvalidArgument', 'Invalid part-number-marker');
  const result = await deps.metadata.listParts({
    uploadId: upload.uploadId,
    partNumberMarker: Number(markerRaw),
    maxParts,
  });
  const owner = { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  return xmlResponse(
    renderXml('ListPartsResult', {
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      Initiator: owner,
      Owner: owner,
      StorageClass: 'STANDARD',
      PartNumberMarker: Number(markerRaw),
      NextPartNumberMarker: result.nextPartNumberMarker,
      MaxParts: maxParts,
      IsTruncated: result.isTruncated,
      ChecksumAlgorithm: upload.checksumAlgorithm,
      ChecksumType: upload.checksumType,
      Part: result.parts.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: new Date(p.lastModified).toISOString(),
        ETag: quoteEtag(p.etag),
        Size: p.size,
        ...(p.checksum ? { [checksumElement(p.checksum.algorithm)]: p.checksum.value } : {}),
      })),
    }),
  );
};

export const listMultipartUploads: S3Handler = async (deps, req) => {
  const bucket = req.op.bucket!;
  const enc = keyEncoder(req);
  const maxUploads = parseMaxKeys(req.query.get('max-uploads'), 'max-uploads');
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const keyMarker = req.query.get('key-marker') ?? '';
  const uploadIdMarker = req.query.get('upload-id-marker') ?? '';
  await requireBucket(deps, bucket);
  const result = await deps.metadata.listUploads({
    bucket,
    prefix,
    delimiter,
    keyMarker,
    uploadIdMarker,
    maxUploads,
  });
  const owner = { ID: deps.owner.id, DisplayName: deps.owner.displayName };
  return xmlResponse(
    renderXml('ListMultipartUploadsResult', {
      Bucket: bucket,
      KeyMarker: enc(keyMarker),
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: result.nextKeyMarker !== undefined ? enc(result.nextKeyMarker) : undefined,
      NextUploadIdMarker: result.nextUploadIdMarker,
      Prefix: enc(prefix),
      Delimiter: delimiter === '' ? undefined : enc(delimiter),
      MaxUploads: maxUploads,
      EncodingType: req.query.get('encoding-type') ?? undefined,
      IsTruncated: result.isTruncated,
      Upload: result.uploads.map((u) => ({
        Key: enc(u.key),
        UploadId: u.uploadId,
        Initiator: owner,
        Owner: owner,
        StorageClass: 'STANDARD',
        Initiated: new Date(u.initiatedAt).toISOString(),
        ChecksumAlgorithm: u.checksumAlgorithm,
      })),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
};
