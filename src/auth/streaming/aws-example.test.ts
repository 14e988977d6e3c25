/**
 * AWS's documented chunked-upload example ("Signature Calculations for the Authorization Header:
 * Transferring Payload in Multiple Chunks (Chunked Upload)", Example: PUT Object): 66 560 bytes of
 * 'a' in a 64 KiB chunk, a 1 KiB chunk and the final empty chunk, signed with AWS's example keys on
 * 2013-05-24. The request and the chunk signatures are AWS's, not produced by Tessera's own signing
 * code (src/auth/test-signer.ts): the product must accept them exactly, and refuse the request or
 * the body after any one-byte change. The chain is also recomputed with node:crypto alone, so the
 * vector itself is checked independently of the product.
 */
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import { authenticate } from '../authenticate.js';
import type { AuthRequest, ChunkedDecoderOptions, VerifyOptions } from '../types.js';
import { createChunkedDecoder } from './chunked-decoder.js';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AMZ_DATE = '20130524T000000Z';
const SCOPE = '20130524/us-east-1/s3/aws4_request';
const SIGNED_HEADERS =
  'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNK_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const CHUNKS = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)];
const DECODED = Buffer.concat(CHUNKS);

/** The example's request as AWS documents it. */
const REQUEST: AuthRequest = {
  method: 'PUT',
  rawPath: '/examplebucket/chunkObject.txt',
  rawQuery: '',
  headers: {
    host: 's3.amazonaws.com',
    'x-amz-date': AMZ_DATE,
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${SCOPE},SignedHeaders=${SIGNED_HEADERS},Signature=${SEED}`,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
  },
};

/** The example's body: `<hex size>;chunk-signature=<sig>\r\n<data>\r\n` per chunk. */
function frame(signatures: readonly string[] = CHUNK_SIGNATURES): Buffer {
  return Buffer.concat(
    CHUNKS.flatMap((c, i) => [
      Buffer.from(`${c.length.toString(16)};chunk-signature=${signatures[i]}\r\n`),
      c,
      Buffer.from('\r\n'),
    ]),
  );
}
const BODY = frame();

const opts: VerifyOptions = {
  now: Date.UTC(2013, 4, 24, 0, 5),
  services: ['s3'],
  lookup: (accessKey) =>
    accessKey === ACCESS_KEY ? { accessKey, secretKey: SECRET_KEY, principal: 'example' } : undefined,
};

async function decoderOptions(req: AuthRequest = REQUEST): Promise<ChunkedDecoderOptions> {
  const verified = await authenticate(req, opts);
  expect(verified.kind).toBe('sigv4-streaming');
  if (verified.payload.type !== 'aws-chunked') throw new Error(`payload ${verified.payload.type}`);
  return verified.payload.decoder;
}

/** Decodes `body` fed in `step`-byte pieces: the output, or the error code. */
async function decode(decoder: ChunkedDecoderOptions, body: Buffer, step = body.length) {
  const pieces: Buffer[] = [];
  for (let i = 0; i < body.length; i += step) pieces.push(body.subarray(i, i + step));
  const out: Buffer[] = [];
  try {
    await pipeline(
      Readable.from(pieces),
      createChunkedDecoder(decoder),
      async (source: AsyncIterable<Buffer>) => {
        for await (const c of source) out.push(c);
      },
    );
    return { code: undefined, data: Buffer.concat(out) };
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return { code: (e as TesseraError).code, data: Buffer.concat(out) };
  }
}

/** Changes one byte: the last digit (+1), else the last character. */
function mutate(value: string): string {
  const m = /\d(?=\D*$)/.exec(value);
  const i = m ? m.index : value.length - 1;
  const next = m ? String((Number(value[i]) + 1) % 10) : value[i] === 'a' ? 'b' : 'a';
  return value.slice(0, i) + next + value.slice(i + 1);
}

async function authCode(req: AuthRequest): Promise<string> {
  return authenticate(req, opts).then(
    () => 'accepted',
    (e: unknown) => {
      expect(e).toBeInstanceOf(TesseraError);
      return (e as TesseraError).code;
    },
  );
}

describe("AWS's documented chunked upload (Example: PUT Object)", () => {
  it('is self-consistent: node:crypto alone reproduces the seed and the chunk signatures', () => {
    const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
    const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
    let key = hmac(`AWS4${SECRET_KEY}`, '20130524');
    for (const part of ['us-east-1', 's3', 'aws4_request']) key = hmac(key, part);
    const h = REQUEST.headers as Record<string, string>;
    const canonical = [
      'PUT',
      REQUEST.rawPath,
      '',
      ...SIGNED_HEADERS.split(';').map((n) => `${n}:${h[n]}`),
      '',
      SIGNED_HEADERS,
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    ].join('\n');
    expect(sha(canonical)).toBe('cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455');
    let previous = hmac(key, ['AWS4-HMAC-SHA256', AMZ_DATE, SCOPE, sha(canonical)].join('\n')).toString(
      'hex',
    );
    expect(previous).toBe(SEED);
    CHUNKS.forEach((chunk, i) => {
      const sts = ['AWS4-HMAC-SHA256-PAYLOAD', AMZ_DATE, SCOPE, previous, sha(''), sha(chunk)].join('\n');
      previous = hmac(key, sts).toString('hex');
      expect(previous, `chunk ${i}`).toBe(CHUNK_SIGNATURES[i]);
    });
    expect(BODY.length).toBe(66824);
  });

  it('authenticates the request and decodes the body, in any split', async () => {
    const verified = await authenticate(REQUEST, opts);
    expect(verified).toMatchObject({
      kind: 'sigv4-streaming',
      accessKey: ACCESS_KEY,
      principal: 'example',
      region: 'us-east-1',
      service: 's3',
      payloadSigned: true,
      payload: {
        type: 'aws-chunked',
        decoder: {
          signing: { amzDate: AMZ_DATE, scope: SCOPE, seedSignature: SEED },
          decodedLength: 66560,
          trailers: [],
          signedTrailer: false,
        },
      },
    });
    const decoder = await decoderOptions();
    for (const step of [BODY.length, 1000, 65536, 4093]) {
      const r = await decode(decoder, BODY, step);
      expect(r.code, `step ${step}`).toBeUndefined();
      expect(r.data.equals(DECODED), `step ${step}`).toBe(true);
    }
  });

  it('refuses the request after a one-byte change of any signed header', async () => {
    const h = REQUEST.headers as Record<string, string>;
    for (const name of SIGNED_HEADERS.split(';')) {
      const code = await authCode({ ...REQUEST, headers: { ...h, [name]: mutate(h[name]!) } });
      // STREAMING-AWS4-HMAC-SHA257-PAYLOAD is no payload mode at all.
      expect(code, name).toBe(name === 'x-amz-content-sha256' ? 'InvalidArgument' : 'SignatureDoesNotMatch');
    }
    const seedChanged = h.authorization!.replace(SEED, `${SEED.slice(0, -1)}8`);
    expect(await authCode({ ...REQUEST, headers: { ...h, authorization: seedChanged } })).toBe(
      'SignatureDoesNotMatch',
    );
    expect(await authCode({ ...REQUEST, rawPath: '/examplebucket/chunkObject.txu' })).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('refuses the body after a one-byte change of any chunk signature or any chunk', async () => {
    const decoder = await decoderOptions();
    for (let i = 0; i < CHUNK_SIGNATURES.length; i++) {
      const sigs = [...CHUNK_SIGNATURES];
      const s = sigs[i]!;
      sigs[i] = s.slice(0, 10) + (s[10] === 'f' ? 'e' : 'f') + s.slice(11);
      expect((await decode(decoder, frame(sigs))).code, `signature ${i}`).toBe('SignatureDoesNotMatch');
    }
    const firstData = BODY.indexOf('\r\n') + 2;
    const secondData = BODY.indexOf('\r\n', firstData + 65536 + 2) + 2;
    for (const at of [firstData, firstData + 40_000, firstData + 65535, secondData, secondData + 1023]) {
      const body = Buffer.from(BODY);
      body[at] = 0x62; // 'a' → 'b'
      expect((await decode(decoder, body, 8192)).code, `data byte ${at}`).toBe('SignatureDoesNotMatch');
    }
    // Chunks in the wrong order, or a body signed from another seed, break the chain.
    const swapped = Buffer.concat([
      Buffer.from(`400;chunk-signature=${CHUNK_SIGNATURES[1]}\r\n`),
      CHUNKS[1]!,
      Buffer.from(`\r\n10000;chunk-signature=${CHUNK_SIGNATURES[0]}\r\n`),
      CHUNKS[0]!,
      Buffer.from(`\r\n0;chunk-signature=${CHUNK_SIGNATURES[2]}\r\n\r\n`),
    ]);
    expect((await decode(decoder, swapped)).code).toBe('SignatureDoesNotMatch');
    const otherSeed = { ...decoder, signing: { ...decoder.signing!, seedSignature: CHUNK_SIGNATURES[0]! } };
    expect((await decode(otherSeed, BODY)).code).toBe('SignatureDoesNotMatch');
  });
});
