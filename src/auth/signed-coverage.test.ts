/**
 * What a signature must cover: every x-amz-* header (S3: "There were headers present in the
 * request which were not signed"), the body of IAM/STS calls (no UNSIGNED-PAYLOAD outside s3), and
 * the credential scope the endpoint accepts (checkScope).
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, sha256Hex, TesseraError } from '../core/index.js';
import { authenticate } from './authenticate.js';
import { checkScope, type ScopeRule } from './scope.js';
import { presign, signHeader, type TestCredentials } from './test-signer.js';
import type { AuthRequest, VerifiedRequest, VerifyOptions } from './types.js';

const creds: TestCredentials = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'secret' };
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const AMZ_DATE = '20260301T120000Z';
const opts: VerifyOptions = {
  now: T0,
  lookup: (ak) =>
    ak === creds.accessKey ? { accessKey: ak, secretKey: 'secret', principal: 'p' } : undefined,
};
const put = { method: 'PUT', rawPath: '/b/k', headers: { host: 'h' } };

async function errorOf(req: AuthRequest): Promise<TesseraError> {
  const e = await authenticate(req, opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

function withHeaders(req: AuthRequest, extra: Record<string, string>): AuthRequest {
  return { ...req, headers: { ...req.headers, ...extra } };
}

describe('x-amz-* headers must be signed', () => {
  it('refuses an added x-amz-* header on header-signed and streaming requests, naming it', async () => {
    for (const hash of [EMPTY_SHA256, 'UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD']) {
      const { req } = signHeader(put, creds, AMZ_DATE, hash);
      await expect(authenticate(req, opts)).resolves.toMatchObject({
        kind: hash.startsWith('STREAMING') ? 'sigv4-streaming' : 'sigv4-header',
        principal: 'p',
      });
      const e = await errorOf(withHeaders(req, { 'x-amz-copy-source': '/o/s', 'x-amz-acl': 'public-read' }));
      expect(e).toMatchObject({
        code: 'AccessDenied',
        message: 'There were headers present in the request which were not signed',
        detail: { HeadersNotSigned: 'x-amz-acl, x-amz-copy-source' },
      });
    }
  });

  it('lets x-amz-content-sha256 stay unsigned in the header form: it is the signed payload hash', async () => {
    const { req } = signHeader(put, creds, AMZ_DATE, EMPTY_SHA256, ['x-amz-content-sha256']);
    const sent = withHeaders(req, { 'x-amz-content-sha256': EMPTY_SHA256 });
    await expect(authenticate(sent, opts)).resolves.toMatchObject({ payloadSigned: true });
    const other = withHeaders(req, { 'x-amz-content-sha256': sha256Hex('x') });
    expect((await errorOf(other)).code).toBe('SignatureDoesNotMatch');
  });

  it('lets the session token be added after signing for services other than s3 only', async () => {
    const token = { ...creds, sessionToken: 'tok' };
    const o: VerifyOptions = {
      ...opts,
      lookup: (ak) => ({ accessKey: ak, secretKey: 'secret', sessionToken: 'tok', principal: 'p' }),
    };
    for (const service of ['s3', 'iam']) {
      const { req } = signHeader(put, { ...creds, service }, AMZ_DATE, EMPTY_SHA256);
      const added = withHeaders(req, { 'x-amz-security-token': 'tok' });
      const result = await authenticate(added, o).then(
        () => 'accepted',
        (e: TesseraError) => e.code,
      );
      expect(result, service).toBe(service === 's3' ? 'AccessDenied' : 'accepted');
    }
    const { req } = signHeader(put, token, AMZ_DATE, EMPTY_SHA256);
    await expect(authenticate(req, o)).resolves.toMatchObject({ sessionToken: 'tok' });
  });

  it('presigned: an added header may only repeat a signed query parameter (hoisted by the SDK)', async () => {
    const url = presign(
      { ...put, host: 'h', rawQuery: 'x-amz-meta-note=a%20b&X-Amz-Acl=private' },
      creds,
      AMZ_DATE,
      60,
    );
    for (const extra of [
      { 'x-amz-meta-note': 'a b' },
      { 'x-amz-acl': 'private' },
      { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      { 'x-amz-date': AMZ_DATE },
    ]) {
      await expect(authenticate(withHeaders(url, extra), opts), JSON.stringify(extra)).resolves.toMatchObject(
        {
          kind: 'sigv4-presigned',
          principal: 'p',
        },
      );
    }
    for (const extra of [
      { 'x-amz-meta-note': 'other' },
      { 'x-amz-acl': 'public-read' },
      { 'x-amz-copy-source': '/o/s' },
      { 'x-amz-content-sha256': EMPTY_SHA256 },
      { 'x-amz-date': '20260301T120001Z' },
    ]) {
      const e = await errorOf(withHeaders(url, extra));
      expect(e.code, JSON.stringify(extra)).toBe('AccessDenied');
      expect(e.detail.HeadersNotSigned).toBe(Object.keys(extra)[0]);
    }
  });

  it('still requires host to be signed', async () => {
    const { req } = signHeader({ method: 'GET', rawPath: '/b', headers: {} }, creds, AMZ_DATE, EMPTY_SHA256);
    expect((await errorOf(withHeaders(req, { host: 'h' }))).detail.HeadersNotSigned).toBe('host');
  });
});

describe('IAM and STS must sign their body', () => {
  const form = Buffer.from('Action=CreateUser&Version=2010-05-08&UserName=u');
  const post = {
    method: 'POST',
    rawPath: '/',
    headers: { host: 'h', 'content-length': String(form.length) },
  };

  it('refuses UNSIGNED-PAYLOAD and unsigned-chunk streaming for iam and sts (SignatureDoesNotMatch)', async () => {
    for (const service of ['iam', 'sts']) {
      for (const hash of ['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
        const { req } = signHeader(post, { ...creds, service }, AMZ_DATE, hash);
        expect((await errorOf(req)).code, `${service} ${hash}`).toBe('SignatureDoesNotMatch');
      }
      const url = presign(
        { method: 'POST', rawPath: '/', rawQuery: 'X-Amz-Content-Sha256=UNSIGNED-PAYLOAD', host: 'h' },
        { ...creds, service },
        AMZ_DATE,
        60,
      );
      expect((await errorOf(url)).code).toBe('SignatureDoesNotMatch');
    }
  });

  it('accepts a signed body hash and signed chunks, and says so in payloadSigned', async () => {
    const iam = { ...creds, service: 'iam' };
    const signed = signHeader(post, iam, AMZ_DATE, sha256Hex(form));
    await expect(authenticate(signed.req, opts)).resolves.toMatchObject({ payloadSigned: true });
    const hashed = signHeader(post, iam, AMZ_DATE, sha256Hex(form), ['x-amz-content-sha256']);
    await expect(authenticate({ ...hashed.req, body: form }, opts)).resolves.toMatchObject({
      payloadSigned: true,
    });
    const chunks = signHeader(post, iam, AMZ_DATE, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    await expect(authenticate(chunks.req, opts)).resolves.toMatchObject({ payloadSigned: true });
    const s3 = signHeader(put, creds, AMZ_DATE, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    await expect(authenticate(s3.req, opts)).resolves.toMatchObject({ payloadSigned: false });
    await expect(
      authenticate(presign({ ...put, host: 'h' }, creds, AMZ_DATE, 60), opts),
    ).resolves.toMatchObject({
      payloadSigned: false,
    });
  });
});

describe('checkScope', () => {
  const verified = (kind: VerifiedRequest['kind'], region?: string, service?: string): VerifiedRequest => ({
    kind,
    principal: 'p',
    payload: { type: 'none' },
    payloadSigned: false,
    ...(region === undefined ? {} : { region }),
    ...(service === undefined ? {} : { service }),
  });
  const s3: ScopeRule = { service: 's3', regions: ['us-east-1'], api: 's3' };
  const failure = (v: VerifiedRequest, rule: ScopeRule) => {
    try {
      checkScope(v, rule);
    } catch (e) {
      return e as TesseraError;
    }
    return undefined;
  };

  it('answers a wrong region as S3 does, with the expected <Region>', () => {
    expect(failure(verified('sigv4-header', 'eu-west-1', 's3'), s3)).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      message:
        "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
      detail: { Region: 'us-east-1' },
    });
    expect(failure(verified('sigv4-presigned', '', 's3'), s3)).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      message: "Error parsing the X-Amz-Credential parameter; the region '' is wrong; expecting 'us-east-1'",
      detail: { Region: 'us-east-1' },
    });
    expect(failure(verified('sigv4-streaming', 'us-east-1', 's3'), s3)).toBeUndefined();
    // An empty region is acceptable where the rule lists it (MinIO admin clients).
    expect(
      failure(verified('sigv4-header', '', 's3'), { ...s3, regions: ['us-east-1', ''] }),
    ).toBeUndefined();
  });

  it('answers a wrong service as S3 does, and as the Query APIs do', () => {
    expect(failure(verified('sigv4-header', 'us-east-1', 'iam'), s3)).toMatchObject({
      code: 'AuthorizationHeaderMalformed',
      message:
        'The authorization header is malformed; incorrect service "iam". This endpoint belongs to "s3".',
    });
    const iam: ScopeRule = { service: 'iam', regions: ['us-east-1'], api: 'query' };
    expect(failure(verified('sigv4-header', 'us-east-1', 's3'), iam)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: "Credential should be scoped to correct service: 'iam'. ",
    });
    expect(failure(verified('sigv4-presigned', 'eu-west-1', 'iam'), iam)).toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    });
  });

  it('has nothing to check for SigV2 and anonymous requests', () => {
    expect(failure(verified('sigv2-header'), s3)).toBeUndefined();
    expect(failure(verified('anonymous'), s3)).toBeUndefined();
  });
});
