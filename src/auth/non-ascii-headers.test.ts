/**
 * Header values with bytes 0x80–0xFF (UTF-8 metadata that curl, Go clients and MinIO sign raw).
 * node:http hands such values over as Latin-1 strings, one character per byte. The signatures
 * here are computed independently (node:crypto over hand-built byte strings), in both readings a
 * signer may have used: the bytes as sent, and UTF-8 of their Latin-1 decoding (AWS S3's reading,
 * which the JS SDK v3 matches when node writes its header as Latin-1).
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../core/index.js';
import { authenticate } from './authenticate.js';
import type { AuthRequest, VerifyOptions } from './types.js';

const AK = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const AMZ_DATE = '20260301T120000Z';
const SCOPE = '20260301/us-east-1/s3/aws4_request';
const UNSIGNED = 'UNSIGNED-PAYLOAD';
const opts: VerifyOptions = {
  now: T0,
  lookup: (ak) => (ak === AK ? { accessKey: AK, secretKey: SECRET, principal: 'alice' } : undefined),
};

/** "café ☕" as UTF-8 on the wire, and as node:http decodes it (Latin-1, one char per byte). */
const RAW = Buffer.from('café ☕', 'utf8');
const AS_NODE_READS = RAW.toString('latin1');

const hmac = (key: Buffer | string, data: Buffer | string) => createHmac('sha256', key).update(data).digest();
const KEY = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, '20260301'), 'us-east-1'), 's3'), 'aws4_request');

type Reading = 'bytes' | 'aws';
/** The bytes a signer hashes for a header value as node shows it. */
const bytesOf = (value: string, reading: Reading) =>
  Buffer.from(value, reading === 'bytes' ? 'latin1' : 'utf8');

/** SigV4 over a canonical request assembled as bytes: `prefix`, then the headers, then the rest. */
function v4Signature(
  method: string,
  path: string,
  query: string,
  headers: [string, string][],
  payloadHash: string,
  reading: Reading,
): string {
  const sorted = [...headers].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const parts: Buffer[] = [Buffer.from(`${method}\n${path}\n${query}\n`)];
  for (const [name, value] of sorted)
    parts.push(Buffer.from(`${name}:`), bytesOf(value, reading), Buffer.from('\n'));
  parts.push(Buffer.from(`\n${sorted.map((h) => h[0]).join(';')}\n${payloadHash}`));
  const hash = createHash('sha256').update(Buffer.concat(parts)).digest('hex');
  return hmac(KEY, `AWS4-HMAC-SHA256\n${AMZ_DATE}\n${SCOPE}\n${hash}`).toString('hex');
}

function headerSigned(
  meta: string,
  reading: Reading,
  payloadHash = UNSIGNED,
  wire: string = meta,
  extra: [string, string][] = [],
): AuthRequest {
  const headers: [string, string][] = [
    ...extra,
    ['host', 'h'],
    ['x-amz-content-sha256', payloadHash],
    ['x-amz-date', AMZ_DATE],
    ['x-amz-meta-name', meta],
  ];
  const sig = v4Signature('PUT', '/b/k', '', headers, payloadHash, reading);
  const names = headers
    .map((h) => h[0])
    .sort()
    .join(';');
  return {
    method: 'PUT',
    rawPath: '/b/k',
    rawQuery: '',
    headers: {
      ...Object.fromEntries(headers),
      'x-amz-meta-name': wire,
      authorization: `AWS4-HMAC-SHA256 Credential=${AK}/${SCOPE}, SignedHeaders=${names}, Signature=${sig}`,
    },
  };
}

