import { describe, expect, it } from 'vitest';
import type { TesseraError } from '../core/index.js';
import { accessChecks, type Operation } from './ops/index.js';
import { bucketFromHost, routeRequest } from './router.js';

const DOMAINS = ['s3.example.com'];

function route(
  method: string,
  url: string,
  opts: { host?: string; copy?: boolean; headers?: Record<string, string> } = {},
): Operation {
  const q = url.indexOf('?');
  return routeRequest(
    {
      method,
      rawPath: q < 0 ? url : url.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      host: opts.host ?? '127.0.0.1:9000',
      copySource: opts.copy ?? opts.headers?.['x-amz-copy-source'] !== undefined,
    },
    DOMAINS,
  );
}

/** A check as the table writes it: action, resource, condition keys, and whether it reads the object's tags. */
interface Check {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  tags?: true;
}

/** The checks of a routed operation (its query values are already parsed into it). */
function checksOf(op: Operation, headers: Record<string, string> = {}): Check[] {
  return accessChecks(op, { headers }).map((c) => ({
    action: c.action,
    resource: c.resource,
    ...(Object.keys(c.context).length > 0 ? { context: c.context } : {}),
    ...(c.existingTagsOf !== undefined ? { tags: true as const } : {}),
  }));
}

const B = 'arn:aws:s3:::bkt';
const K = 'arn:aws:s3:::bkt/k';
const COPY = { 'x-amz-copy-source': 'src/a' };
const copyTarget = { action: 's3:PutObject', resource: K, context: { 's3:x-amz-copy-source': 'src/a' } };
const copyRead = { action: 's3:GetObject', resource: 'arn:aws:s3:::src/a', tags: true as const };
/** Object Lock headers (the date left out: its remaining-days key moves with the clock). */
const LOCK_HEADERS = { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-legal-hold': 'ON' };
const LOCK_CONTEXT = { 's3:object-lock-mode': 'GOVERNANCE', 's3:object-lock-legal-hold': 'ON' };

/**
 * One row per route: the request in path style and virtual-host style, the operation it becomes
 * with exactly its own fields (besides name, bucket, key and virtualHost), and its access checks.
 */
interface Row {
  method: string;
  url: string;
  vh: string;
  name: string;
  fields?: Record<string, unknown>;
  checks: Check[];
  headers?: Record<string, string>;
}

const row = (
  method: string,
  url: string,
  vh: string,
  name: string,
  checks: Check[],
  more: Pick<Row, 'fields' | 'headers'> = {},
): Row => ({ method, url, vh, name, checks, ...more });

const TABLE: Row[] = [
  row('GET', '/bkt', '/', 'ListObjects', [{ action: 's3:ListBucket', resource: B }]),
  row(
    'GET',
    '/bkt?marker=m&max-keys=5&delimiter=%2F&encoding-type=url',
    '/?marker=m&max-keys=5&delimiter=%2F&encoding-type=url',
    'ListObjects',
    [{ action: 's3:ListBucket', resource: B, context: { 's3:delimiter': '/', 's3:max-keys': '5' } }],
    { fields: { marker: 'm', maxKeys: 5, delimiter: '/', encodingType: 'url' } },
  ),
  row(
    'GET',
    '/bkt?list-type=2&prefix=a',
    '/?list-type=2&prefix=a',
    'ListObjectsV2',
    [{ action: 's3:ListBucket', resource: B, context: { 's3:prefix': 'a' } }],
    { fields: { prefix: 'a', fetchOwner: false } },
  ),
  row(
    'GET',
    '/bkt?list-type=2&continuation-token=YQ&start-after=s&fetch-owner=true',
    '/?list-type=2&continuation-token=YQ&start-after=s&fetch-owner=true',
    'ListObjectsV2',
    [{ action: 's3:ListBucket', resource: B }],
    { fields: { continuationToken: { token: 'YQ', after: 'a' }, startAfter: 's', fetchOwner: true } },
  ),
  row('GET', '/bkt?location', '/?location', 'GetBucketLocation', [
    { action: 's3:GetBucketLocation', resource: B },
  ]),
  row('GET', '/bkt?uploads', '/?uploads', 'ListMultipartUploads', [
    { action: 's3:ListBucketMultipartUploads', resource: B },
  ]),
  row(
    'GET',
    '/bkt?uploads&prefix=p&key-marker=k&upload-id-marker=u&max-uploads=3',
    '/?uploads&prefix=p&key-marker=k&upload-id-marker=u&max-uploads=3',
    'ListMultipartUploads',
    [{ action: 's3:ListBucketMultipartUploads', resource: B }],
    { fields: { prefix: 'p', keyMarker: 'k', uploadIdMarker: 'u', maxUploads: 3 } },
  ),
  row('GET', '/bkt?tagging', '/?tagging', 'GetBucketTagging', [
    { action: 's3:GetBucketTagging', resource: B },
  ]),
  row('GET', '/bkt?versioning', '/?versioning', 'GetBucketVersioning', [
    { action: 's3:GetBucketVersioning', resource: B },
  ]),
  row('GET', '/bkt?acl', '/?acl', 'GetBucketAcl', [{ action: 's3:GetBucketAcl', resource: B }]),
  row('PUT', '/bkt?acl', '/?acl', 'PutBucketAcl', [{ action: 's3:PutBucketAcl', resource: B }]),
  row('GET', '/bkt/k?acl', '/k?acl', 'GetObjectAcl', [{ action: 's3:GetObjectAcl', resource: K }]),
  row('PUT', '/bkt/k?acl', '/k?acl', 'PutObjectAcl', [{ action: 's3:PutObjectAcl', resource: K }]),
  row('GET', '/bkt?ownershipControls', '/?ownershipControls', 'GetBucketOwnershipControls', [
    { action: 's3:GetBucketOwnershipControls', resource: B },
  ]),
  row('PUT', '/bkt?ownershipControls', '/?ownershipControls', 'PutBucketOwnershipControls', [
    { action: 's3:PutBucketOwnershipControls', resource: B },
  ]),
  row('DELETE', '/bkt?ownershipControls', '/?ownershipControls', 'DeleteBucketOwnershipControls', [
    { action: 's3:PutBucketOwnershipControls', resource: B },
  ]),
  row('GET', '/bkt?policy', '/?policy', 'GetBucketPolicy', [{ action: 's3:GetBucketPolicy', resource: B }]),
  row('PUT', '/bkt?policy', '/?policy', 'PutBucketPolicy', [{ action: 's3:PutBucketPolicy', resource: B }]),
  row('DELETE', '/bkt?policy', '/?policy', 'DeleteBucketPolicy', [
    { action: 's3:DeleteBucketPolicy', resource: B },
  ]),
  row('GET', '/bkt?policyStatus', '/?policyStatus', 'GetBucketPolicyStatus', [
    { action: 's3:GetBucketPolicyStatus', resource: B },
  ]),
  row('HEAD', '/bkt', '/', 'HeadBucket', [{ action: 's3:ListBucket', resource: B }]),
  row('PUT', '/bkt', '/', 'CreateBucket', [{ action: 's3:CreateBucket', resource: B }]),
  row('PUT', '/bkt?tagging', '/?tagging', 'PutBucketTagging', [
    { action: 's3:PutBucketTagging', resource: B },
  ]),
  row('PUT', '/bkt?versioning', '/?versioning', 'PutBucketVersioning', [
    { action: 's3:PutBucketVersioning', resource: B },
  ]),
  row(
    'GET',
    '/bkt?versions&prefix=a&max-keys=5',
    '/?versions&prefix=a&max-keys=5',
    'ListObjectVersions',
    [
      {
        action: 's3:ListBucketVersions',
        resource: 'arn:aws:s3:::bkt',
        context: { 's3:prefix': 'a', 's3:max-keys': '5' },
      },
    ],
    { fields: { prefix: 'a', maxKeys: 5 } },
  ),
  row('DELETE', '/bkt', '/', 'DeleteBucket', [{ action: 's3:DeleteBucket', resource: B }]),
  row('DELETE', '/bkt?tagging', '/?tagging', 'DeleteBucketTagging', [
    { action: 's3:PutBucketTagging', resource: B },
  ]),
  row('POST', '/bkt?delete', '/?delete', 'DeleteObjects', []),
  row('POST', '/bkt', '/', 'PostObject', []),
  row('GET', '/bkt/k', '/k', 'GetObject', [{ action: 's3:GetObject', resource: K, tags: true }]),
  row(
    'GET',
    '/bkt/k?partNumber=2',
    '/k?partNumber=2',
    'GetObject',
    [{ action: 's3:GetObject', resource: K, tags: true }],
    { fields: { partNumber: 2 } },
  ),
  row(
    'GET',
    '/bkt/k?versionId=null',
    '/k?versionId=null',
    'GetObject',
    [{ action: 's3:GetObjectVersion', resource: K, context: { 's3:versionid': 'null' }, tags: true }],
    { fields: { versionId: 'null' } },
  ),
  row(
    'GET',
    '/bkt/k?response-content-type=text%2Fplain&response-expires=0',
    '/k?response-content-type=text%2Fplain&response-expires=0',
    'GetObject',
    [{ action: 's3:GetObject', resource: K, tags: true }],
    { fields: { responseOverrides: { 'response-content-type': 'text/plain', 'response-expires': '0' } } },
  ),
  row(
    'GET',
    '/bkt/k?uploadId=u',
    '/k?uploadId=u',
    'ListParts',
    [{ action: 's3:ListMultipartUploadParts', resource: K }],
    { fields: { uploadId: 'u' } },
  ),
  row(
    'GET',
    '/bkt/k?uploadId=u&max-parts=2&part-number-marker=1',
    '/k?uploadId=u&max-parts=2&part-number-marker=1',
    'ListParts',
    [{ action: 's3:ListMultipartUploadParts', resource: K }],
    { fields: { uploadId: 'u', maxParts: 2, partNumberMarker: 1 } },
  ),
  row('GET', '/bkt/k?tagging', '/k?tagging', 'GetObjectTagging', [
    { action: 's3:GetObjectTagging', resource: K, tags: true },
  ]),
  row(
    'GET',
    '/bkt/k?tagging&versionId=null',
    '/k?tagging&versionId=null',
    'GetObjectTagging',
    [{ action: 's3:GetObjectVersionTagging', resource: K, context: { 's3:versionid': 'null' }, tags: true }],
    { fields: { versionId: 'null' } },
  ),
  row('HEAD', '/bkt/k', '/k', 'HeadObject', [{ action: 's3:GetObject', resource: K, tags: true }]),
  row('PUT', '/bkt/k?x-id=PutObject', '/k?x-id=PutObject', 'PutObject', [
    { action: 's3:PutObject', resource: K },
  ]),
  row('PUT', '/bkt/k', '/k', 'CopyObject', [copyRead, copyTarget], { headers: COPY }),
  row(
    'PUT',
    '/bkt/k?partNumber=1&uploadId=u',
    '/k?partNumber=1&uploadId=u',
    'UploadPart',
    [{ action: 's3:PutObject', resource: K }],
    { fields: { partNumber: 1, uploadId: 'u' } },
  ),
  row(
    'PUT',
    '/bkt/k?partNumber=1&uploadId=u',
    '/k?partNumber=1&uploadId=u',
    'UploadPartCopy',
    [copyRead, copyTarget],
    {
      fields: { partNumber: 1, uploadId: 'u' },
      headers: COPY,
    },
  ),
  row('PUT', '/bkt/k?tagging', '/k?tagging', 'PutObjectTagging', [
    { action: 's3:PutObjectTagging', resource: K, tags: true },
  ]),
  row('DELETE', '/bkt/k', '/k', 'DeleteObject', [{ action: 's3:DeleteObject', resource: K }]),
  row(
    'DELETE',
    '/bkt/k?versionId=null',
    '/k?versionId=null',
    'DeleteObject',
    [{ action: 's3:DeleteObjectVersion', resource: K, context: { 's3:versionid': 'null' } }],
    { fields: { versionId: 'null' } },
  ),
  row(
    'DELETE',
    '/bkt/k?uploadId=u',
    '/k?uploadId=u',
    'AbortMultipartUpload',
    [{ action: 's3:AbortMultipartUpload', resource: K }],
    { fields: { uploadId: 'u' } },
  ),
  row('DELETE', '/bkt/k?tagging', '/k?tagging', 'DeleteObjectTagging', [
    { action: 's3:DeleteObjectTagging', resource: K, tags: true },
  ]),
  row('POST', '/bkt/k?uploads', '/k?uploads', 'CreateMultipartUpload', [
    { action: 's3:PutObject', resource: K },
  ]),
  row('POST', '/bkt/k?uploads=', '/k?uploads=', 'CreateMultipartUpload', [
    { action: 's3:PutObject', resource: K },
  ]),
  row(
    'POST',
    '/bkt/k?uploadId=u',
    '/k?uploadId=u',
    'CompleteMultipartUpload',
    [{ action: 's3:PutObject', resource: K }],
    { fields: { uploadId: 'u' } },
  ),
  row('POST', '/bkt/k', '/k', 'NotImplemented', []),
  row('GET', '/bkt/k?torrent', '/k?torrent', 'NotImplemented', []),
  row('GET', '/bkt?object-lock', '/?object-lock', 'GetObjectLockConfiguration', [
    { action: 's3:GetBucketObjectLockConfiguration', resource: B },
  ]),
  row('PUT', '/bkt?object-lock', '/?object-lock', 'PutObjectLockConfiguration', [
    { action: 's3:PutBucketObjectLockConfiguration', resource: B },
  ]),
  row(
    'GET',
    '/bkt/k?retention&versionId=null',
    '/k?retention&versionId=null',
    'GetObjectRetention',
    [{ action: 's3:GetObjectRetention', resource: K, context: { 's3:versionid': 'null' } }],
    { fields: { versionId: 'null' } },
  ),
  // Their condition keys are in the body: the handler asks s3:PutObjectRetention / s3:PutObjectLegalHold.
  row('PUT', '/bkt/k?retention', '/k?retention', 'PutObjectRetention', []),
  row('GET', '/bkt/k?legal-hold', '/k?legal-hold', 'GetObjectLegalHold', [
    { action: 's3:GetObjectLegalHold', resource: K },
  ]),
  row('PUT', '/bkt/k?legal-hold', '/k?legal-hold', 'PutObjectLegalHold', []),
  row(
    'PUT',
    '/bkt/k',
    '/k',
    'PutObject',
    [
      { action: 's3:PutObject', resource: K, context: LOCK_CONTEXT },
      { action: 's3:PutObjectRetention', resource: K, context: LOCK_CONTEXT },
      { action: 's3:PutObjectLegalHold', resource: K, context: LOCK_CONTEXT },
    ],
    { headers: LOCK_HEADERS },
  ),
  row(
    'PUT',
    '/bkt',
    '/',
    'CreateBucket',
    [
      { action: 's3:CreateBucket', resource: B },
      { action: 's3:PutBucketObjectLockConfiguration', resource: B },
      { action: 's3:PutBucketVersioning', resource: B },
    ],
    { headers: { 'x-amz-bucket-object-lock-enabled': 'true' } },
  ),
  row('GET', '/bkt/k?attributes', '/k?attributes', 'GetObjectAttributes', [
    { action: 's3:GetObjectAttributes', resource: K, tags: true },
  ]),
  row(
    'GET',
    '/bkt/k?attributes&versionId=null',
    '/k?attributes&versionId=null',
    'GetObjectAttributes',
    [
      {
        action: 's3:GetObjectVersionAttributes',
        resource: K,
        context: { 's3:versionid': 'null' },
        tags: true,
      },
    ],
    { fields: { versionId: 'null' } },
  ),
  // Conditional writes and deletes: s3:if-match / s3:if-none-match, and s3:GetObject for an ETag.
  row(
    'PUT',
    '/bkt/k',
    '/k',
    'PutObject',
    [{ action: 's3:PutObject', resource: K, context: { 's3:if-none-match': '*' } }],
    { headers: { 'if-none-match': '*' } },
  ),
  row(
    'PUT',
    '/bkt/k',
    '/k',
    'PutObject',
    [
      { action: 's3:PutObject', resource: K, context: { 's3:if-match': '"e"' } },
      { action: 's3:GetObject', resource: K },
    ],
    { headers: { 'if-match': '"e"' } },
  ),
  row(
    'POST',
    '/bkt/k?uploadId=u',
    '/k?uploadId=u',
    'CompleteMultipartUpload',
    [{ action: 's3:PutObject', resource: K, context: { 's3:if-none-match': '*' } }],
    { fields: { uploadId: 'u' }, headers: { 'if-none-match': '*' } },
  ),
  row(
    'DELETE',
    '/bkt/k',
    '/k',
    'DeleteObject',
    [
      { action: 's3:DeleteObject', resource: K, context: { 's3:if-match': '"e"' } },
      { action: 's3:GetObject', resource: K },
    ],
    { headers: { 'if-match': '"e"' } },
  ),
  row(
    'DELETE',
    '/bkt/k',
    '/k',
    'DeleteObject',
    [{ action: 's3:DeleteObject', resource: K, context: { 's3:if-match': '*' } }],
    {
      headers: { 'if-match': '*' },
    },
  ),
  // Several sub-resources: the precedence S3 requests have always been routed by here.
  row('GET', '/bkt?policy&tagging', '/?policy&tagging', 'GetBucketPolicy', [
    { action: 's3:GetBucketPolicy', resource: B },
  ]),
  row('PUT', '/bkt?tagging&versioning', '/?tagging&versioning', 'PutBucketTagging', [
    { action: 's3:PutBucketTagging', resource: B },
  ]),
  row(
    'GET',
    '/bkt/k?tagging&uploadId=u',
    '/k?tagging&uploadId=u',
    'ListParts',
    [{ action: 's3:ListMultipartUploadParts', resource: K }],
    { fields: { uploadId: 'u' } },
  ),
  row('PUT', '/bkt/k?tagging&uploadId=u', '/k?tagging&uploadId=u', 'PutObjectTagging', [
    { action: 's3:PutObjectTagging', resource: K, tags: true },
  ]),
  row('DELETE', '/bkt/k?tagging&uploadId=u', '/k?tagging&uploadId=u', 'DeleteObjectTagging', [
    { action: 's3:DeleteObjectTagging', resource: K, tags: true },
  ]),
  row('GET', '/bkt/k?uploads', '/k?uploads', 'GetObject', [
    { action: 's3:GetObject', resource: K, tags: true },
  ]),
];

describe('routeRequest', () => {
  it.each(TABLE)('$method $url → $name (path style)', (r) => {
    const op = route(r.method, r.url, r.headers ? { headers: r.headers } : {});
    expect(op.name).toBe(r.name);
    expect(op.bucket).toBe('bkt');
    expect(op.virtualHost).toBe(false);
    const key = r.url.startsWith('/bkt/') ? { key: 'k' } : {};
    expect(op).toEqual({ name: r.name, virtualHost: false, bucket: 'bkt', ...key, ...r.fields });
    expect(checksOf(op, r.headers)).toEqual(r.checks);
  });

  it.each(TABLE)('$method $vh → $name (virtual-host style)', (r) => {
    const op = route(r.method, r.vh, {
      host: 'bkt.s3.example.com:9000',
      ...(r.headers ? { headers: r.headers } : {}),
    });
    expect(op.name).toBe(r.name);
    expect(op.bucket).toBe('bkt');
    expect(op.virtualHost).toBe(true);
    const key = r.vh.startsWith('/k') ? { key: 'k' } : {};
    expect(op).toEqual({ name: r.name, virtualHost: true, bucket: 'bkt', ...key, ...r.fields });
    expect(checksOf(op, r.headers)).toEqual(r.checks);
  });

  it('routes the service endpoint', () => {
    expect(route('GET', '/').name).toBe('ListBuckets');
    expect(route('POST', '/').name).toBe('PostService');
    expect(route('GET', '/', { host: 's3.example.com' }).name).toBe('ListBuckets');
    expect(route('GET', '/')).toEqual({ name: 'ListBuckets', virtualHost: false });
    expect(checksOf(route('GET', '/'))).toEqual([
      { action: 's3:ListAllMyBuckets', resource: 'arn:aws:s3:::*' },
    ]);
    expect(checksOf(route('POST', '/'))).toEqual([]);
  });

  it('decodes keys exactly, keeping //, .. and %', () => {
    expect(route('GET', '/bkt/a//b/../c%25d%20e%2Bf+g').key).toBe('a//b/../c%d e+f+g');
    expect(route('GET', '/bkt/%C3%BC').key).toBe('ü');
    expect(route('GET', '/bkt//lead').key).toBe('/lead');
  });

  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as TesseraError).code;
    }
    return undefined;
  };

  it('rejects invalid names and malformed encodings with their S3 codes', () => {
    expect(code(() => route('GET', '/Bad_Bucket'))).toBe('InvalidBucketName');
    expect(code(() => route('GET', `/bkt/${'k'.repeat(1025)}`))).toBe('KeyTooLongError');
    expect(code(() => route('GET', '/bkt/%E0%A4%A'))).toBe('InvalidURI');
    expect(code(() => route('PATCH', '/bkt/k'))).toBe('MethodNotAllowed');
  });

  it('parses query values once: malformed ones are InvalidArgument', () => {
    const message = (url: string, method = 'GET') => {
      try {
        route(method, url);
      } catch (e) {
        return [(e as TesseraError).code, (e as TesseraError).message];
      }
      return undefined;
    };
    const part = ['InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive'];
    expect(message('/bkt/k?partNumber=0')).toEqual(part);
    expect(message('/bkt/k?partNumber=10001', 'HEAD')).toEqual(part);
    expect(message('/bkt/k?uploadId=u&partNumber=x', 'PUT')).toEqual(part);
    expect(message('/bkt/k?uploadId=u', 'PUT')).toEqual(part);
    expect(message('/bkt?max-keys=-1')).toEqual([
      'InvalidArgument',
      'Provided max-keys not an integer or within integer range',
    ]);
    expect(message('/bkt/k?uploadId=u&part-number-marker=x')).toEqual([
      'InvalidArgument',
      'Invalid part-number-marker',
    ]);
    expect(message('/bkt?encoding-type=base64')).toEqual([
      'InvalidArgument',
      'Invalid Encoding Method specified in Request',
    ]);
    expect(message('/bkt?list-type=2&continuation-token=%25%25')).toEqual([
      'InvalidArgument',
      'The continuation token provided is incorrect',
    ]);
    // The list limit is applied by the handler; the operation keeps what was asked for.
    expect(route('GET', '/bkt?max-keys=5000')).toMatchObject({ maxKeys: 5000 });
  });

  it('finds the bucket in the Host header only under a configured domain', () => {
    expect(bucketFromHost('photos.s3.example.com:9000', DOMAINS)).toBe('photos');
    expect(bucketFromHost('s3.example.com', DOMAINS)).toBeUndefined();
    expect(bucketFromHost('photos.other.com', DOMAINS)).toBeUndefined();
    expect(bucketFromHost('my.dotted.bucket.s3.example.com', DOMAINS)).toBe('my.dotted.bucket');
  });

  it('checks versionId where operations take one: empty or malformed is InvalidArgument', () => {
    const fail = (url: string) => {
      try {
        route('GET', url);
      } catch (e) {
        const err = e as TesseraError;
        return [err.code, err.message, err.detail['ArgumentName']];
      }
      return undefined;
    };
    const versioned = route('GET', '/bkt/k?versionId=null');
    expect(versioned).toMatchObject({ versionId: 'null' });
    expect(checksOf(versioned)[0]).toMatchObject({ action: 's3:GetObjectVersion' });
    expect(route('GET', '/bkt/k?versionId=3a1f7c2e-9b4d-4e8a-8c6f-0d2b5e7a9c11')).toMatchObject({
      versionId: '3a1f7c2e-9b4d-4e8a-8c6f-0d2b5e7a9c11',
    });
    expect(fail('/bkt/k?versionId=')).toEqual([
      'InvalidArgument',
      'Version id cannot be the empty string',
      'versionId',
    ]);
    expect(fail('/bkt/k?versionId=bogus')).toEqual([
      'InvalidArgument',
      'Invalid version id specified',
      'versionId',
    ]);
    expect(fail('/bkt/k?versionId=%0A')).toEqual([
      'InvalidArgument',
      'Invalid version id specified',
      'versionId',
    ]);
    // Operations without a version form ignore the parameter, as S3 does.
    expect(route('PUT', '/bkt/k?versionId=bogus').name).toBe('PutObject');
    expect(route('GET', '/bkt?versionId=bogus').name).toBe('ListObjects');
    expect(route('PUT', '/bkt/k?versionId=bogus')).toEqual({
      name: 'PutObject',
      virtualHost: false,
      bucket: 'bkt',
      key: 'k',
    });
  });
});
