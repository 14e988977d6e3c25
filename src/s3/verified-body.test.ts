import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checksumBase64, TesseraError } from '../core/index.js';
import type { S3Request } from './context.js';
import { readVerifiedBody, requireDigest, strictUtf8 } from './verified-body.js';

function request(body: string | Buffer, headers: Record<string, string> = {}, length?: number): S3Request {
  const bytes = Buffer.from(body);
  return {
    op: { name: 'DeleteObjects', virtualHost: false, bucket: 'b' },
    headers,
    body: Readable.from([bytes]),
    contentLength: length ?? bytes.length,
    trailers: () => undefined,
    anonymous: false,
    requestId: 'r',
    now: 0,
  };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof TesseraError ? `${e.code}: ${e.message}` : String(e)),
  );
}

const md5 = (s: string) => createHash('md5').update(s).digest('base64');

describe('readVerifiedBody', () => {
  it('returns the bytes and whether a digest vouched for them', async () => {
    const plain = await readVerifiedBody(request('abc'), 100);
    expect(plain).toEqual({ bytes: Buffer.from('abc'), digested: false });
    expect((await readVerifiedBody(request('abc', { 'content-md5': md5('abc') }), 100)).digested).toBe(true);
    const crc = { 'x-amz-checksum-crc32': checksumBase64('CRC32', Buffer.from('abc')) };
    expect((await readVerifiedBody(request('abc', crc), 100)).digested).toBe(true);
    // An algorithm without a value proves nothing.
    const named = await readVerifiedBody(request('abc', { 'x-amz-sdk-checksum-algorithm': 'CRC32' }), 100);
    expect(named.digested).toBe(false);
  });

  it('BadDigest on a mismatch, InvalidDigest for a malformed Content-MD5, InvalidRequest for a bad checksum value', async () => {
    expect(await code(readVerifiedBody(request('abc', { 'content-md5': md5('abd') }), 100))).toMatch(
      /^BadDigest/,
    );
    expect(await code(readVerifiedBody(request('abc', { 'content-md5': 'abc' }), 100))).toMatch(
      /^InvalidDigest/,
    );
    const wrong = { 'x-amz-checksum-sha256': checksumBase64('SHA256', Buffer.from('abd')) };
    expect(await code(readVerifiedBody(request('abc', wrong), 100))).toBe(
      'BadDigest: The SHA256 you specified did not match the calculated checksum.',
    );
    expect(await code(readVerifiedBody(request('abc', { 'x-amz-checksum-crc32': 'zz' }), 100))).toMatch(
      /^InvalidRequest/,
    );
  });

  it('refuses more than the limit, announced or sent', async () => {
    expect(await code(readVerifiedBody(request('abcdef'), 3))).toMatch(/^MaxMessageLengthExceeded/);
    expect(await code(readVerifiedBody(request('abcdef', {}, 2), 3))).toMatch(/^MaxMessageLengthExceeded/);
  });

  it('requireDigest answers what AWS answers for a DeleteObjects without one', async () => {
    expect(() => requireDigest({ bytes: Buffer.alloc(0), digested: false })).toThrow(
      'Missing required header for this request: Content-MD5',
    );
    expect(() => requireDigest({ bytes: Buffer.alloc(0), digested: true })).not.toThrow();
  });

  it('strictUtf8 refuses invalid byte sequences instead of replacing them', () => {
    expect(strictUtf8(Buffer.from('ü'))).toBe('ü');
    expect(strictUtf8(Buffer.from([0x61, 0xff]))).toBeUndefined();
    expect(strictUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined();
  });
});
