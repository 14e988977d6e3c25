/**
 * Time-boxed property tests: the Authorization-header parsers, `authenticate` and the aws-chunked
 * decoder only ever fail with a TesseraError, never anything else, and never hang; an x-amz-*
 * header added unsigned is always refused (and verifies once signed); a credential scope other
 * than the accepted ones is always refused.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumBase64, EMPTY_SHA256, TesseraError } from '../core/index.js';
import { authenticate } from './authenticate.js';
import { checkScope, type ScopeRule } from './scope.js';
import { parseV2Authorization } from './sigv2/verify-header.js';
import { parseV4Authorization } from './sigv4/authorization-header.js';
import { createChunkedDecoder } from './streaming/chunked-decoder.js';
import { encodeAwsChunked, presign, signHeader } from './test-signer.js';
import type { AuthRequest, ChunkedDecoderOptions, VerifyOptions } from './types.js';

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
    /** The decoded bytes and trailers, or the TesseraError code (anything else fails). */
    const run = async (b: Buffer, signedBody: boolean, step: number) => {
      const pieces: Buffer[] = [];
      for (let i = 0; i < b.length; i += step) pieces.push(b.subarray(i, i + step));
      const decoder = createChunkedDecoder(
        signedBody ? { ...options, signing, signedTrailer: true } : options,
      );
      const out: Buffer[] = [];
      return pipeline(Readable.from(pieces), decoder, async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) out.push(c);
      }).then(
        () => ({
          data: Buffer.concat(out).toString('latin1'),
          trailers: Object.fromEntries(decoder.trailers),
        }),
        (e: unknown) => {
          if (!(e instanceof TesseraError)) throw e;
          return e.code;
        },
      );
    };
    // The valid bodies decode exactly, in any split.
    for (const [b, signedBody] of [
      [unsigned, false],
      [signed, true],
    ] as const) {
      for (const step of [1, 7, b.length])
        expect(await run(b, signedBody, step)).toEqual({
          data: 'hello world',
          trailers: { 'x-amz-checksum-crc32': crc },
        });
    }
    // Whatever is accepted is 11 bytes matching the checksum (a change never slips through).
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.integer({ min: 1, max: 64 }), async ({ b, signed }, step) => {
        const r = await run(b, signed, step);
        if (typeof r === 'string') rejected++;
        else {
          expect(r.data).toHaveLength(11);
          expect(checksumBase64('CRC32', Buffer.from(r.data, 'latin1'))).toBe(crc);
        }
      }),
      { numRuns: 1000, interruptAfterTimeLimit: 3000 },
    );
    expect(rejected).toBeGreaterThan(0);
  });

  const creds = { accessKey: 'AK', secretKey: 's' };
  const AMZ_DATE = '20260301T120000Z';
  const signedOpts: VerifyOptions = {
    now: Date.UTC(2026, 2, 1, 12),
    lookup: (ak: string) => (ak === 'AK' ? { accessKey: 'AK', secretKey: 's', principal: 1 } : undefined),
  };
  /** What authenticate answers: 'accepted' or the error code (anything else fails the property). */
  const outcome = (req: AuthRequest) =>
    authenticate(req, signedOpts).then(
      () => 'accepted',
      (e: unknown) => {
        if (!(e instanceof TesseraError)) throw e;
        return e.code;
      },
    );
  // Names the signature forms bind without SignedHeaders (the payload hash; the presigned URL's
  // own parameters, which a header may only repeat) are not "added" headers.
  const BOUND = new Set([
    'x-amz-content-sha256',
    'x-amz-date',
    'x-amz-algorithm',
    'x-amz-credential',
    'x-amz-expires',
    'x-amz-signedheaders',
    'x-amz-signature',
    'x-amz-security-token',
  ]);
  const amzHeaders = fc.dictionary(
    fc
      .stringMatching(/^[a-z0-9-]{1,16}$/)
      .map((n) => `x-amz-${n}`)
      .filter((n) => !BOUND.has(n)),
    fc.string({ maxLength: 24 }),
    { minKeys: 1, maxKeys: 4 },
  );
  const forms = fc.constantFrom('header', 'streaming', 'presigned');

  function signedRequest(form: string, headers: Record<string, string>): AuthRequest {
    const base = { method: 'PUT', rawPath: '/b/k', headers: { host: 'h', ...headers } };
    if (form === 'presigned') return presign({ ...base, host: 'h', headers }, creds, AMZ_DATE, 60);
    const hash = form === 'streaming' ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' : EMPTY_SHA256;
    return signHeader(base, creds, AMZ_DATE, hash).req;
  }

  it('refuses any x-amz-* header added unsigned, in every signature form; the same headers signed verify', async () => {
    await fc.assert(
      fc.asyncProperty(forms, amzHeaders, async (form, added) => {
        const base = signedRequest(form, {});
        const tampered = { ...base, headers: { ...base.headers, ...added } };
        expect(await outcome(tampered)).toBe('AccessDenied');
        expect(await outcome(signedRequest(form, added))).toBe('accepted');
      }),
      { numRuns: 300, interruptAfterTimeLimit: 3000 },
    );
  });

  it('refuses every credential scope but the accepted ones; the accepted ones verify', async () => {
    const region = fc.oneof(
      fc.constantFrom('us-east-1', 'eu-west-1', '', 'US'),
      fc.stringMatching(/^[a-z0-9-]{0,12}$/),
    );
    const service = fc.oneof(fc.constantFrom('s3', 'iam', 'sts'), fc.stringMatching(/^[a-z0-9]{1,8}$/));
    const rules: ScopeRule[] = [
      { service: 's3', regions: ['us-east-1'], api: 's3' },
      { service: 's3', regions: ['eu-west-1', 'us-east-1'], api: 's3' },
      { service: 'iam', regions: ['us-east-1', 'eu-west-1'], api: 'query' },
      { service: 's3', regions: ['us-east-1', ''], api: 's3' },
    ];
    await fc.assert(
      fc.asyncProperty(
        region,
        service,
        fc.constantFrom(...rules),
        fc.boolean(),
        async (r, svc, rule, presigned) => {
          const c = { ...creds, region: r, service: svc };
          const req = presigned
            ? presign(
                { method: 'GET', rawPath: '/b/k', host: 'h' },
                c,
                AMZ_DATE,
                60,
                svc === 's3' ? 'UNSIGNED-PAYLOAD' : EMPTY_SHA256,
              )
            : signHeader(
                { method: 'GET', rawPath: '/b/k', headers: { host: 'h' } },
                c,
                AMZ_DATE,
                EMPTY_SHA256,
              ).req;
          const accepted = svc === rule.service && rule.regions.includes(r);
          let code = 'accepted';
          try {
            checkScope(await authenticate(req, signedOpts), rule);
          } catch (e) {
            if (!(e instanceof TesseraError)) throw e;
            code = e.code;
          }
          if (accepted) expect(code).toBe('accepted');
          else {
            const scopeCodes =
              rule.api === 's3'
                ? [presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed']
                : [
                    'SignatureDoesNotMatch',
                    'AuthorizationHeaderMalformed',
                    'AuthorizationQueryParametersError',
                  ];
            expect(scopeCodes).toContain(code);
          }
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 3000 },
    );
  });

  it('refuses UNSIGNED-PAYLOAD for every service but s3', async () => {
    const service = fc.oneof(fc.constantFrom('iam', 'sts'), fc.stringMatching(/^[a-z0-9]{1,8}$/));
    await fc.assert(
      fc.asyncProperty(
        service,
        fc.constantFrom('UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'),
        async (svc, hash) => {
          const o = { ...signedOpts, services: [svc] };
          const { req } = signHeader(
            { method: 'POST', rawPath: '/', headers: { host: 'h' } },
            { ...creds, service: svc },
            AMZ_DATE,
            hash,
          );
          const code = await authenticate(req, o).then(
            () => 'accepted',
            (e: TesseraError) => e.code,
          );
          expect(code).toBe(svc === 's3' ? 'accepted' : 'SignatureDoesNotMatch');
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 3000 },
    );
  });
});
