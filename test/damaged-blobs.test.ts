import { randomBytes } from 'node:crypto';
import {
  closeSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
const BUCKET = 'damage';

/** The blob files of the data directory, by size (each object below has a size of its own). */
function blobBySize(size: number): string {
  const root = join(server.dataDir, '.tessera', 'blobs');
  for (const shard of readdirSync(root)) {
    for (const name of readdirSync(join(root, shard))) {
      const path = join(root, shard, name);
      if (statSync(path).size === size) return path;
    }
  }
  throw new Error(`no blob of ${size} bytes`);
}

async function put(key: string, size: number): Promise<Buffer> {
  const body = randomBytes(size);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return body;
}

/** A GET through a presigned URL: the status, and the body or how reading it failed. */
async function get(key: string, range?: string): Promise<{ status: number; body?: Buffer; cut?: string }> {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 300 });
  // A generous bound: a hang would be the bug; an answer comes at once.
  let res: Response;
  try {
    res = await fetch(url, { headers: range ? { range } : {}, signal: AbortSignal.timeout(20_000) });
  } catch (e) {
    // The connection was cut before the response head: the head waits for the first bytes.
    if ((e as Error).name === 'TimeoutError') throw e;
    return { status: 0, cut: String((e as Error).name) };
  }
  try {
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw e;
    return { status: res.status, cut: String((e as Error).name) };
  }
}

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => server?.stop());

describe('damaged blobs are detected on read', () => {
  it('a truncated blob is refused before any byte is sent, and reported', async () => {
    await put('short', 300_001);
    truncateSync(blobBySize(300_001), 1000);
    const res = await get('short');
    expect(res.status).toBe(500);
    expect(server.output()).toMatch(/damaged object damage\/short version null: blob \w+ short/);
  });

  it('a blob with altered bytes: the whole-object GET is cut before its last bytes, a range is served', async () => {
    const original = await put('flipped', 300_002);
    const path = blobBySize(300_002);
    const fd = openSync(path, 'r+');
    const one = Buffer.alloc(1);
    readSync(fd, one, 0, 1, 150_000);
    one[0] = one[0]! ^ 0xff;
    writeSync(fd, one, 0, 1, 150_000);
    closeSync(fd);
    const whole = await get('flipped');
    // The response never completes: the connection is cut (before or after its head).
    expect(whole.cut !== undefined || (whole.body?.length ?? 0) < original.length).toBe(true);
    expect(server.output()).toMatch(/damaged object damage\/flipped version null: blob \w+ checksum/);
    // A range is not verified (no digest covers it) and is served as stored.
    const part = await get('flipped', 'bytes=0-99');
    expect(part.status).toBe(206);
    expect(part.body).toEqual(original.subarray(0, 100));
  });

  it('a missing blob is a clean error, and intact objects are unaffected', async () => {
    const intact = await put('intact', 300_003);
    await put('gone', 300_004);
    unlinkSync(blobBySize(300_004));
    const gone = await get('gone');
    expect(gone.status).toBe(500);
    expect(server.output()).toMatch(/damaged object damage\/gone version null: blob \w+ missing/);
    const ok = await get('intact');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(intact);
  });
});
