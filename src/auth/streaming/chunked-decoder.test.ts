import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { checksumBase64, TesseraError } from '../../core/index.js';
import { authenticate } from '../authenticate.js';
import { encodeAwsChunked, signHeader } from '../test-signer.js';
import type { ChunkedDecoderOptions, VerifyOptions } from '../types.js';
import { createChunkedDecoder } from './chunked-decoder.js';

const creds = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const AMZ_DATE = '20260301T120000Z';
const opts: VerifyOptions = {
  now: Date.UTC(2026, 2, 1, 12, 1),
  lookup: (ak) => (ak === creds.accessKey ? { ...creds, principal: 'alice' } : undefined),
};
const DATA = [Buffer.alloc(8192, 'a'), Buffer.alloc(8192, 'b'), Buffer.from('tail')];
const WHOLE = Buffer.concat(DATA);
const CRC = checksumBase64('CRC32', WHOLE);

/** Runs a decoder over `body` fed in pieces of `step` bytes; resolves to the output or the error code. */
async function decode(decoderOpts: ChunkedDecoderOptions, body: Buffer, step = body.length || 1) {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += step) pieces.push(body.subarray(i, i + step));
  const decoder = createChunkedDecoder(decoderOpts);
  const out: Buffer[] = [];
  try {
    await pipeline(Readable.from(pieces), decoder, async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out.push(c);
    });
    return { data: Buffer.concat(out), trailers: decoder.trailers, code: undefined };
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return { data: Buffer.concat(out), trailers: decoder.trailers, code: (e as TesseraError).code };
  }
}

/** Signs a streaming PUT, authenticates it, and returns the decoder options and a body encoder. */
async function streamingPut(sha: string, trailer?: string) {
  const headers: Record<string, string> = {
    host: 'localhost:9000',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(WHOLE.length),
  };
  if (trailer) headers['x-amz-trailer'] = trailer;
  const signed = signHeader({ method: 'PUT', rawPath: '/b/k', headers }, creds, AMZ_DATE, sha);
  const verified = await authenticate(signed.req, opts);
  if (verified.payload.type !== 'aws-chunked') throw new Error('expected aws-chunked');
  const signing = {
    signingKey: signed.signingKey,
    amzDate: AMZ_DATE,
    scope: signed.scope,
    seed: signed.signature,
  };
  return { verified, decoder: verified.payload.decoder, signing };
}

