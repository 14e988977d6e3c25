/**
 * Header values with bytes 0x80–0xFF against the real server, over raw sockets so that the exact
 * bytes are controlled and seen: UTF-8 in x-amz-meta-* and Content-Disposition, sent raw and
 * signed over the raw bytes (as curl --aws-sigv4 and the Go clients do), must be accepted and
 * come back byte for byte from GET and HEAD, for inline (small) and streamed (large) objects.
 */
import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
const B = 'utf8-headers';
const META = Buffer.from('café ☕', 'utf8');
const DISPOSITION = Buffer.concat([
  Buffer.from('attachment; filename="'),
  Buffer.from('café ☕.txt', 'utf8'),
  Buffer.from('"'),
]);
const SMALL = Buffer.from('small body');
/** Larger than the inline limit (128 KiB): stored as a blob and streamed. */
const LARGE = Buffer.alloc(300 * 1024, 'x');

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: B }));
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

const hmac = (key: Buffer | string, data: Buffer | string) => createHmac('sha256', key).update(data).digest();

/**
 * A SigV4 header-signed request as bytes: the canonical request is hashed over the header bytes
 * exactly as they go on the wire (raw UTF-8 here), computed with node:crypto alone.
 */
function signedRequest(
  method: string,
  path: string,
  headers: [string, Buffer | string][],
  body: Buffer = Buffer.alloc(0),
  tamper?: (head: Buffer) => Buffer,
): Buffer {
  const now = new Date();
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const all: [string, Buffer][] = [
    ['host', Buffer.from(`127.0.0.1:${server.port}`)],
    ['x-amz-content-sha256', Buffer.from(payloadHash)],
    ['x-amz-date', Buffer.from(amzDate)],
    ...headers.map(([k, v]): [string, Buffer] => [k, Buffer.from(v)]),
  ].sort((a, b) => (a[0] < b[0] ? -1 : 1)) as [string, Buffer][];
  const names = all.map((h) => h[0]).join(';');
  const canonical = Buffer.concat([
    Buffer.from(`${method}\n${path}\n\n`),
    ...all.flatMap(([k, v]) => [Buffer.from(`${k}:`), v, Buffer.from('\n')]),
    Buffer.from(`\n${names}\n${payloadHash}`),
  ]);
  const sts = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const key = hmac(hmac(hmac(hmac(`AWS4${ROOT_PASSWORD}`, day), 'us-east-1'), 's3'), 'aws4_request');
  const signature = hmac(key, sts).toString('hex');
  let head: Buffer = Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\n`),
    ...all.flatMap(([k, v]) => [Buffer.from(`${k}: `), v, Buffer.from('\r\n')]),
    Buffer.from(
      `authorization: AWS4-HMAC-SHA256 Credential=${ROOT_USER}/${scope}, SignedHeaders=${names}, Signature=${signature}\r\n`,
    ),
    Buffer.from(`content-length: ${body.length}\r\nconnection: close\r\n\r\n`),
  ]);
  if (tamper) head = tamper(head);
  return Buffer.concat([head, body]);
}

interface RawAnswer {
  status: number;
  /** The header block exactly as received. */
  head: Buffer;
  body: Buffer;
}

/**
 * Sends bytes on a fresh connection and reads the whole answer (the server closes: the requests
 * say `connection: close`; the client does not half-close, which would cut a large upload short).
 */
function exchange(bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, end + 2);
      resolve({
        status: Number(head.toString('latin1').split(' ')[1]),
        head,
        body: all.subarray(end + 4),
      });
    });
  });
}

/** The raw bytes of a response header's value (names are lower-case in node's answers). */
function headerBytes(head: Buffer, name: string): Buffer | undefined {
  const marker = Buffer.from(`\r\n${name}: `);
  const start = head.indexOf(marker);
  if (start < 0) return undefined;
  const from = start + marker.length;
  return head.subarray(from, head.indexOf('\r\n', from));
}

describe('raw UTF-8 header values', () => {
  const headers: [string, Buffer][] = [
    ['content-disposition', DISPOSITION],
    ['x-amz-meta-name', META],
  ];

  it.each([
    ['small (inline)', 'small', SMALL],
    ['large (streamed)', 'large', LARGE],
  ])(
    'PUT signed over the raw bytes succeeds, GET and HEAD return them byte for byte: %s',
    async (_, key, body) => {
      const put = await exchange(signedRequest('PUT', `/${B}/${key}`, headers, body));
      expect(put.status, put.body.toString()).toBe(200);

      for (const method of ['GET', 'HEAD']) {
        const res = await exchange(signedRequest(method, `/${B}/${key}`, []));
        expect(res.status, res.body.toString()).toBe(200);
        expect(headerBytes(res.head, 'x-amz-meta-name')?.toString('hex')).toBe(META.toString('hex'));
        expect(headerBytes(res.head, 'content-disposition')?.toString('hex')).toBe(
          DISPOSITION.toString('hex'),
        );
        expect(headerBytes(res.head, 'content-length')?.toString()).toBe(String(body.length));
        expect(headerBytes(res.head, 'transfer-encoding')).toBeUndefined();
        if (method === 'GET') expect(res.body.equals(body)).toBe(true);
        else expect(res.body.length).toBe(0);
      }
    },
  );

  it('refuses the same request with one raw byte changed after signing', async () => {
    const swap = (head: Buffer) => {
      const copy = Buffer.from(head);
      copy[copy.indexOf(META) + META.length - 1] ^= 1;
      return copy;
    };
    const res = await exchange(signedRequest('PUT', `/${B}/tampered`, headers, SMALL, swap));
    expect(res.status).toBe(403);
    expect(res.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('keeps accepting the AWS SDK v3 with non-ASCII metadata, whatever node puts on the wire', async () => {
    // A Buffer body: node writes 'é' as the byte 0xE9 while the SDK hashed its UTF-8 (AWS's reading).
    await s3.send(
      new PutObjectCommand({ Bucket: B, Key: 'sdk-buffer', Body: SMALL, Metadata: { name: 'café' } }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: 'sdk-buffer' }));
    expect(head.Metadata).toEqual({ name: 'café' });
    // A string body: node writes the whole header block as UTF-8, the bytes the SDK hashed.
    await expect(
      s3.send(
        new PutObjectCommand({ Bucket: B, Key: 'sdk-string', Body: 'text', Metadata: { name: 'café' } }),
      ),
    ).resolves.toBeDefined();
    const raw = await exchange(signedRequest('HEAD', `/${B}/sdk-string`, []));
    expect(headerBytes(raw.head, 'x-amz-meta-name')?.toString('utf8')).toBe('café');
  });
});
