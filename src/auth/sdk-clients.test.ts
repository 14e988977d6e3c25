/**
 * Requests exactly as @aws-sdk/client-s3 (default settings) puts them on the wire, captured by a
 * request handler instead of a socket, then authenticated and their bodies decoded.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { checksumBase64, TesseraError } from '../core/index.js';
import { authenticate } from './authenticate.js';
import { createPayloadHashCheck } from './payload-hash.js';
import { createChunkedDecoder } from './streaming/chunked-decoder.js';
import type { AuthRequest, VerifiedRequest, VerifyOptions } from './types.js';

interface Captured {
  req: AuthRequest;
  body: Buffer;
}

const AK = 'AKIAEXAMPLE123456789';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLE//token+with/slashes==';

function client(sessionToken?: string): { s3: S3Client; captured: Captured[] } {
  const captured: Captured[] = [];
  const requestHandler = {
    handle: async (r: {
      method: string;
      path: string;
      query?: Record<string, unknown>;
      headers: Record<string, string>;
      body?: unknown;
    }) => {
      let body = Buffer.alloc(0);
      if (
        r.body instanceof Readable ||
        (r.body && typeof (r.body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
      ) {
        const parts: Buffer[] = [];
        for await (const c of r.body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
        body = Buffer.concat(parts);
      } else if (typeof r.body === 'string' || r.body instanceof Uint8Array) body = Buffer.from(r.body);
      // Rebuild the request line the way the SDK's node handler would (query from the object).
      const query = Object.entries(r.query ?? {})
        .map(([k, v]) =>
          v === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`,
        )
        .join('&');
      captured.push({
        req: { method: r.method, rawPath: r.path, rawQuery: query, headers: lower(r.headers) },
        body,
      });
      return { response: { statusCode: 200, headers: { etag: '"x"' }, body: Readable.from([]) } };
    },
  };
  const s3 = new S3Client({
    region: 'eu-central-1',
    endpoint: 'http://localhost:9000',
    forcePathStyle: true,
    credentials: { accessKeyId: AK, secretAccessKey: SECRET, ...(sessionToken ? { sessionToken } : {}) },
    requestHandler,
  });
  return { s3, captured };
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const opts = (): VerifyOptions => ({
  now: Date.now(),
  lookup: (ak, token) =>
    ak === AK
      ? { accessKey: AK, secretKey: SECRET, principal: 'p', ...(token ? { sessionToken: TOKEN } : {}) }
      : undefined,
});

/** Streams the captured body through what `payload` asks for; resolves to the decoded bytes. */
async function readBody(
  v: VerifiedRequest,
  body: Buffer,
): Promise<{ data: Buffer; trailers?: Map<string, string> }> {
  const out: Buffer[] = [];
  const sink = async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) out.push(c);
  };
  switch (v.payload.type) {
    case 'none':
      return { data: body };
    case 'sha256':
      await pipeline(Readable.from([body]), createPayloadHashCheck(v.payload.expected), sink);
      return { data: Buffer.concat(out) };
    case 'aws-chunked': {
      const decoder = createChunkedDecoder(v.payload.decoder);
      await pipeline(Readable.from([body]), decoder, sink);
      return { data: Buffer.concat(out), trailers: decoder.trailers };
    }
  }
}

describe('requests from @aws-sdk/client-s3', () => {
  it('PutObject with a stream: STREAMING-UNSIGNED-PAYLOAD-TRAILER, odd key characters', async () => {
    const { s3, captured } = client();
    const parts = [Buffer.from('hello '), Buffer.from('streaming '), Buffer.from('world')];
    await s3.send(
      new PutObjectCommand({
        Bucket: 'b',
        Key: "a!*+ (x)'~é.txt",
        Body: Readable.from(parts),
        ContentLength: 21,
      }),
    );
    const { req, body } = captured[0]!;
    expect(req.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    const v = await authenticate(req, opts());
    expect(v).toMatchObject({
      kind: 'sigv4-streaming-unsigned-trailer',
      region: 'eu-central-1',
      service: 's3',
    });
    const { data, trailers } = await readBody(v, body);
    expect(data.toString()).toBe('hello streaming world');
    expect(trailers?.get('x-amz-checksum-crc32')).toBe(checksumBase64('CRC32', data));
  });

  it('PutObject with a buffer (signed SHA-256) and GetObject / ListObjectsV2 with session token', async () => {
    const { s3, captured } = client(TOKEN);
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'dir/k', Body: 'payload' }));
    await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'dir/k' }));
    await s3.send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'a b/ü+', Delimiter: '/' }));
    for (const { req, body } of captured) {
      const v = await authenticate(req, opts());
      expect(v).toMatchObject({ kind: 'sigv4-header', sessionToken: TOKEN, accessKey: AK });
      expect((await readBody(v, body)).data.equals(body)).toBe(true);
    }
    const put = captured[0]!;
    const v = await authenticate(put.req, opts());
    await expect(readBody(v, Buffer.from('Payload'))).rejects.toMatchObject({
      code: 'XAmzContentSHA256Mismatch',
    });
    const tampered = { ...put.req, rawPath: '/b/dir/K' };
    await expect(authenticate(tampered, opts())).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('presigned GET and PUT (x-amz-checksum-crc32 of an empty body is signed but ignored)', async () => {
    const { s3 } = client(TOKEN);
    for (const command of [
      new GetObjectCommand({ Bucket: 'b', Key: 'some key+!.bin' }),
      new PutObjectCommand({ Bucket: 'b', Key: 'up load' }),
    ]) {
      const url = new URL(await getSignedUrl(s3, command, { expiresIn: 300 }));
      const req: AuthRequest = {
        method: command instanceof PutObjectCommand ? 'PUT' : 'GET',
        rawPath: url.pathname,
        rawQuery: url.search.slice(1),
        headers: { host: url.host },
      };
      const v = await authenticate(req, opts());
      expect(v).toMatchObject({ kind: 'sigv4-presigned', sessionToken: TOKEN, payload: { type: 'none' } });
      const later = { ...opts(), now: Date.now() + 301_000 };
      const err = await authenticate(req, later).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TesseraError);
      expect(err).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    }
  });
});
