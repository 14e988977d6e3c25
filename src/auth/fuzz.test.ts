/**
 * Time-boxed property tests: the Authorization-header parsers, `authenticate` and the aws-chunked
 * decoder only ever fail with a TesseraError, never anything else, and never hang.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumBase64, TesseraError } from '../core/index.js';
import { authenticate } from './authenticate.js';
import { parseV2Authorization } from './sigv2/verify-header.js';
import { parseV4Authorization } from './sigv4/authorization-header.js';
import { createChunkedDecoder } from './streaming/chunked-decoder.js';
import { encodeAwsChunked, signHeader } from './test-signer.js';
import type { ChunkedDecoderOptions } from './types.js';

const LIMIT = { numRuns: 2000, interruptAfterTimeLimit: 3000 };

function onlyTesseraErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
  }
}

const piece = fc.constantFrom(
  'AWS4-HMAC-SHA256',
  ' ',
  ',',
  ', ',
  '=',
  '/',
  ';',
  'Credential',
  'SignedHeaders',
  'Signature',
  'AK',
  '20260301',
  'us-east-1',
  's3',
  'aws4_request',
  'host',
  'x-amz-date',
  'abc0',
  '',
);
const authorizationLike = fc.oneof(
  fc.string(),
  fc.array(piece, { maxLength: 30 }).map((a) => a.join('')),
);

describe('fuzz', () => {
  it('Authorization header parsers throw only TesseraError', () => {
    fc.assert(
      fc.property(authorizationLike, (value) => {
        onlyTesseraErrors(() => parseV4Authorization(value, ['s3']));
        onlyTesseraErrors(() => parseV2Authorization(value));
      }),
      LIMIT,
    );
  });

  it('authenticate rejects arbitrary requests only with TesseraError', async () => {
    const signed = signHeader(
      { method: 'GET', rawPath: '/b/k', headers: { host: 'h' } },
      { accessKey: 'AK', secretKey: 's' },
      '20260301T120000Z',
      'UNSIGNED-PAYLOAD',
    );
    const base = signed.req;
    const opts = {
      now: Date.UTC(2026, 2, 1, 12),
      lookup: (ak: string) => (ak === 'AK' ? { accessKey: 'AK', secretKey: 's', principal: 1 } : undefined),
    };
    await fc.assert(
      fc.asyncProperty(
        authorizationLike,
        fc.string(),
        fc.string(),
        fc.string(),
        async (authorization, rawPath, rawQuery, sha) => {
          for (const req of [
            { ...base, headers: { ...base.headers, authorization } },
            { ...base, rawPath, rawQuery },
            { ...base, rawQuery: `X-Amz-Algorithm=AWS4-HMAC-SHA256&${rawQuery}` },
            { ...base, headers: { ...base.headers, 'x-amz-content-sha256': sha, 'x-amz-date': sha } },
          ]) {
            await authenticate(req, opts).catch((e: unknown) => {
              if (!(e instanceof TesseraError)) throw e;
            });
          }
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 3000 },
    );
  });

  it('aws-chunked decoder fails only with TesseraError, on mutated and random bodies, in any split', async () => {
    const data = [Buffer.from('hello '), Buffer.from('world')];
    const crc = checksumBase64('CRC32', Buffer.concat(data));
    const signing = {
      signingKey: Buffer.alloc(32, 1),
      amzDate: '20260301T120000Z',
      scope: '20260301/r/s3/aws4_request',
      seedSignature: '0'.repeat(64),
    };
    const trailers: [string, string][] = [['x-amz-checksum-crc32', crc]];
    const unsigned = encodeAwsChunked(data, { trailers });
    const signed = encodeAwsChunked(data, {
      trailers,
      signedTrailer: true,
      signing: { ...signing, seed: signing.seedSignature },
    });
    const options: ChunkedDecoderOptions = {
      trailers: ['x-amz-checksum-crc32'],
      signedTrailer: false,
      decodedLength: 11,
    };
    const mutated = (valid: Buffer) =>
      fc.oneof(
        fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, byte]) => {
          const b = Buffer.from(valid);
          b[i] = byte;
          return b;
        }),
        fc.nat(valid.length).map((n) => valid.subarray(0, n)),
        fc
          .tuple(fc.nat(valid.length), fc.uint8Array({ maxLength: 8 }))
          .map(([i, ins]) => Buffer.concat([valid.subarray(0, i), ins, valid.subarray(i)])),
      );
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => ({ b: Buffer.from(b), signed: false })),
      mutated(unsigned).map((b) => ({ b, signed: false })),
      mutated(signed).map((b) => ({ b, signed: true })),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.integer({ min: 1, max: 64 }), async ({ b, signed }, step) => {
        const pieces: Buffer[] = [];
        for (let i = 0; i < b.length; i += step) pieces.push(b.subarray(i, i + step));
        const decoder = createChunkedDecoder(signed ? { ...options, signing, signedTrailer: true } : options);
        await pipeline(Readable.from(pieces), decoder, async (src: AsyncIterable<Buffer>) => {
          for await (const _ of src);
        }).catch((e: unknown) => {
          if (!(e instanceof TesseraError)) throw e;
        });
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 3000 },
    );
    expect(true).toBe(true);
  });
});
