import { renderXml } from '../../core/index.js';
import { checksumElements } from '../checksum-headers.js';
import { type S3Handler, xmlResponse } from '../context.js';
import { quoteEtag } from '../object-headers.js';
import { listLimit } from '../query-params.js';
import { accountOwner, requireBucket } from './buckets.js';
import { keyEncoder } from './list-objects.js';
import { requireUpload } from './multipart.js';

export const listParts: S3Handler<'ListParts'> = async (deps, req) => {
  const upload = await requireUpload(deps, req.op);
  const maxParts = listLimit(req.op.maxParts);
  const partNumberMarker = req.op.partNumberMarker ?? 0;
  const result = await deps.metadata.listParts({ uploadId: upload.uploadId, partNumberMarker, maxParts });
  const owner = await accountOwner(deps, (await requireBucket(deps, upload.bucket)).account);
  return xmlResponse(
    renderXml('ListPartsResult', {
      Bucket: upload.bucket,
      Key: upload.key,
      UploadId: upload.uploadId,
      Initiator: owner,
      Owner: owner,
      StorageClass: 'STANDARD',
      PartNumberMarker: partNumberMarker,
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
        ...checksumElements(p.checksum, 'no-type'),
      })),
    }),
  );
};

export const listMultipartUploads: S3Handler<'ListMultipartUploads'> = async (deps, req) => {
  const { bucket, prefix = '', delimiter = '', keyMarker = '', uploadIdMarker = '' } = req.op;
  const enc = keyEncoder(req.op.encodingType);
  const maxUploads = listLimit(req.op.maxUploads);
  const { account } = await requireBucket(deps, bucket);
  const result = await deps.metadata.listUploads({
    bucket,
    prefix,
    delimiter,
    keyMarker,
    uploadIdMarker,
    maxUploads,
  });
  const owner = await accountOwner(deps, account);
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
      EncodingType: req.op.encodingType,
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
