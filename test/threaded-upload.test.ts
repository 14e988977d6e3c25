import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAwsChunked, signHeader } from '../src/auth/test-signer.js';
import { checksumBase64, formatAmzDate } from '../src/core/index.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * Uploads above ingest's THREADED_MIN (8 MiB) are hashed on the digest threads (MD5, SHA-256 of
 * the chunk signatures) and written from the shared slot ring: the same guarantees as small ones.
 */
const MiB = 1024 * 1024;
let server: RunningServer;
let s3: S3Client;
const creds = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'large' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

interface Put {
  key: string;
  data: Buffer;
  trailer?: string;
  header?: Record<string, string>;
  corrupt?: (body: Buffer) => void;
  /** Send only this many bytes of the body, then drop the connection. */
  cutAt?: number;
}

/** A STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] PUT of `data` in 64 KiB chunks. */
function streamingPut(o: Put): Promise<{ status: number; body: string; etag?: string | undefined }> {
  const amzDate = formatAmzDate(Date.now());
  const headers: Record<string, string> = {
    host: `127.0.0.1:${server.port}`,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(o.data.length),
    ...o.header,
  };
  if (o.trailer) headers['x-amz-trailer'] = o.trailer;
  const mode = o.trailer
    ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
    : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
  const path = `/large/${o.key}`;
  const signed = signHeader({ method: 'PUT', rawPath: path, headers }, creds, amzDate, mode);
  const chunks: Buffer[] = [];
  for (let i = 0; i < o.data.length; i += 65536) chunks.push(o.data.subarray(i, i + 65536));
  const body = encodeAwsChunked(chunks, {
    signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seed: signed.signature },
    ...(o.trailer ? { trailers: [[o.trailer, checksumBase64('CRC32C', o.data)]], signedTrailer: true } : {}),
  });
  o.corrupt?.(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'PUT',
        path,
        headers: { ...signed.req.headers, 'content-length': String(body.length) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: text, etag: res.headers.etag?.replace(/"/g, '') }),
        );
      },
    );
    if (o.cutAt !== undefined) {
      req.on('error', () => resolve({ status: 0, body: 'cut' }));
      req.write(body.subarray(0, o.cutAt), () => setTimeout(() => req.destroy(), 100));
      return;
    }
    req.on('error', reject);
    req.end(body);
  });
}

async function exists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: 'large', Key: key })).then(
    () => true,
    () => false,
  );
}

function files(dir: string): string[] {
  return readdirSync(join(server.dataDir, '.tessera', dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

const md5Hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Resident set size of the server's worker process. */
function workerRss(): number {
  const children = readFileSync(`/proc/${server.proc.pid}/task/${server.proc.pid}/children`, 'utf8');
  const pid = Number(children.trim().split(/\s+/)[0]);
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

describe('large streaming-signed uploads (hash threads)', () => {
  it('reads back byte-identical with the MD5 ETag and the trailing checksum', async () => {
    const data = randomBytes(24 * MiB + 12345);
    const res = await streamingPut({ key: 'big', data, trailer: 'x-amz-checksum-crc32c' });
    expect(res.status).toBe(200);
    expect(res.etag).toBe(md5Hex(data));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'large', Key: 'big', ChecksumMode: 'ENABLED' }));
    expect(got.ETag).toBe(`"${md5Hex(data)}"`);
    expect(got.ChecksumCRC32C).toBe(checksumBase64('CRC32C', data));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('verifies and stores an x-amz-checksum-sha256 header', async () => {
    const data = randomBytes(9 * MiB);
    const value = checksumBase64('SHA256', data);
    const res = await streamingPut({ key: 'sum', data, header: { 'x-amz-checksum-sha256': value } });
    expect(res.status).toBe(200);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'large', Key: 'sum', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).toBe(value);
    const wrong = await streamingPut({
      key: 'sum-wrong',
      data,
      header: { 'x-amz-checksum-sha256': checksumBase64('SHA256', Buffer.from('x')) },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('BadDigest');
    expect(await exists('sum-wrong')).toBe(false);
  });

  it('refuses a corrupted chunk or a bad last chunk signature, leaving no object and no blob file', async () => {
    const before = files('blobs').length;
    const data = randomBytes(12 * MiB);
    const middle = await streamingPut({
      key: 'tampered',
      data,
      corrupt: (b) => {
        b[5 * MiB] = b[5 * MiB]! ^ 1;
      },
    });
    expect(middle.status).toBe(403);
    expect(middle.body).toContain('SignatureDoesNotMatch');
    const last = await streamingPut({
      key: 'bad-last-signature',
      data,
      corrupt: (b) => {
        // The last data chunk's header: `<size>;chunk-signature=<64 hex>` before the final `0;…`.
        const at = b.lastIndexOf('chunk-signature=', b.lastIndexOf('0;chunk-signature=') - 1);
        b[at + 20] = b[at + 20] === 0x61 ? 0x62 : 0x61;
      },
    });
    expect(last.status).toBe(403);
    expect(last.body).toContain('SignatureDoesNotMatch');
    expect(await exists('tampered')).toBe(false);
    expect(await exists('bad-last-signature')).toBe(false);
    expect(files('blobs').length).toBe(before);
    expect(files('tmp')).toEqual([]);
  });

  it('a client that disconnects mid-upload leaves nothing behind; later uploads still work', async () => {
    const before = files('blobs').length;
    const data = randomBytes(16 * MiB);
    for (let i = 0; i < 3; i++) await streamingPut({ key: `cut-${i}`, data, cutAt: 10 * MiB });
    // Give the server a moment to notice the closed sockets and clean up.
    for (let i = 0; i < 100 && files('tmp').length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(files('tmp')).toEqual([]);
    expect(files('blobs').length).toBe(before);
    for (let i = 0; i < 3; i++) expect(await exists(`cut-${i}`)).toBe(false);
    // Leaked slots would stall these (the ring is 32 MiB): each upload is larger than the ring.
    const large = randomBytes(40 * MiB);
    for (let i = 0; i < 2; i++) {
      const res = await streamingPut({ key: `after-cut-${i}`, data: large });
      expect(res.status).toBe(200);
      expect(res.etag).toBe(md5Hex(large));
    }
  });

  it('many concurrent large uploads all succeed within a fixed memory bound', async () => {
    const data = randomBytes(20 * MiB);
    const base = workerRss();
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, workerRss());
    }, 20);
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => streamingPut({ key: `concurrent-${i}`, data })),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.etag).toBe(md5Hex(data));
      }
    } finally {
      clearInterval(timer);
    }
    // 160 MiB went through at once: the ring (32 MiB) and socket buffers bound what is held.
    expect(peak - base).toBeLessThan(96 * MiB);
  });
});
