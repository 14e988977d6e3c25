import { randomBytes } from 'node:crypto';
import { truncateSync } from 'node:fs';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../src/cli/config.js';
import { blobBySize, flipByte } from './helpers/blobs.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The read cache (docs/operations.md "Read cache"): whole blobs up to 4 MiB kept in memory,
 * verified when they enter. One worker, so that every request meets the same cache.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const BUCKET = 'cached';

let server: RunningServer;
let s3: S3Client;

interface Got {
  status: number;
  body?: Buffer;
  /** How reading failed: the connection was cut (damage found while streaming). */
  cut?: string;
}

/** A GET through a presigned URL: the status, and the body or how reading it failed. */
async function presignedGet(
  target: { server: RunningServer; s3: S3Client },
  key: string,
  headers: Record<string, string> = {},
  bucket = BUCKET,
  versionId?: string,
): Promise<Got> {
  const command = new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId });
  const url = await getSignedUrl(target.s3, command, { expiresIn: 300 });
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(20_000) });
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw e;
    return { status: 0, cut: (e as Error).name };
  }
  try {
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw e;
    return { status: res.status, cut: (e as Error).name };
  }
}

/** A header-signed GET through the SDK (its default response checksum validation on). */
async function signedGet(key: string, range?: string): Promise<Buffer> {
  const res = await s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: key, ...(range ? { Range: range } : {}) }),
  );
  return Buffer.from(await res.Body!.transformToByteArray());
}

/** tessera_damaged_objects_total for one kind, read side (0 before the first finding). */
async function damageCount(target: RunningServer, kind: string): Promise<number> {
  const text = await (await fetch(`${target.endpoint}/minio/v2/metrics/node`)).text();
  const m = new RegExp(`^tessera_damaged_objects_total\\{kind="${kind}",source="read"\\} (\\d+)`, 'm').exec(
    text,
  );
  return m === null ? 0 : Number(m[1]);
}

