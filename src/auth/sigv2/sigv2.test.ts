/**
 * SigV2 against the examples of the Amazon S3 developer guide ("Signing and authenticating REST
 * requests"): bucket johnsmith, virtual-host style, secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.
 */
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { authenticate } from '../authenticate.js';
import type { AuthRequest, VerifyOptions } from '../types.js';
import { canonicalResourceV2, virtualHostBucket } from './string-to-sign.js';
import { signV2 } from './verify.js';

const AK = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const opts = (now: number): VerifyOptions => ({
  now,
  domains: ['s3.amazonaws.com'],
  lookup: (ak) => (ak === AK ? { accessKey: AK, secretKey: SECRET, principal: 'john' } : undefined),
});
const at = (date: string) => Date.parse(date);

function req(method: string, target: string, headers: Record<string, string>): AuthRequest {
  const q = target.indexOf('?');
  return {
    method,
    rawPath: q === -1 ? target : target.slice(0, q),
    rawQuery: q === -1 ? '' : target.slice(q + 1),
    headers: { host: 'johnsmith.s3.amazonaws.com', ...headers },
  };
}

async function codeOf(r: AuthRequest, o: VerifyOptions): Promise<string> {
  const e = await authenticate(r, o).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(TesseraError);
  return (e as TesseraError).code;
}

const EXAMPLES: [string, AuthRequest, string][] = [
  [
    'object GET',
    req('GET', '/photos/puppy.jpg', { date: 'Tue, 27 Mar 2007 19:36:42 +0000' }),
    'Tue, 27 Mar 2007 19:36:42 +0000',
  ],
  [
    'object PUT',
    req('PUT', '/photos/puppy.jpg', {
      'content-type': 'image/jpeg',
      'content-length': '94328',
      date: 'Tue, 27 Mar 2007 21:15:45 +0000',
    }),
    'Tue, 27 Mar 2007 21:15:45 +0000',
  ],
  [
    'list',
    req('GET', '/?prefix=photos&max-keys=50&marker=puppy', {
      'user-agent': 'Mozilla/5.0',
      date: 'Tue, 27 Mar 2007 19:42:41 +0000',
    }),
    'Tue, 27 Mar 2007 19:42:41 +0000',
  ],
  [
    'fetch ACL',
    req('GET', '/?acl', { date: 'Tue, 27 Mar 2007 19:44:46 +0000' }),
    'Tue, 27 Mar 2007 19:44:46 +0000',
  ],
  [
    'upload with metadata',
    {
      ...req('PUT', '/db-backup.dat.gz', {
        'user-agent': 'curl/7.15.5',
        date: 'Tue, 27 Mar 2007 21:06:08 +0000',
        'x-amz-acl': 'public-read',
        'content-type': 'application/x-download',
        'content-md5': '4gJE4saaMU4BqNR0kLY+lw==',
        'x-amz-meta-reviewedby': ['joe@johnsmith.net', 'jane@johnsmith.net'] as unknown as string,
        'x-amz-meta-filechecksum': '0x02661779',
        'x-amz-meta-checksumalgorithm': 'crc32',
        'content-disposition': 'attachment; filename=database.dat',
        'content-encoding': 'gzip',
        'content-length': '5913339',
      }),
      headers: {
        host: 'static.johnsmith.net:8080',
        'user-agent': 'curl/7.15.5',
        date: 'Tue, 27 Mar 2007 21:06:08 +0000',
        'x-amz-acl': 'public-read',
        'content-type': 'application/x-download',
        'content-md5': '4gJE4saaMU4BqNR0kLY+lw==',
        'x-amz-meta-reviewedby': ['joe@johnsmith.net', 'jane@johnsmith.net'],
        'x-amz-meta-filechecksum': '0x02661779',
        'x-amz-meta-checksumalgorithm': 'crc32',
      },
      rawPath: '/static.johnsmith.net/db-backup.dat.gz',
    },
    'Tue, 27 Mar 2007 21:06:08 +0000',
  ],
];
const SIGNATURES: Record<string, string> = {
  'object GET': 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=',
  'object PUT': 'MyyxeRY7whkBe+bq8fHCL/2kKUg=',
  list: 'htDYFYduRNen8P9ZfE/s9SuKy0U=',
  'fetch ACL': 'c2WLPFtWHVgbEmeEG93a4cG37dM=',
  'upload with metadata': 'ilyl83RwaSoYIEdixDQcA4OnAnc=',
};