describe('aws-chunked decoder', () => {
  it('decodes STREAMING-AWS4-HMAC-SHA256-PAYLOAD with chained chunk signatures, in any split', async () => {
    const { verified, decoder, signing } = await streamingPut('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    expect(verified.kind).toBe('sigv4-streaming');
    const body = encodeAwsChunked(DATA, { signing });
    for (const step of [body.length, 1, 7, 100, 8200]) {
      const r = await decode(decoder, body, step);
      expect(r.code, `step ${step}`).toBeUndefined();
      expect(r.data.equals(WHOLE)).toBe(true);
    }
  });

  it('rejects a bad, missing, reordered or unchained chunk signature with SignatureDoesNotMatch', async () => {
    const { decoder, signing } = await streamingPut('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    const good = encodeAwsChunked(DATA, { signing }).toString('latin1');
    const sig = /chunk-signature=([0-9a-f]{64})/.exec(good)![1]!;
    const flipped = good.replace(sig, sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0'));
    expect((await decode(decoder, Buffer.from(flipped, 'latin1'))).code).toBe('SignatureDoesNotMatch');
    const missing = good.replace(`;chunk-signature=${sig}`, '');
    expect((await decode(decoder, Buffer.from(missing, 'latin1'))).code).toBe('SignatureDoesNotMatch');
    const [s1, s2] = [...good.matchAll(/chunk-signature=([0-9a-f]{64})/g)].map((m) => m[1]!);
    const swapped = good.replace(s1!, 'FIRST').replace(s2!, s1!).replace('FIRST', s2!);
    expect((await decode(decoder, Buffer.from(swapped, 'latin1'))).code).toBe('SignatureDoesNotMatch');
    const otherSeed = encodeAwsChunked(DATA, { signing: { ...signing, seed: '0'.repeat(64) } });
    expect((await decode(decoder, otherSeed)).code).toBe('SignatureDoesNotMatch');
    const tampered = Buffer.from(good, 'latin1');
    tampered[tampered.indexOf('aaaa') + 5] = 0x62;
    expect((await decode(decoder, tampered)).code).toBe('SignatureDoesNotMatch');
  });

  it('verifies the signed trailer and its checksum (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)', async () => {
    const { verified, decoder, signing } = await streamingPut(
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      'x-amz-checksum-crc32',
    );
    expect(verified.kind).toBe('sigv4-streaming-trailer');
    expect(decoder).toMatchObject({ trailers: ['x-amz-checksum-crc32'], signedTrailer: true });
    const trailers: [string, string][] = [['x-amz-checksum-crc32', CRC]];
    const ok = await decode(decoder, encodeAwsChunked(DATA, { signing, trailers, signedTrailer: true }), 5);
    expect(ok.code).toBeUndefined();
    expect(ok.trailers.get('x-amz-checksum-crc32')).toBe(CRC);

    const unsignedTrailer = encodeAwsChunked(DATA, { signing, trailers });
    expect((await decode(decoder, unsignedTrailer)).code).toBe('SignatureDoesNotMatch');
    const forged = encodeAwsChunked(DATA, { signing, trailers, signedTrailer: true })
      .toString('latin1')
      .replace(CRC, 'AAAAAA==');
    expect((await decode(decoder, Buffer.from(forged, 'latin1'))).code).toBe('SignatureDoesNotMatch');
    const wrongSum: [string, string][] = [['x-amz-checksum-crc32', 'AAAAAA==']];
    const signedWrong = encodeAwsChunked(DATA, { signing, trailers: wrongSum, signedTrailer: true });
    expect((await decode(decoder, signedWrong)).code).toBe('BadDigest');
  });

  it('decodes STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies and checks the trailing checksum', async () => {
    const { verified, decoder } = await streamingPut(
      'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-checksum-crc32',
    );
    expect(verified.kind).toBe('sigv4-streaming-unsigned-trailer');
    expect(decoder.signing).toBeUndefined();
    const body = (crc: string, finalCrlf = true) =>
      encodeAwsChunked(DATA, { trailers: [['x-amz-checksum-crc32', crc]], finalCrlf });
    const ok = await decode(decoder, body(CRC));
    expect(ok.data.equals(WHOLE)).toBe(true);
    expect([...ok.trailers]).toEqual([['x-amz-checksum-crc32', CRC]]);
    expect((await decode(decoder, body(CRC, false))).code).toBeUndefined();
    const noTrailerCrlf = body(CRC, false).subarray(0, -2);
    expect((await decode(decoder, noTrailerCrlf)).code).toBeUndefined();
    expect((await decode(decoder, body('AAAAAA=='))).code).toBe('BadDigest');
    expect((await decode(decoder, body('not base64!'))).code).toBe('InvalidDigest');
    expect((await decode(decoder, encodeAwsChunked(DATA))).code).toBe('IncompleteBody');
    const other = encodeAwsChunked(DATA, { trailers: [['x-amz-checksum-sha1', 'AAAA']] });
    expect((await decode(decoder, other)).code).toBe('InvalidArgument');
  });

  it('fails truncated or corrupt framing with IncompleteBody', async () => {
    const decoder: ChunkedDecoderOptions = {
      trailers: [],
      signedTrailer: false,
      decodedLength: WHOLE.length,
    };
    const body = encodeAwsChunked(DATA);
    expect((await decode(decoder, body)).code).toBeUndefined();
    for (const cut of [1, 5, 8200, body.length - 5, body.length - 6, body.length - 8]) {
      expect((await decode(decoder, body.subarray(0, cut))).code, `cut at ${cut}`).toBe('IncompleteBody');
    }
    const corrupt = (s: string) => Buffer.from(s);
    expect((await decode(decoder, corrupt('zz\r\nabc\r\n0\r\n\r\n'))).code).toBe('IncompleteBody');
    expect((await decode(decoder, corrupt('3\r\nabcX\r\n0\r\n\r\n'))).code).toBe('IncompleteBody');
    expect((await decode(decoder, corrupt(`${'1'.repeat(5000)}\r\n`))).code).toBe('IncompleteBody');
    expect((await decode(decoder, Buffer.concat([body, corrupt('junk')]))).code).toBe('IncompleteBody');
    // The decoded length must match x-amz-decoded-content-length either way.
    expect((await decode({ ...decoder, decodedLength: WHOLE.length + 1 }, body)).code).toBe('IncompleteBody');
    expect((await decode({ ...decoder, decodedLength: 10 }, body)).code).toBe('IncompleteBody');
  });

  it('accepts an empty body and a final 0 chunk without its CRLF', async () => {
    const decoder: ChunkedDecoderOptions = { trailers: [], signedTrailer: false, decodedLength: 0 };
    expect(await decode(decoder, Buffer.from('0\r\n\r\n'))).toMatchObject({ code: undefined });
    expect(await decode(decoder, Buffer.from('0\r\n'))).toMatchObject({ code: undefined });
    expect(await decode(decoder, Buffer.from('0'))).toMatchObject({ code: undefined });
    expect((await decode(decoder, Buffer.alloc(0))).code).toBe('IncompleteBody');
  });
});
