import { renderXml } from '../../core/index.js';
import type { ListObjectsResult, ObjectSummary } from '../../storage/index.js';
import type { S3Deps, S3Handler, S3Request } from '../context.js';
import { xmlResponse } from '../context.js';
import { quoteEtag } from '../object-headers.js';
import type { ListObjects, ListObjectsV2 } from '../ops/listing.js';
import { continuationTokenAfter, listLimit } from '../query-params.js';
import { accountOwner, requireBucket } from './buckets.js';

export type Encoder = (s: string) => string;

/** encoding-type=url (checked by the router): every byte but unreserved characters and '/' percent-encoded, as S3. */
export function keyEncoder(encodingType: string | undefined): Encoder {
  if (encodingType === undefined) return (s) => s;
  return (s) =>
    encodeURIComponent(s)
      .replace(/%2F/g, '/')
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function contents(
  objects: ObjectSummary[],
  enc: Encoder,
  owner: { ID: string; DisplayName: string } | undefined,
) {
  return objects.map((o) => ({
    Key: enc(o.key),
    LastModified: new Date(o.lastModified).toISOString(),
    ETag: quoteEtag(o.etag),
    Size: o.size,
    Owner: owner,
    StorageClass: 'STANDARD',
  }));
}

async function list(
  deps: S3Deps,
  req: S3Request<ListObjects | ListObjectsV2>,
  after: string,
  maxKeys: number,
  withOwner: boolean,
): Promise<ListObjectsResult & { owner?: { ID: string; DisplayName: string } }> {
  const { bucket, prefix = '', delimiter = '' } = req.op;
  const { account } = await requireBucket(deps, bucket);
  const result = await deps.metadata.listObjects({ bucket, prefix, delimiter, after, maxKeys });
  return withOwner ? { ...result, owner: await accountOwner(deps, account) } : result;
}

export const listObjectsV1: S3Handler<'ListObjects'> = async (deps, req) => {
  const { op } = req;
  const enc = keyEncoder(op.encodingType);
  const maxKeys = listLimit(op.maxKeys);
  const marker = op.marker ?? '';
  const delimiter = op.delimiter ?? '';
  const result = await list(deps, req, marker, maxKeys, true);
  return xmlResponse(
    renderXml('ListBucketResult', {
      Name: op.bucket,
      Prefix: enc(op.prefix ?? ''),
      Marker: enc(marker),
      MaxKeys: maxKeys,
      Delimiter: delimiter === '' ? undefined : enc(delimiter),
      EncodingType: op.encodingType,
      IsTruncated: result.isTruncated,
      // "This element is returned only if you have the delimiter request parameter specified."
      NextMarker:
        result.isTruncated && delimiter !== '' && result.nextAfter !== undefined
          ? enc(result.nextAfter)
          : undefined,
      Contents: contents(result.objects, enc, result.owner),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
};

export const listObjectsV2: S3Handler<'ListObjectsV2'> = async (deps, req) => {
  const { op } = req;
  const enc = keyEncoder(op.encodingType);
  const maxKeys = listLimit(op.maxKeys);
  const startAfter = op.startAfter ?? '';
  const after = op.continuationToken?.after ?? startAfter;
  const delimiter = op.delimiter ?? '';
  const result = await list(deps, req, after, maxKeys, op.fetchOwner);
  return xmlResponse(
    renderXml('ListBucketResult', {
      Name: op.bucket,
      Prefix: enc(op.prefix ?? ''),
      MaxKeys: maxKeys,
      KeyCount: result.objects.length + result.commonPrefixes.length,
      Delimiter: delimiter === '' ? undefined : enc(delimiter),
      EncodingType: op.encodingType,
      IsTruncated: result.isTruncated,
      ContinuationToken: op.continuationToken?.token,
      NextContinuationToken:
        result.isTruncated && result.nextAfter !== undefined
          ? continuationTokenAfter(result.nextAfter)
          : undefined,
      StartAfter: startAfter === '' ? undefined : enc(startAfter),
      Contents: contents(result.objects, enc, result.owner),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
};