describe('SigV2 header', () => {
  it.each(EXAMPLES)('verifies the developer guide example: %s', async (name, base, now) => {
    const r = { ...base, headers: { ...base.headers, authorization: `AWS ${AK}:${SIGNATURES[name]}` } };
    await expect(authenticate(r, opts(at(now)))).resolves.toMatchObject({
      kind: 'sigv2-header',
      accessKey: AK,
      principal: 'john',
      signatureVersion: 'AWS',
    });
    const tampered = { ...r, rawPath: `${r.rawPath}x` };
    expect(await codeOf(tampered, opts(at(now)))).toBe('SignatureDoesNotMatch');
    expect(await codeOf(r, opts(at(now) + 16 * 60_000))).toBe('RequestTimeTooSkewed');
  });

  it('follows the x-amz-date rule: empty Date line (s3cmd), or the Date header when both are sent', async () => {
    const amzDate = 'Tue, 27 Mar 2007 21:20:26 +0000';
    const dateHeader = 'Tue, 27 Mar 2007 21:20:27 +0000';
    const amz = `x-amz-date:${amzDate}\n/johnsmith/photos/puppy.jpg`;
    const o = opts(at(amzDate));
    const only = req('DELETE', '/photos/puppy.jpg', { 'x-amz-date': amzDate });
    only.headers.authorization = `AWS ${AK}:${signV2(SECRET, `DELETE\n\n\n\n${amz}`)}`;
    await expect(authenticate(only, o)).resolves.toMatchObject({ signedAt: at(amzDate) });
    for (const dateLine of ['', dateHeader]) {
      const both = req('DELETE', '/photos/puppy.jpg', { 'x-amz-date': amzDate, date: dateHeader });
      both.headers.authorization = `AWS ${AK}:${signV2(SECRET, `DELETE\n\n\n${dateLine}\n${amz}`)}`;
      await expect(authenticate(both, o)).resolves.toMatchObject({
        kind: 'sigv2-header',
        principal: 'john',
        signedAt: at(amzDate),
      });
    }
  });

  it('builds the canonical resource with sorted, decoded sub-resources only', () => {
    const params = [
      { key: 'uploadId', value: 'a%2Fb' },
      { key: 'partNumber', value: '2' },
      { key: 'prefix', value: 'x' },
      { key: 'acl', value: undefined },
    ];
    expect(canonicalResourceV2('/k', params, 'b')).toBe('/b/k?acl&partNumber=2&uploadId=a/b');
    expect(virtualHostBucket('Photos.S3.amazonaws.com:443', ['s3.amazonaws.com'])).toBe('photos');
    expect(virtualHostBucket('s3.amazonaws.com', ['s3.amazonaws.com'])).toBeUndefined();
  });

  it('rejects malformed headers and unknown keys', async () => {
    const base = req('GET', '/photos/puppy.jpg', { date: 'Tue, 27 Mar 2007 19:36:42 +0000' });
    const o = opts(at('Tue, 27 Mar 2007 19:36:42 +0000'));
    for (const authorization of ['AWS ', 'AWS nocolon', `AWS ${AK}:`]) {
      expect(await codeOf({ ...base, headers: { ...base.headers, authorization } }, o)).toBe(
        'AuthorizationHeaderMalformed',
      );
    }
    const unknown = {
      ...base,
      headers: { ...base.headers, authorization: 'AWS AKIDUNKNOWN:bWq2s1WEIj+Ydj0vQ697zp+IXMU=' },
    };
    expect(await codeOf(unknown, o)).toBe('InvalidAccessKeyId');
  });
});

describe('SigV2 presigned', () => {
  // Developer guide: "Query string request authentication", Expires=1175139620.
  const url = req(
    'GET',
    '/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D',
    {},
  );

  it('verifies until Expires, then fails with Request has expired', async () => {
    await expect(authenticate(url, opts(1175139620_000))).resolves.toMatchObject({
      kind: 'sigv2-presigned',
      accessKey: AK,
    });
    const late = await authenticate(url, opts(1175139621_000)).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    const tampered = { ...url, rawQuery: url.rawQuery.replace('1175139620', '1175139629') };
    expect(await codeOf(tampered, opts(1175139620_000))).toBe('SignatureDoesNotMatch');
  });

  it('signs as s3cmd signurl does: path-style, encoded key', async () => {
    const expires = '1900000000';
    const sts = `GET\n\n\n${expires}\n/bucket/a%20b%2Bc`;
    const sig = encodeURIComponent(signV2(SECRET, sts));
    const r: AuthRequest = {
      method: 'GET',
      rawPath: '/bucket/a%20b%2Bc',
      rawQuery: `AWSAccessKeyId=${AK}&Expires=${expires}&Signature=${sig}`,
      headers: { host: 'localhost:9000' },
    };
    await expect(authenticate(r, opts(1_800_000_000_000))).resolves.toMatchObject({
      kind: 'sigv2-presigned',
    });
    // The same key sent with other escapes still verifies (decoded, then AWS-encoded).
    await expect(
      authenticate({ ...r, rawPath: '/bucket/a%20b+c' }, opts(1_800_000_000_000)),
    ).resolves.toMatchObject({ kind: 'sigv2-presigned', accessKey: AK, principal: 'john' });
  });
});
