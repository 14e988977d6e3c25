import { describe, expect, it } from 'vitest';
import type { TesseraError } from '../core/index.js';
import { bucketFromHost, type Operation, routeRequest } from './router.js';

const DOMAINS = ['s3.example.com'];

function route(method: string, url: string, opts: { host?: string; copy?: boolean } = {}): Operation {
  const q = url.indexOf('?');
  return routeRequest(
    {
      method,
      rawPath: q < 0 ? url : url.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      host: opts.host ?? '127.0.0.1:9000',
      copySource: opts.copy ?? false,
    },
    DOMAINS,
  );
}

/** [method, path-style URL, virtual-host path, expected operation, copy-source?] */
const TABLE: [string, string, string, string, boolean?][] = [
  ['GET', '/bkt', '/', 'ListObjects'],
  ['GET', '/bkt?list-type=2&prefix=a', '/?list-type=2&prefix=a', 'ListObjectsV2'],
  ['GET', '/bkt?location', '/?location', 'GetBucketLocation'],
  ['GET', '/bkt?uploads', '/?uploads', 'ListMultipartUploads'],
  ['GET', '/bkt?tagging', '/?tagging', 'GetBucketTagging'],
  ['GET', '/bkt?versioning', '/?versioning', 'GetBucketVersioning'],
  ['GET', '/bkt?acl', '/?acl', 'NotImplemented'],
  ['GET', '/bkt?policy', '/?policy', 'GetBucketPolicy'],
  ['PUT', '/bkt?policy', '/?policy', 'PutBucketPolicy'],
  ['DELETE', '/bkt?policy', '/?policy', 'DeleteBucketPolicy'],
  ['GET', '/bkt?policyStatus', '/?policyStatus', 'GetBucketPolicyStatus'],
  ['HEAD', '/bkt', '/', 'HeadBucket'],
  ['PUT', '/bkt', '/', 'CreateBucket'],
  ['PUT', '/bkt?tagging', '/?tagging', 'PutBucketTagging'],
  ['DELETE', '/bkt', '/', 'DeleteBucket'],
  ['DELETE', '/bkt?tagging', '/?tagging', 'DeleteBucketTagging'],
  ['POST', '/bkt?delete', '/?delete', 'DeleteObjects'],
  ['GET', '/bkt/k', '/k', 'GetObject'],
  ['GET', '/bkt/k?partNumber=2', '/k?partNumber=2', 'GetObject'],
  ['GET', '/bkt/k?uploadId=u', '/k?uploadId=u', 'ListParts'],
  ['GET', '/bkt/k?tagging', '/k?tagging', 'GetObjectTagging'],
  ['HEAD', '/bkt/k', '/k', 'HeadObject'],
  ['PUT', '/bkt/k?x-id=PutObject', '/k?x-id=PutObject', 'PutObject'],
  ['PUT', '/bkt/k', '/k', 'CopyObject', true],
  ['PUT', '/bkt/k?partNumber=1&uploadId=u', '/k?partNumber=1&uploadId=u', 'UploadPart'],
  ['PUT', '/bkt/k?partNumber=1&uploadId=u', '/k?partNumber=1&uploadId=u', 'UploadPartCopy', true],
  ['PUT', '/bkt/k?tagging', '/k?tagging', 'PutObjectTagging'],
  ['DELETE', '/bkt/k', '/k', 'DeleteObject'],
  ['DELETE', '/bkt/k?uploadId=u', '/k?uploadId=u', 'AbortMultipartUpload'],
  ['DELETE', '/bkt/k?tagging', '/k?tagging', 'DeleteObjectTagging'],
  ['POST', '/bkt/k?uploads', '/k?uploads', 'CreateMultipartUpload'],
  ['POST', '/bkt/k?uploads=', '/k?uploads=', 'CreateMultipartUpload'],
  ['POST', '/bkt/k?uploadId=u', '/k?uploadId=u', 'CompleteMultipartUpload'],
  ['GET', '/bkt/k?retention', '/k?retention', 'NotImplemented'],
];

describe('routeRequest', () => {
  it.each(TABLE)('%s %s → %s (path style)', (method, url, _vh, name, copy) => {
    const op = route(method, url, { copy: copy ?? false });
    expect(op.name).toBe(name);
    expect(op.bucket).toBe('bkt');
    expect(op.virtualHost).toBe(false);
  });

  it.each(TABLE)('%s %s → %s (virtual-host style)', (method, _url, vh, name, copy) => {
    const op = route(method, vh, { host: 'bkt.s3.example.com:9000', copy: copy ?? false });
    expect(op.name).toBe(name);
    expect(op.bucket).toBe('bkt');
    expect(op.virtualHost).toBe(true);
  });

  it('routes the service endpoint', () => {
    expect(route('GET', '/').name).toBe('ListBuckets');
    expect(route('POST', '/').name).toBe('PostService');
    expect(route('GET', '/', { host: 's3.example.com' }).name).toBe('ListBuckets');
  });

  it('decodes keys exactly, keeping //, .. and %', () => {
    expect(route('GET', '/bkt/a//b/../c%25d%20e%2Bf+g').key).toBe('a//b/../c%d e+f+g');
    expect(route('GET', '/bkt/%C3%BC').key).toBe('ü');
    expect(route('GET', '/bkt//lead').key).toBe('/lead');
  });

  it('rejects invalid names and malformed encodings with their S3 codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as TesseraError).code;
      }
      return undefined;
    };
    expect(code(() => route('GET', '/Bad_Bucket'))).toBe('InvalidBucketName');
    expect(code(() => route('GET', `/bkt/${'k'.repeat(1025)}`))).toBe('KeyTooLongError');
    expect(code(() => route('GET', '/bkt/%E0%A4%A'))).toBe('InvalidURI');
    expect(code(() => route('PATCH', '/bkt/k'))).toBe('MethodNotAllowed');
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
    expect(route('GET', '/bkt/k?versionId=null')).toMatchObject({
      action: 's3:GetObjectVersion',
      versionId: 'null',
    });
    expect(route('GET', '/bkt/k?versionId=3a1f7c2e-9b4d-4e8a-8c6f-0d2b5e7a9c11').versionId).toBe(
      '3a1f7c2e-9b4d-4e8a-8c6f-0d2b5e7a9c11',
    );
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
  });
});
