import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { deriveSigningKey } from '../sigv4/signing-key.js';
import { presign } from '../test-signer.js';
import type { AuthRequest, Credential, VerifyOptions } from '../types.js';
import { VerifiedUrlCache } from './signature-cache.js';
import { verifyPresignedV4 } from './verify.js';

const AK = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const AMZ_DATE = '20260301T120000Z';

/** A credential directory the test changes, and a signing-key source that counts derivations. */
function setup() {
  const keys = new Map<string, Credential<string>>([
    [AK, { accessKey: AK, secretKey: SECRET, principal: 'alice' }],
  ]);
  let derived = 0;
  const cache = new VerifiedUrlCache(4);
  const opts = (now = T0): VerifyOptions<string> => ({
    now,
    lookup: (ak) => keys.get(ak),
    verifiedUrls: cache,
    signingKeys: {
      get: (secret, date, region, service) => {
        derived++;
        return deriveSigningKey(secret, date, region, service);
      },
    },
  });
  return { keys, cache, opts, derivations: () => derived };
}

const url = (key = 'k', secretKey = SECRET, expires = 600): AuthRequest =>
  presign(
    { method: 'GET', rawPath: `/b/${key}`, host: 'h' },
    { accessKey: AK, secretKey },
    AMZ_DATE,
    expires,
  );

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TesseraError);
  return (e as TesseraError).code;
}

describe('verified presigned URL cache', () => {
  it('verifies a URL sent again without the signature arithmetic, with the same result', async () => {
    const t = setup();
    const first = await verifyPresignedV4(url(), t.opts());
    expect(t.derivations()).toBe(1);
    const again = await verifyPresignedV4(url(), t.opts(T0 + 1000));
    expect(t.derivations()).toBe(1);
    expect(again).toEqual(first);
    expect(t.cache.size).toBe(1);
  });

  it('still refuses the URL once it has expired, and before it is valid', async () => {
    const t = setup();
    await verifyPresignedV4(url('k', SECRET, 60), t.opts());
    expect(await codeOf(verifyPresignedV4(url('k', SECRET, 60), t.opts(T0 + 61_000)))).toBe('AccessDenied');
    expect(await codeOf(verifyPresignedV4(url('k', SECRET, 60), t.opts(T0 - 16 * 60_000)))).toBe(
      'AccessDenied',
    );
    expect(t.derivations()).toBe(1);
  });

  it('refuses a cached URL whose key was deleted, and one whose secret changed', async () => {
    const t = setup();
    await verifyPresignedV4(url(), t.opts());
    t.keys.set(AK, { accessKey: AK, secretKey: 'another-secret-key-0123456789', principal: 'alice' });
    expect(await codeOf(verifyPresignedV4(url(), t.opts()))).toBe('SignatureDoesNotMatch');
    t.keys.delete(AK);
    expect(await codeOf(verifyPresignedV4(url(), t.opts()))).toBe('InvalidAccessKeyId');
  });

  it('refuses unsigned x-amz-* headers added to a cached URL', async () => {
    const t = setup();
    await verifyPresignedV4(url(), t.opts());
    const req = url();
    req.headers = { ...req.headers, 'x-amz-copy-source': 'b/secret' };
    expect(await codeOf(verifyPresignedV4(req, t.opts()))).toBe('AccessDenied');
  });

  it('verifies from scratch when a signed header differs (another host)', async () => {
    const t = setup();
    await verifyPresignedV4(url(), t.opts());
    const req = url();
    req.headers = { ...req.headers, host: 'other' };
    expect(await codeOf(verifyPresignedV4(req, t.opts()))).toBe('SignatureDoesNotMatch');
    expect(t.derivations()).toBe(2);
  });

  it('never caches a refused URL: a tampered signature fails every time', async () => {
    const t = setup();
    const bad = url();
    bad.rawQuery = bad.rawQuery.replace(
      /X-Amz-Signature=(.)/,
      (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
    );
    expect(await codeOf(verifyPresignedV4(bad, t.opts()))).toBe('SignatureDoesNotMatch');
    expect(await codeOf(verifyPresignedV4(bad, t.opts()))).toBe('SignatureDoesNotMatch');
    expect(t.cache.size).toBe(0);
  });

  it('keeps at most its bound, dropping the oldest URL first', async () => {
    const t = setup();
    for (const k of ['a', 'b', 'c', 'd', 'e']) await verifyPresignedV4(url(k), t.opts());
    expect(t.cache.size).toBe(4);
    expect(t.derivations()).toBe(5);
    await verifyPresignedV4(url('e'), t.opts());
    expect(t.derivations()).toBe(5);
    await verifyPresignedV4(url('a'), t.opts());
    expect(t.derivations()).toBe(6);
  });

  it('is off with verifiedUrls: null', async () => {
    const t = setup();
    const opts = { ...t.opts(), verifiedUrls: null };
    await verifyPresignedV4(url(), opts);
    await verifyPresignedV4(url(), opts);
    expect(t.derivations()).toBe(2);
  });
});