async function put(key: string, body: Buffer, client = s3, bucket = BUCKET): Promise<string | undefined> {
  return (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId;
}

/** The ranges each read round asks for, as [header, start, end] of an object of `size` bytes. */
function rangesOf(size: number): [string, number, number][] {
  if (size === 0) return [];
  const mid = Math.floor(size / 2);
  return [
    ['bytes=0-0', 0, 0],
    [`bytes=${size - 1}-`, size - 1, size - 1],
    [
      `bytes=${Math.max(0, mid - 500)}-${Math.min(size - 1, mid + 500)}`,
      Math.max(0, mid - 500),
      Math.min(size - 1, mid + 500),
    ],
    [`bytes=-${Math.min(size, 100)}`, size - Math.min(size, 100), size - 1],
    [`bytes=0-${size - 1}`, 0, size - 1],
  ];
}

beforeAll(async () => {
  server = await startServer({ workers: 1, env: { TESSERA_PROMETHEUS_AUTH_TYPE: 'public' } });
  s3 = s3Client(server, { maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => server?.stop());

describe('TESSERA_READ_CACHE_SIZE', () => {
  const size = (v?: string) =>
    loadServerConfig({}, v === undefined ? {} : { TESSERA_READ_CACHE_SIZE: v }).readCacheSize;
  it('is a size per worker (64 MiB by default); 0 turns the cache off', () => {
    expect([size(), size('0'), size('16MiB'), size('100MB'), size('1048576')]).toEqual([
      64 * MiB,
      0,
      16 * MiB,
      100e6,
      MiB,
    ]);
    expect(() => size('100')).toThrow(/TESSERA_READ_CACHE_SIZE must be at least 1KiB/);
    expect(() => size('lots')).toThrow(/TESSERA_READ_CACHE_SIZE must be a size/);
  });
});

describe('GET with the read cache', () => {
  it('objects of every size, read concurrently and repeatedly, whole and ranged, byte for byte', async () => {
    const objects = new Map<string, Buffer>([
      ['empty', Buffer.alloc(0)],
      ['one', randomBytes(1)],
      ['kib', randomBytes(KiB)],
      // Above the inline limit: blobs, under the 4 MiB per-object limit.
      ['blob-200k', randomBytes(200 * KiB + 3)],
      ['mib-7', randomBytes(MiB + 7)],
      ['limit', randomBytes(4 * MiB)],
      // Over the per-object limit: read from the file every time.
      ['big', randomBytes(5 * MiB)],
    ]);
    for (const [key, body] of objects) await put(key, body);
    // A multipart object: a 5 MiB part (not cached) and a small last part (cached on a whole read).
    const parts = [randomBytes(5 * MiB), randomBytes(MiB + 3)];
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'multi' }));
    const etags = [];
    for (const [i, part] of parts.entries())
      etags.push(
        (
          await s3.send(
            new UploadPartCommand({
              Bucket: BUCKET,
              Key: 'multi',
              UploadId: upload.UploadId,
              PartNumber: i + 1,
              Body: part,
            }),
          )
        ).ETag,
      );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'multi',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    objects.set('multi', Buffer.concat(parts));
    // Server-side encrypted: the stored bytes are sealed, decrypted per request.
    const sealed = randomBytes(MiB + 11);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'sse', Body: sealed, ServerSideEncryption: 'AES256' }),
    );
    objects.set('sse', sealed);

    const target = { server, s3 };
    for (let round = 0; round < 3; round++) {
      const checks: Promise<void>[] = [];
      for (const [key, body] of objects) {
        for (let i = 0; i < 3; i++)
          checks.push(
            presignedGet(target, key).then((got) => {
              expect([key, got.status, got.cut]).toEqual([key, 200, undefined]);
              expect(got.body!.equals(body), `${key} whole`).toBe(true);
            }),
          );
        checks.push(signedGet(key).then((got) => expect(got.equals(body), `${key} signed`).toBe(true)));
        for (const [range, start, end] of rangesOf(body.length)) {
          checks.push(
            presignedGet(target, key, { range }).then((got) => {
              expect([key, range, got.status]).toEqual([key, range, 206]);
              expect(got.body!.equals(body.subarray(start, end + 1)), `${key} ${range}`).toBe(true);
            }),
          );
          checks.push(
            signedGet(key, range).then((got) =>
              expect(got.equals(body.subarray(start, end + 1)), `${key} ${range} signed`).toBe(true),
            ),
          );
        }
      }
      await Promise.all(checks);
    }
    // Conditional requests answer from metadata as before.
    const etag = (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mib-7' }))).ETag!;
    expect((await presignedGet(target, 'mib-7', { 'if-none-match': etag })).status).toBe(304);
    expect((await presignedGet(target, 'mib-7', { 'if-match': '"0000"' })).status).toBe(412);
  });

  it('an overwrite, a new version and a delete are served at once', async () => {
    const target = { server, s3 };
    const first = randomBytes(MiB + 101);
    await put('hot', first);
    for (let i = 0; i < 2; i++) expect((await presignedGet(target, 'hot')).body!.equals(first)).toBe(true);
    const second = randomBytes(MiB + 102);
    await put('hot', second);
    expect((await presignedGet(target, 'hot')).body!.equals(second)).toBe(true);
    expect((await presignedGet(target, 'hot', { range: 'bytes=10-19' })).body).toEqual(
      second.subarray(10, 20),
    );
    expect((await signedGet('hot')).equals(second)).toBe(true);

    await put('doomed', randomBytes(300 * KiB + 1));
    expect((await presignedGet(target, 'doomed')).status).toBe(200);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'doomed' }));
    expect((await presignedGet(target, 'doomed')).status).toBe(404);

    // Versions: each keeps its own bytes; a deleted version is gone at once.
    const versioned = 'cached-versions';
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v1 = randomBytes(MiB + 103);
    const v2 = randomBytes(MiB + 104);
    const id1 = await put('k', v1, s3, versioned);
    expect((await presignedGet(target, 'k', {}, versioned)).body!.equals(v1)).toBe(true);
    const id2 = await put('k', v2, s3, versioned);
    expect((await presignedGet(target, 'k', {}, versioned)).body!.equals(v2)).toBe(true);
    expect((await presignedGet(target, 'k', {}, versioned, id1)).body!.equals(v1)).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: 'k', VersionId: id1 }));
    expect((await presignedGet(target, 'k', {}, versioned, id1)).status).toBe(404);
    expect((await presignedGet(target, 'k', {}, versioned, id2)).body!.equals(v2)).toBe(true);
  });

  it('a damaged blob is reported on every read and never served from the cache', async () => {
    const target = { server, s3 };
    const body = randomBytes(300 * KiB + 5);
    await put('flipped', body);
    flipByte(blobBySize(server.dataDir, body.length), 1000);
    const before = await damageCount(server, 'checksum');
    for (let i = 0; i < 3; i++) {
      const got = await presignedGet(target, 'flipped');
      // Never the whole (wrong) object: the response is cut before its last bytes.
      expect(got.cut !== undefined || (got.body?.length ?? 0) < body.length).toBe(true);
    }
    expect(await damageCount(server, 'checksum')).toBe(before + 3);
    expect(server.output()).toMatch(/damaged object cached\/flipped version null: blob \w+ checksum/);
    // A range is served as stored (no digest covers it), as without the cache.
    const part = await presignedGet(target, 'flipped', { range: 'bytes=0-99' });
    expect([part.status, part.body]).toEqual([206, body.subarray(0, 100)]);

    const short = randomBytes(300 * KiB + 6);
    await put('short', short);
    truncateSync(blobBySize(server.dataDir, short.length), 100);
    for (let i = 0; i < 2; i++) expect((await presignedGet(target, 'short')).status).toBe(500);
    expect(await damageCount(server, 'short')).toBe(2);
  });

  it('a cached blob is served as verified; with TESSERA_READ_CACHE_SIZE=0 every read checks the file', async () => {
    const body = randomBytes(400 * KiB + 9);
    const off = await startServer({
      workers: 1,
      env: { TESSERA_PROMETHEUS_AUTH_TYPE: 'public', TESSERA_READ_CACHE_SIZE: '0' },
    });
    try {
      const offS3 = s3Client(off, { maxAttempts: 1 });
      await offS3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      for (const [target, client] of [
        [server, s3],
        [off, offS3],
      ] as const) {
        await put('verified', body, client);
        expect((await presignedGet({ server: target, s3: client }, 'verified')).body!.equals(body)).toBe(
          true,
        );
        // Damage after the read that verified the blob.
        flipByte(blobBySize(target.dataDir, body.length), 2000);
      }
      // From the cache: the bytes verified when they entered, nothing new to report.
      const before = await damageCount(server, 'checksum');
      const cached = await presignedGet({ server, s3 }, 'verified');
      expect([cached.status, cached.body!.equals(body)]).toEqual([200, true]);
      expect(await damageCount(server, 'checksum')).toBe(before);
      // Without a cache the file is read and checked again: the damage is met.
      const uncached = await presignedGet({ server: off, s3: offS3 }, 'verified');
      expect(uncached.cut !== undefined || (uncached.body?.length ?? 0) < body.length).toBe(true);
      expect(await damageCount(off, 'checksum')).toBe(1);
    } finally {
      await off.stop();
    }
  });
});