async function codeOf(req: AuthRequest): Promise<string | undefined> {
  const e = await authenticate(req, opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (e === undefined) return undefined;
  expect(e).toBeInstanceOf(TesseraError);
  return (e as TesseraError).code;
}

describe('SigV4 with header bytes 0x80–0xFF', () => {
  it('verifies a signature over the raw bytes (curl --aws-sigv4, minio-go, aws-sdk-go, rclone)', async () => {
    await expect(authenticate(headerSigned(AS_NODE_READS, 'bytes'), opts)).resolves.toMatchObject({
      kind: 'sigv4-header',
      principal: 'alice',
    });
  });

  it("verifies AWS's reading too: UTF-8 of the Latin-1 value (JS SDK v3 with a Buffer body sends 'é' as 0xE9)", async () => {
    await expect(authenticate(headerSigned('café', 'aws'), opts)).resolves.toMatchObject({
      kind: 'sigv4-header',
    });
    await expect(authenticate(headerSigned(AS_NODE_READS, 'aws'), opts)).resolves.toBeDefined();
  });

  it('refuses other bytes than the signed ones, in either reading', async () => {
    // Signed over the raw UTF-8 of "é", sent as the UTF-8 bytes of "Ã©" (double-encoded).
    const doubled = Buffer.from(AS_NODE_READS, 'utf8').toString('latin1');
    expect(await codeOf(headerSigned(AS_NODE_READS, 'bytes', UNSIGNED, doubled))).toBe(
      'SignatureDoesNotMatch',
    );
    const flipped = `${AS_NODE_READS.slice(0, -1)}\x96`;
    expect(await codeOf(headerSigned(AS_NODE_READS, 'bytes', UNSIGNED, flipped))).toBe(
      'SignatureDoesNotMatch',
    );
    expect(await codeOf(headerSigned(AS_NODE_READS, 'aws', UNSIGNED, flipped))).toBe('SignatureDoesNotMatch');
    expect(await codeOf(headerSigned('ascii', 'bytes', UNSIGNED, 'asci'))).toBe('SignatureDoesNotMatch');
  });

  it('reads a value with characters beyond U+00FF (not from node:http) as UTF-8, never truncated', async () => {
    // Signed over the low byte of each character: a Latin-1 encoding would take ☕ (U+2615) for 0x15.
    expect(await codeOf(headerSigned('café ☕', 'bytes'))).toBe('SignatureDoesNotMatch');
    await expect(authenticate(headerSigned('café ☕', 'aws'), opts)).resolves.toBeDefined();
  });

  it('seeds the chunk signatures of a streaming upload with the signature that matched', async () => {
    const streaming = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    for (const reading of ['bytes', 'aws'] as const) {
      const req = headerSigned(AS_NODE_READS, reading, streaming, AS_NODE_READS, [
        ['content-encoding', 'aws-chunked'],
        ['x-amz-decoded-content-length', '0'],
      ]);
      const v = await authenticate(req, opts);
      const seed = String(req.headers.authorization).split('Signature=')[1];
      expect(v.payload).toMatchObject({ type: 'aws-chunked', decoder: { signing: { seedSignature: seed } } });
    }
  });

  it('verifies a presigned URL that signs a header with raw UTF-8', async () => {
    const names = 'host;x-amz-meta-name';
    const query = [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Credential=${encodeURIComponent(`${AK}/${SCOPE}`)}`,
      `X-Amz-Date=${AMZ_DATE}`,
      'X-Amz-Expires=300',
      `X-Amz-SignedHeaders=${encodeURIComponent(names)}`,
    ].join('&');
    const headers: [string, string][] = [
      ['host', 'h'],
      ['x-amz-meta-name', AS_NODE_READS],
    ];
    for (const reading of ['bytes', 'aws'] as const) {
      const sig = v4Signature('PUT', '/b/k', query, headers, UNSIGNED, reading);
      const req: AuthRequest = {
        method: 'PUT',
        rawPath: '/b/k',
        rawQuery: `${query}&X-Amz-Signature=${sig}`,
        headers: Object.fromEntries(headers),
      };
      await expect(authenticate(req, opts)).resolves.toMatchObject({ kind: 'sigv4-presigned' });
      req.headers['x-amz-meta-name'] = `${AS_NODE_READS}x`;
      expect(await codeOf(req)).toBe('SignatureDoesNotMatch');
    }
  });
});

describe('SigV2 with header bytes 0x80–0xFF', () => {
  const DATE = 'Sun, 01 Mar 2026 12:00:00 +0000';
  /** StringToSign as bytes: the header part in `reading`, the resource as UTF-8 text. */
  function v2(meta: string, reading: Reading, resource: string, wire = meta, rawQuery = ''): AuthRequest {
    const head = Buffer.concat([
      Buffer.from(`PUT\n\n\n${DATE}\nx-amz-meta-name:`),
      bytesOf(meta, reading),
      Buffer.from('\n'),
    ]);
    const sig = createHmac('sha1', SECRET)
      .update(Buffer.concat([head, Buffer.from(resource, 'utf8')]))
      .digest('base64');
    return {
      method: 'PUT',
      rawPath: '/b/k',
      rawQuery,
      headers: { host: 'h', date: DATE, 'x-amz-meta-name': wire, authorization: `AWS ${AK}:${sig}` },
    };
  }

  it('verifies the raw bytes and the UTF-8-of-Latin-1 reading, and nothing else', async () => {
    await expect(authenticate(v2(AS_NODE_READS, 'bytes', '/b/k'), opts)).resolves.toMatchObject({
      kind: 'sigv2-header',
    });
    await expect(authenticate(v2(AS_NODE_READS, 'aws', '/b/k'), opts)).resolves.toBeDefined();
    await expect(authenticate(v2('café', 'aws', '/b/k'), opts)).resolves.toBeDefined();
    const doubled = Buffer.from(AS_NODE_READS, 'utf8').toString('latin1');
    expect(await codeOf(v2(AS_NODE_READS, 'bytes', '/b/k', doubled))).toBe('SignatureDoesNotMatch');
    expect(await codeOf(v2(AS_NODE_READS, 'bytes', '/b/k', `${AS_NODE_READS}x`))).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('keeps decoded sub-resource values as UTF-8 text beside raw header bytes', async () => {
    const q = 'response-content-disposition=%E2%98%95';
    const req = v2(AS_NODE_READS, 'bytes', '/b/k?response-content-disposition=☕', AS_NODE_READS, q);
    await expect(authenticate(req, opts)).resolves.toBeDefined();
  });
});
