import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, type RunningServer, s3Client, startServer } from './helpers/server.js';
import { openConnection, signedHead, sleep } from './helpers/socket.js';

const BIG = 8 * 1024 * 1024;

/** Clients that go away in the middle: half an upload (inline and blob sizes, three payload modes), half a download. */
async function disconnectEverywhere(server: RunningServer, s3: S3Client): Promise<void> {
  for (const size of [100 * 1024, 4 * 1024 * 1024]) {
    const body = randomBytes(size);
    for (const hash of ['UNSIGNED-PAYLOAD', createHash('sha256').update(body).digest('hex')]) {
      const conn = await openConnection(server.port);
      conn.socket.write(
        await signedHead(server.port, 'PUT', `/gone/up-${size}`, { 'content-length': String(size) }, hash),
      );
      conn.socket.write(body.subarray(0, size / 2));
      await sleep(100);
      conn.socket.destroy();
      await conn.closed;
    }
    // The SDK's own streaming upload (aws-chunked with a trailing checksum), aborted half way.
    const abort = new AbortController();
    const half = Readable.from(
      (async function* () {
        yield body.subarray(0, size / 2);
        await sleep(200);
        abort.abort();
        await sleep(200);
        yield body.subarray(size / 2);
      })(),
    );
    await s3
      .send(new PutObjectCommand({ Bucket: 'gone', Key: `sdk-${size}`, Body: half, ContentLength: size }), {
        abortSignal: abort.signal,
      })
      .catch(() => undefined);
  }
  // Half a download, twice: raw socket destroyed after the first bytes, and fetch aborted.
  const conn = await openConnection(server.port);
  conn.socket.write(await signedHead(server.port, 'GET', '/gone/big', {}));
  while (conn.received().length < 256 * 1024) await sleep(10);
  conn.socket.destroy();
  await conn.closed;
  const abort = new AbortController();
  const res = await fetch(`${server.endpoint}/gone/public`, { signal: abort.signal }).catch(() => undefined);
  const reader = res?.body?.getReader();
  await reader?.read();
  abort.abort();
  await reader?.read().catch(() => undefined);
  await sleep(500);
  // Nothing half-stored.
  for (const key of ['up-102400', 'up-4194304', 'sdk-102400', 'sdk-4194304']) {
    const found = await s3.send(new HeadObjectCommand({ Bucket: 'gone', Key: key })).then(
      () => true,
      () => false,
    );
    expect(found, key).toBe(false);
  }
  // Still healthy.
  await s3.send(new ListBucketsCommand({}));
}

async function setUp(
  env: Record<string, string | undefined>,
): Promise<{ server: RunningServer; s3: S3Client }> {
  const server = await startServer({ workers: 1, env });
  const s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'gone' }));
  await s3.send(new PutObjectCommand({ Bucket: 'gone', Key: 'big', Body: Buffer.alloc(BIG, 1) }));
  await s3.send(new PutObjectCommand({ Bucket: 'gone', Key: 'public', Body: Buffer.alloc(BIG, 2) }));
  // An anonymous reader may fetch 'public' (so that fetch downloads it).
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'gone',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::gone/public' },
        ],
      }),
    }),
  );
  return { server, s3 };
}

describe('clients that disconnect', () => {
  let server: RunningServer;
  let s3: S3Client;
  beforeAll(async () => {
    ({ server, s3 } = await setUp({ TESSERA_LOG_LEVEL: undefined }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('leave nothing in the log with the default log level, and the server stays healthy', async () => {
    const before = server.output();
    await disconnectEverywhere(server, s3);
    const written = server.output().slice(before.length);
    expect(written).toBe('');
    expect(server.output()).not.toMatch(/"level":"error"|\n\s+at |exited/);
  });
});

describe('clients that disconnect, with TESSERA_LOG_LEVEL=debug', () => {
  let server: RunningServer;
  let s3: S3Client;
  beforeAll(async () => {
    ({ server, s3 } = await setUp({ TESSERA_LOG_LEVEL: 'debug' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('are logged at debug level: one short line each, with the request id, no stack, no secret', async () => {
    const before = server.output();
    await disconnectEverywhere(server, s3);
    const lines = server
      .output()
      .slice(before.length)
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: string; message: string; detail?: string };
      expect(entry.level).toBe('debug');
      expect(entry.message).toMatch(/client (disconnected|closed)/);
      expect(line).not.toMatch(/\bat .*\.js:\d+/);
      expect(line.length).toBeLessThan(300);
    }
    expect(lines.some((l) => /request [0-9A-F]{8,}/i.test(l))).toBe(true);
    expect(server.output()).not.toContain(ROOT_PASSWORD);
    expect(server.output()).not.toContain('"level":"error"');
  });
});
