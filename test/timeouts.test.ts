import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';
import { openConnection, signedHead, sleep, within } from './helpers/socket.js';

// Tiny timeouts so that the tests run quickly; the assertions are about outcomes, not timing.
let server: RunningServer;
let s3: S3Client;
const GIVE_UP = 20_000;

beforeAll(async () => {
  server = await startServer({
    workers: 1,
    env: {
      TESSERA_READ_HEADER_TIMEOUT: '1s',
      TESSERA_IDLE_TIMEOUT: '1s',
      TESSERA_STALL_TIMEOUT: '2s',
      TESSERA_LOG_LEVEL: undefined,
    },
  });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'slow' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

async function exists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: 'slow', Key: key })).then(
    () => true,
    () => false,
  );
}

function tmpFiles(): string[] {
  return readdirSync(join(server.dataDir, '.tessera', 'tmp'));
}

describe('slow and idle clients are cut', () => {
  it('headers that keep trickling in but never finish get 408 and a closed connection', async () => {
    const conn = await openConnection(server.port);
    conn.socket.write('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // A slowloris client: one byte at a time, forever (until the server cuts it).
    const drip = setInterval(() => {
      if (!conn.isClosed()) conn.socket.write('x');
    }, 100);
    try {
      expect(await within(conn.closed, GIVE_UP)).not.toBe('gave up');
    } finally {
      clearInterval(drip);
    }
    expect(conn.received().toString()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a connection that never sends a request is closed', async () => {
    const conn = await openConnection(server.port);
    expect(await within(conn.closed, GIVE_UP)).not.toBe('gave up');
  });

  for (const mode of ['signed', 'unsigned'] as const) {
    it(`a stalled ${mode} body is cut with RequestTimeout and leaves no object behind`, async () => {
      const body = randomBytes(1024 * 1024);
      const key = `stalled-${mode}`;
      const hash = mode === 'signed' ? createHash('sha256').update(body).digest('hex') : 'UNSIGNED-PAYLOAD';
      const conn = await openConnection(server.port);
      conn.socket.write(
        await signedHead(server.port, 'PUT', `/slow/${key}`, { 'content-length': String(body.length) }, hash),
      );
      conn.socket.write(body.subarray(0, 300 * 1024));
      // ...and then nothing: the socket stays open, the body never completes.
      expect(await within(conn.closed, GIVE_UP)).not.toBe('gave up');
      const answer = conn.received().toString();
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('<Code>RequestTimeout</Code>');
      expect(await exists(key)).toBe(false);
      expect(tmpFiles()).toEqual([]);
    });
  }

  it('a slow body that keeps making progress succeeds even when it takes longer than the timeout', async () => {
    const chunks = Array.from({ length: 14 }, () => randomBytes(16 * 1024));
    const body = Buffer.concat(chunks);
    const conn = await openConnection(server.port);
    conn.socket.write(
      await signedHead(
        server.port,
        'PUT',
        '/slow/progressing',
        { 'content-length': String(body.length) },
        createHash('sha256').update(body).digest('hex'),
      ),
    );
    // 14 × 300 ms ≈ 4 s in total, twice the 2 s stall timeout; never more than 300 ms without a byte.
    for (const chunk of chunks) {
      await sleep(300);
      conn.socket.write(chunk);
    }
    const deadline = Date.now() + GIVE_UP;
    while (!/\r\n\r\n/.test(conn.received().toString()) && !conn.isClosed() && Date.now() < deadline)
      await sleep(50);
    expect(conn.received().toString()).toMatch(/^HTTP\/1\.1 200 /);
    conn.socket.destroy();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'slow', Key: 'progressing' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('an idle keep-alive connection is closed after the idle timeout', async () => {
    const conn = await openConnection(server.port);
    conn.socket.write(await signedHead(server.port, 'GET', '/', {}));
    expect(await within(conn.closed, GIVE_UP)).not.toBe('gave up');
    // The request itself was answered (and the connection kept alive) before the idle cut.
    expect(conn.received().toString()).toMatch(/^HTTP\/1\.1 200 /);
    expect(conn.received().toString()).toMatch(/keep-alive/i);
  });

  it('a response the client never reads is dropped', async () => {
    const size = 48 * 1024 * 1024;
    await s3.send(new PutObjectCommand({ Bucket: 'slow', Key: 'big', Body: Buffer.alloc(size, 7) }));
    const conn = await openConnection(server.port);
    conn.socket.pause();
    conn.socket.write(await signedHead(server.port, 'GET', '/slow/big', {}));
    // Not reading at all for a while (well past the stall timeout), then reading what is left.
    await sleep(8000);
    conn.socket.resume();
    expect(await within(conn.closed, GIVE_UP)).not.toBe('gave up');
    expect(conn.received().length).toBeLessThan(size);
    // The server is fine afterwards.
    await s3.send(new ListBucketsCommand({}));
  });

  it('none of the cut clients left an error or a stack in the log (default log level)', () => {
    expect(server.output()).not.toMatch(/"level":"(error|debug)"|\n\s+at |exited/);
  });
});
