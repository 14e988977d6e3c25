import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAwsChunked, signHeader } from '../src/auth/test-signer.js';
import { checksumBase64, formatAmzDate } from '../src/core/index.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
const creds = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'streaming' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

interface Send {
  key: string;
  chunks: Buffer[];
  trailer?: boolean;
  corrupt?: (body: Buffer) => Buffer;
  trailerValue?: string;
}

/** PUTs with STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], as chunked transfer (no Content-Length). */
async function streamingPut(o: Send): Promise<{ status: number; body: string }> {
  const data = Buffer.concat(o.chunks);
  const amzDate = formatAmzDate(Date.now());
  const mode = o.trailer
    ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
    : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const headers: Record<string, string> = {
    host: `127.0.0.1:${server.port}`,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
  };
  if (o.trailer) headers['x-amz-trailer'] = 'x-amz-checksum-crc32c';
  const path = `/streaming/${o.key}`;
  const signed = signHeader({ method: 'PUT', rawPath: path, headers }, creds, amzDate, mode);
  let body = encodeAwsChunked(o.chunks, {
    signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seed: signed.signature },
    ...(o.trailer
      ? {
          trailers: [['x-amz-checksum-crc32c', o.trailerValue ?? checksumBase64('CRC32C', data)]],
          signedTrailer: true,
        }
      : {}),
  });
  if (o.corrupt) body = o.corrupt(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'PUT',
        path,
        headers: { ...signed.req.headers, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    // Several writes: the HTTP chunking does not line up with the aws-chunked framing.
    for (let i = 0; i < body.length; i += 7001) req.write(body.subarray(i, i + 7001));
    req.end();
  });
}

async function exists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: 'streaming', Key: key })).then(
    () => true,
    () => false,
  );
}

describe('signed streaming uploads (aws-chunked with chained chunk signatures)', () => {
  it('stores the decoded bytes of a signed-chunk upload', async () => {
    const chunks = [randomBytes(65536), randomBytes(65536), randomBytes(1234)];
    const res = await streamingPut({ key: 'signed', chunks });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'streaming', Key: 'signed' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('verifies the signed trailer and stores its checksum', async () => {
    const chunks = [randomBytes(70000), randomBytes(10)];
    expect((await streamingPut({ key: 'trailer', chunks, trailer: true })).status).toBe(200);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'streaming', Key: 'trailer', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumCRC32C).toBe(checksumBase64('CRC32C', Buffer.concat(chunks)));
  });

  it('refuses a tampered chunk (SignatureDoesNotMatch) and a wrong trailing checksum (BadDigest), storing nothing', async () => {
    const chunks = [Buffer.alloc(65536, 1), Buffer.alloc(100, 2)];
    const tampered = await streamingPut({
      key: 'tampered',
      chunks,
      corrupt: (b) => {
        const copy = Buffer.from(b);
        copy[copy.length - 200] ^= 1;
        return copy;
      },
    });
    expect(tampered.status).toBe(403);
    expect(tampered.body).toContain('SignatureDoesNotMatch');
    expect(await exists('tampered')).toBe(false);
    const wrong = await streamingPut({
      key: 'wrong-sum',
      chunks,
      trailer: true,
      trailerValue: checksumBase64('CRC32C', Buffer.from('other')),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('BadDigest');
    expect(await exists('wrong-sum')).toBe(false);
  });
});
