import { renderXml, TesseraError } from '../../core/index.js';
import type { ListObjectsResult, ObjectSummary } from '../../storage/index.js';
import type { S3Deps, S3Handler, S3Request } from '../context.js';
import { xmlResponse } from '../context.js';
import { quoteEtag } from '../object-headers.js';
import { requireBucket } from './buckets.js';

/** "Returns some or all (up to 1,000) of the objects in a bucket." */
const MAX_KEYS = 1000;

export function parseMaxKeys(value: string | null, name = 'max-keys'): number {
  if (value === null) return MAX_KEYS;
  if (!/^\d+$/.test(value))
    throw new TesseraError('InvalidArgument', `Provided ${name} not an integer or within integer range`);
  return Math.min(Number(value), MAX_KEYS);
}

export type Encoder = (s: string) => string;

/** encoding-type=url: every byte but unreserved characters and '/' percent-encoded, as S3. */
export function keyEncoder(req: S3Request): Encoder {
  const type = req.query.get('encoding-type');
  if (type === null) return (s) => s;
  if (type.toLowerCase() !== 'url')
    throw new TesseraError('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return (s) =>
    encodeURIComponent(s)
      .replace(/%2F/g, '/')
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function contents(deps: S3Deps, objects: ObjectSummary[], enc: Encoder, withOwner: boolean) {
  return objects.map((o) => ({
    Key: enc(o.key),
    LastModified: new Date(o.lastModified).toISOString(),
    ETag: quoteEtag(o.etag),
    Size: o.size,
    Owner: withOwner ? { ID: deps.owner.id, DisplayName: deps.owner.displayName } : undefined,
    StorageClass: 'STANDARD',
  }));
}

async function list(
  deps: S3Deps,
  req: S3Request,
  after: string,
  maxKeys: number,
): Promise<ListObjectsResult> {
  const bucket = req.op.bucket!;
  await requireBucket(deps, bucket);
  return deps.metadata.listObjects({
    bucket,
    prefix: req.query.get('prefix') ?? '',
    delimiter: req.query.get('delimiter') ?? '',
    after,
    maxKeys,
  });
}

export const listObjectsV1: S3Handler = async (deps, req) => {
  const enc = keyEncoder(req);
  const maxKeys = parseMaxKeys(req.query.get('max-keys'));
  const marker = req.query.get('marker') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  const result = await list(deps, req, marker, maxKeys);
  return xmlResponse(
    renderXml('ListBucketResult', {
      Name: req.op.bucket,
      Prefix: enc(req.query.get('prefix') ?? ''),
      Marker: enc(marker),
      MaxKeys: maxKeys,
      Delimiter: delimiter === '' ? undefined : enc(delimiter),
      EncodingType: req.query.get('encoding-type') ?? undefined,
      IsTruncated: result.isTruncated,
      // "This element is returned only if you have the delimiter request parameter specified."
      NextMarker:
        result.isTruncated && delimiter !== '' && result.nextAfter !== undefined
          ? enc(result.nextAfter)
          : undefined,
      Contents: contents(deps, result.objects, enc, true),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
};

function decodeToken(token: string): string {
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) {
    throw new TesseraError('InvalidArgument', 'The continuation token provided is incorrect');
  }
  return after;
}

export const listObjectsV2: S3Handler = async (deps, req) => {
  const enc = keyEncoder(req);
  const maxKeys = parseMaxKeys(req.query.get('max-keys'));
  const token = req.query.get('continuation-token');
  const startAfter = req.query.get('start-after') ?? '';
  const after = token !== null ? decodeToken(token) : startAfter;
  const delimiter = req.query.get('delimiter') ?? '';
  const result = await list(deps, req, after, maxKeys);
  return xmlResponse(
    renderXml('ListBucketResult', {
      Name: req.op.bucket,
      Prefix: enc(req.query.get('prefix') ?? ''),
      MaxKeys: maxKeys,
      KeyCount: result.objects.length + result.commonPrefixes.length,
      Delimiter: delimiter === '' ? undefined : enc(delimiter),
      EncodingType: req.query.get('encoding-type') ?? undefined,
      IsTruncated: result.isTruncated,
      ContinuationToken: token ?? undefined,
      NextContinuationToken:
        result.isTruncated && result.nextAfter !== undefined
          ? Buffer.from(result.nextAfter).toString('base64url')
          : undefined,
      StartAfter: startAfter === '' ? undefined : enc(startAfter),
      Contents: contents(deps, result.objects, enc, req.query.get('fetch-owner') === 'true'),
      CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
    }),
  );
};
