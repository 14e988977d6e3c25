import { renderXml, type XmlNode } from '../../core/index.js';
import type { VersionSummary } from '../../storage/index.js';
import { type S3Handler, xmlResponse } from '../context.js';
import { quoteEtag } from '../object-headers.js';
import { listLimit } from '../query-params.js';
import { accountOwner, requireBucket } from './buckets.js';
import { type Encoder, keyEncoder } from './list-objects.js';

/** One <Version> or <DeleteMarker> entry, in S3's element order (literal objects: no spreads on this hot loop). */
function entry(v: VersionSummary, enc: Encoder, owner: XmlNode): XmlNode {
  const lastModified = new Date(v.lastModified).toISOString();
  if (v.deleteMarker) {
    return {
      DeleteMarker: {
        Key: enc(v.key),
        VersionId: v.versionId,
        IsLatest: v.isLatest,
        LastModified: lastModified,
        Owner: owner,
      },
    };
  }
  return {
    Version: {
      Key: enc(v.key),
      VersionId: v.versionId,
      IsLatest: v.isLatest,
      LastModified: lastModified,
      ETag: quoteEtag(v.etag),
      Size: v.size,
      Owner: owner,
      StorageClass: 'STANDARD',
    },
  };
}

/**
 * ListObjectVersions: every version and delete marker, keys ascending and each key's versions
 * newest first, <Version> and <DeleteMarker> entries interleaved in that order as S3 writes them.
 */
export const listObjectVersions: S3Handler<'ListObjectVersions'> = async (deps, req) => {
  const { op } = req;
  const enc = keyEncoder(op.encodingType);
  const maxKeys = listLimit(op.maxKeys);
  const prefix = op.prefix ?? '';
  const delimiter = op.delimiter ?? '';
  const keyMarker = op.keyMarker ?? '';
  const versionIdMarker = op.versionIdMarker ?? '';
  const owner = await accountOwner(deps, (await requireBucket(deps, op.bucket)).account);
  const result = await deps.metadata.listObjectVersions(op.bucket, {
    prefix,
    delimiter,
    keyMarker,
    versionIdMarker,
    maxKeys,
  });
  return xmlResponse(
    renderXml('ListVersionsResult', {
      Name: op.bucket,
      Prefix: enc(prefix),
      KeyMarker: enc(keyMarker),
      VersionIdMarker: versionIdMarker,
      NextKeyMarker:
        result.isTruncated && result.nextKeyMarker !== undefined ? enc(result.nextKeyMarker) : undefined,
      NextVersionIdMarker: result.isTruncated ? result.nextVersionIdMarker : undefined,
      MaxKeys: maxKeys,
      Delimiter: delimiter === '' ? undefined : enc(delimiter),
      EncodingType: op.encodingType,
      IsTruncated: result.isTruncated,
      '': result.versions.map((v) => entry(v, enc, owner)),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
};
