import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, sha256Hex, TesseraError } from '../core/index.js';
import { authenticate, needsBody } from './authenticate.js';
import { classify } from './classify.js';
import { presign, signHeader } from './test-signer.js';
import type { AuthRequest, VerifyOptions } from './types.js';

const creds = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const AMZ_DATE = '20260301T120000Z';
const opts = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  now: T0,
  lookup: (ak) => (ak === creds.accessKey ? { ...creds, principal: 'alice' } : undefined),
  ...over,
});
const get = (headers: Record<string, string> = { host: 'h' }) => ({
  method: 'GET',
  rawPath: '/b/k',
  headers,
});

async function codeOf(req: AuthRequest, o = opts()): Promise<string> {
  const e = await authenticate(req, o).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TesseraError);
  return (e as TesseraError).code;
}

describe('classify', () => {
  const req = (headers: Record<string, string>, rawQuery = ''): AuthRequest => ({
    method: 'GET',
    rawPath: '/',
    rawQuery,
    headers,
  });
  it.each([
    [{}, '', 'anonymous'],
    [{}, 'prefix=X-Amz-Credential', 'anonymous'],
    [{ authorization: 'AWS4-HMAC-SHA256 Credential=…' }, '', 'sigv4-header'],
    [
      { authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
      '',
      'sigv4-streaming',
    ],
    [
      {
        authorization: 'AWS4-HMAC-SHA256 x',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      },
      '',
      'sigv4-streaming-trailer',
    ],
    [
      { authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' },
      '',
      'sigv4-streaming-unsigned-trailer',
    ],
    [{}, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a', 'sigv4-presigned'],
    [{ authorization: 'AWS AK:sig' }, '', 'sigv2-header'],
    [{}, 'AWSAccessKeyId=AK&Expires=1&Signature=s', 'sigv2-presigned'],
  ] as const)('%o ?%s → %s', (headers, query, kind) => {
    expect(classify(req({ ...headers }, query))).toBe(kind);
  });
  it('rejects several mechanisms at once and unknown schemes with InvalidArgument', () => {
    for (const r of [
      req({ authorization: 'AWS4-HMAC-SHA256 x' }, 'X-Amz-Credential=x'),
      req({ authorization: 'Bearer x' }),
    ]) {
      expect(() => classify(r)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
  });
});

describe('authenticate', () => {
  it('returns an anonymous VerifiedRequest when no credentials are sent', async () => {
    expect(await authenticate({ method: 'GET', rawPath: '/b', rawQuery: '', headers: {} }, opts())).toEqual({
      kind: 'anonymous',
      principal: undefined,
      payload: { type: 'none' },
      payloadSigned: false,
    });
  });

  it('verifies header SigV4 and reports scope, time and payload check', async () => {
    const signed = signHeader(get(), creds, AMZ_DATE, EMPTY_SHA256);
    expect(await authenticate(signed.req, opts())).toEqual({
      kind: 'sigv4-header',
      accessKey: creds.accessKey,
      principal: 'alice',
      region: 'us-east-1',
      service: 's3',
      signedAt: T0,
      signatureVersion: 'AWS4-HMAC-SHA256',
      payload: { type: 'sha256', expected: EMPTY_SHA256 },
      payloadSigned: true,
    });
    const unsigned = signHeader(get(), creds, AMZ_DATE, 'UNSIGNED-PAYLOAD');
    expect(await authenticate(unsigned.req, opts())).toMatchObject({
      payload: { type: 'none' },
      payloadSigned: false,
    });
    expect(await codeOf(signHeader(get(), creds, AMZ_DATE, 'abc').req)).toBe('InvalidArgument');
  });

  it('enforces 15 minutes of clock skew either way (RequestTimeTooSkewed)', async () => {
    const { req } = signHeader(get(), creds, AMZ_DATE, EMPTY_SHA256);
    const minute = 60_000;
    const accepted = { kind: 'sigv4-header', accessKey: creds.accessKey, principal: 'alice', signedAt: T0 };
    await expect(authenticate(req, opts({ now: T0 + 14 * minute }))).resolves.toMatchObject(accepted);
    await expect(authenticate(req, opts({ now: T0 - 14 * minute }))).resolves.toMatchObject(accepted);
    expect(await codeOf(req, opts({ now: T0 + 16 * minute }))).toBe('RequestTimeTooSkewed');
    expect(await codeOf(req, opts({ now: T0 - 16 * minute }))).toBe('RequestTimeTooSkewed');
    expect(await codeOf(req, opts({ now: T0 + 2 * minute, maxSkewMs: minute }))).toBe('RequestTimeTooSkewed');
  });

  it('uses the Date header when x-amz-date is absent', async () => {
    const date = 'Sun, 01 Mar 2026 12:00:00 GMT';
    const { req } = signHeader(get({ host: 'h', date }), creds, AMZ_DATE, EMPTY_SHA256, ['x-amz-date']);
    await expect(authenticate(req, opts())).resolves.toMatchObject({ signedAt: T0 });
    expect(await codeOf(req, opts({ now: T0 + 20 * 60_000 }))).toBe('RequestTimeTooSkewed');
    expect(await codeOf({ ...req, headers: { ...req.headers, date: undefined } })).toBe('AccessDenied');
  });

  it('distinguishes unknown keys, wrong secrets, tokens and scope problems', async () => {
    const other = { ...creds, accessKey: 'AKIAUNKNOWN000000000' };
    expect(await codeOf(signHeader(get(), other, AMZ_DATE, EMPTY_SHA256).req)).toBe('InvalidAccessKeyId');
    const wrong = { ...creds, secretKey: 'not-the-secret' };
    expect(await codeOf(signHeader(get(), wrong, AMZ_DATE, EMPTY_SHA256).req)).toBe('SignatureDoesNotMatch');
    const withToken = { ...creds, sessionToken: 'tok' };
    expect(await codeOf(signHeader(get(), withToken, AMZ_DATE, EMPTY_SHA256).req)).toBe('InvalidToken');
    const ec2 = { ...creds, service: 'ec2' };
    expect(await codeOf(signHeader(get(), ec2, AMZ_DATE, EMPTY_SHA256).req)).toBe(
      'AuthorizationHeaderMalformed',
    );
    const { req } = signHeader(get(), creds, AMZ_DATE, EMPTY_SHA256);
    const otherDay = String(req.headers.authorization).replace('/20260301/', '/20260302/');
    expect(await codeOf({ ...req, headers: { ...req.headers, authorization: otherDay } })).toBe(
      'AuthorizationHeaderMalformed',
    );
  });

  it('accepts any region (even empty) and the iam and sts services, and records them (the endpoint checks them: checkScope)', async () => {
    for (const [region, service] of [
      ['', 's3'],
      ['mars-1', 'iam'],
      ['us-east-1', 'sts'],
    ] as const) {
      const { req } = signHeader(get(), { ...creds, region, service }, AMZ_DATE, EMPTY_SHA256);
      expect(await authenticate(req, opts())).toMatchObject({ region, service });
    }
  });

  it('accepts an Authorization header without spaces after the commas (s3cmd)', async () => {
    const { req } = signHeader(get(), creds, AMZ_DATE, EMPTY_SHA256);
    const squeezed = String(req.headers.authorization).replaceAll(', ', ',');
    await expect(
      authenticate({ ...req, headers: { ...req.headers, authorization: squeezed } }, opts()),
    ).resolves.toMatchObject({
      kind: 'sigv4-header',
    });
  });

  it('verifies paths however the client percent-encoded them, without normalizing', async () => {
    const signed = signHeader(
      { method: 'GET', rawPath: '/b/a%21%2A%2B%27%28%29%20%C3%A9/./x', headers: { host: 'h' } },
      creds,
      AMZ_DATE,
      EMPTY_SHA256,
    );
    for (const rawPath of [
      "/b/a!*+'() %C3%A9/./x",
      "/b/a%21*%2b'()%20%c3%a9/./x",
      '/b/a%21%2A%2B%27%28%29%20%C3%A9/./x',
    ]) {
      await expect(authenticate({ ...signed.req, rawPath }, opts()), rawPath).resolves.toMatchObject({
        kind: 'sigv4-header',
        principal: 'alice',
      });
    }
    for (const rawPath of ["/b/a!*+'() %C3%A9/x", "/b/a!* '() %C3%A9/./x"]) {
      expect(await codeOf({ ...signed.req, rawPath })).toBe('SignatureDoesNotMatch');
    }
  });

  it('verifies STS/IAM form posts that sign the body hash without x-amz-content-sha256', async () => {
    const body = Buffer.from('Action=GetCallerIdentity&Version=2011-06-15');
    const base = {
      method: 'POST',
      rawPath: '/',
      headers: { host: 'h', 'content-length': String(body.length) },
    };
    const sts = { ...creds, service: 'sts' };
    const { req } = signHeader(base, sts, AMZ_DATE, sha256Hex(body), ['x-amz-content-sha256']);
    expect(needsBody(req)).toBe(true);
    await expect(authenticate({ ...req, body }, opts())).resolves.toMatchObject({
      service: 'sts',
      payload: { type: 'none' },
    });
    expect(await codeOf({ ...req, body: Buffer.from('Action=CreateUser') })).toBe('SignatureDoesNotMatch');
    expect(await codeOf(req)).toBe('SignatureDoesNotMatch');
    expect(needsBody(signHeader(base, sts, AMZ_DATE, sha256Hex(body)).req)).toBe(false);
  });
});

describe('presigned SigV4', () => {
  const url = (expires: number, token?: string) =>
    presign(
      { method: 'GET', rawPath: '/b/k', host: 'h' },
      { ...creds, ...(token ? { sessionToken: token } : {}) },
      AMZ_DATE,
      expires,
    );

  it('is valid from X-Amz-Date until X-Amz-Date + X-Amz-Expires', async () => {
    const req = url(3600);
    await expect(authenticate(req, opts({ now: T0 + 3600_000 }))).resolves.toMatchObject({
      kind: 'sigv4-presigned',
      payload: { type: 'none' },
    });
    const late = await authenticate(req, opts({ now: T0 + 3600_001 })).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    const early = await authenticate(req, opts({ now: T0 - 16 * 60_000 })).catch((e: unknown) => e);
    expect(early).toMatchObject({ code: 'AccessDenied', message: 'Request is not valid yet' });
  });

  it('bounds X-Amz-Expires to 1..604800 seconds (out of range: AccessDenied, as S3)', async () => {
    await expect(authenticate(url(604800), opts())).resolves.toMatchObject({
      kind: 'sigv4-presigned',
      principal: 'alice',
    });
    expect(await codeOf(url(604801))).toBe('AccessDenied');
    expect(await codeOf(url(0))).toBe('AccessDenied');
    const missing = url(60);
    expect(await codeOf({ ...missing, rawQuery: missing.rawQuery.replace(/&X-Amz-Date=[^&]*/, '') })).toBe(
      'AuthorizationQueryParametersError',
    );
  });

  it('returns X-Amz-Security-Token as the session token', async () => {
    const o = opts({
      lookup: (ak, t) =>
        ak === creds.accessKey && t === 'a/b+c'
          ? { ...creds, sessionToken: 'a/b+c', principal: 's' }
          : undefined,
    });
    await expect(authenticate(url(60, 'a/b+c'), o)).resolves.toMatchObject({
      sessionToken: 'a/b+c',
      principal: 's',
    });
  });
});
