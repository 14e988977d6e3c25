/**
 * GETs read blobs into pooled buffers that are reused across responses. These tests serve many
 * objects of different sizes at once — inline and blob, odd sizes, chunk-boundary sizes,
 * multipart objects spanning several blobs — whole and by random ranges, with some clients
 * hanging up mid-body, and compare every byte: a buffer reused too early would show another
 * response's bytes.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobBySize, flipByte } from './helpers/blobs.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const BUCKET = 'pooled';
let server: RunningServer;
let s3: S3Client;
const objects = new Map<string, Buffer>();

/** Sizes around the inline limit (128 KiB), the pool's classes and the 4 MiB read size. */
const SIZES = [
  1,
  1000,
  128 * KiB - 1,
  128 * KiB,
  128 * KiB + 1,
  300_001,
  MiB - 1,
  MiB,
  MiB + 3,
  3 * MiB + 17,
  4 * MiB,
  4 * MiB + 1,
  9 * MiB + 5,
];
/** Multipart objects: part sizes (each but the last ≥ 5 MiB). */
const MULTIPART = [
  [5 * MiB, 5 * MiB + 3, 1234],
  [5 * MiB + 1, 700_001],
];

/** A small deterministic PRNG (mulberry32), so a failing range can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function putMultipart(key: string, sizes: number[]): Promise<Buffer> {
  const parts = sizes.map((n) => randomBytes(n));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const done = [];
  for (const [i, body] of parts.entries()) {
    const PartNumber = i + 1;
    const { ETag } = await s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber, Body: body }),
    );
    done.push({ ETag, PartNumber });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: done },
    }),
  );
  return Buffer.concat(parts);
}

interface Read {
  key: string;
  range?: [number, number];
  /** Hang up after this many body bytes. */
  abortAfter?: number;
}

/** GETs through a presigned URL and checks the status, the headers and every byte. */
async function check(read: Read): Promise<void> {
  const want = objects.get(read.key)!;
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: read.key }), {
    expiresIn: 600,
  });
  const controller = new AbortController();
  const headers: Record<string, string> = read.range
    ? { range: `bytes=${read.range[0]}-${read.range[1]}` }
    : {};
  const res = await fetch(url, { headers, signal: controller.signal });
  const [start, end] = read.range ?? [0, want.length - 1];
  const label = `${read.key} ${start}-${end}`;
  expect(res.status, label).toBe(read.range ? 206 : 200);
  expect(Number(res.headers.get('content-length')), label).toBe(end - start + 1);
  const got: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res.body as AsyncIterable<Uint8Array>) {
      got.push(Buffer.from(c));
      n += c.length;
      if (read.abortAfter !== undefined && n >= read.abortAfter) controller.abort();
    }
  } catch (e) {
    if (read.abortAfter === undefined || (e as Error).name !== 'AbortError') throw e;
  }
  const body = Buffer.concat(got);
  const expected = want.subarray(start, start + body.length);
  if (read.abortAfter === undefined) expect(body.length, label).toBe(end - start + 1);
  // Compare without printing megabytes: the first differing offset names the fault.
  const differs = body.findIndex((b, i) => b !== expected[i]);
  expect(differs, `${label}: first wrong byte`).toBe(-1);
}

/** Runs reads with at most `limit` in flight. */
async function runAll(reads: Read[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < reads.length) await check(reads[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function randomRanges(rand: () => number, count: number): Read[] {
  const keys = [...objects.keys()];
  const reads: Read[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[Math.floor(rand() * keys.length)]!;
    const size = objects.get(key)!.length;
    const a = Math.floor(rand() * size);
    const b = Math.floor(rand() * size);
    reads.push({ key, range: [Math.min(a, b), Math.max(a, b)] });
  }
  return reads;
}

/** Blob files the (single) worker holds open. */
function openBlobFiles(): number {
  const primary = server.proc.pid!;
  const worker = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/)[0];
  let n = 0;
  for (const fd of readdirSync(`/proc/${worker}/fd`)) {
    try {
      if (readlinkSync(`/proc/${worker}/fd/${fd}`).includes('/blobs/')) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

beforeAll(async () => {
  // One worker: every response draws from the same pool.
  server = await startServer({ workers: 1 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const size of SIZES) {
    const body = randomBytes(size);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `single-${size}`, Body: body }));
    objects.set(`single-${size}`, body);
  }
  for (const [i, sizes] of MULTIPART.entries())
    objects.set(`multi-${i}`, await putMultipart(`multi-${i}`, sizes));
}, 120_000);
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('pooled blob reads', () => {
  it('serves every object whole, many at once, byte for byte', async () => {
    const reads = [...objects.keys()].flatMap((key) => [{ key }, { key }, { key }]);
    await runAll(reads, 24);
  }, 120_000);

  it('serves random ranges, across parts and read-size boundaries, byte for byte', async () => {
    const rand = prng(13);
    const boundaries: Read[] = [
      { key: 'multi-0', range: [5 * MiB - 10, 5 * MiB + 10] },
      { key: 'multi-0', range: [5 * MiB - 1, 10 * MiB + 3] },
      { key: 'multi-0', range: [10 * MiB + 3, 10 * MiB + 3 + 1233] },
      { key: 'multi-1', range: [4 * MiB - 1, 5 * MiB + 1] },
      { key: 'single-9437189', range: [4 * MiB - 1, 8 * MiB] },
      { key: 'single-4194305', range: [4 * MiB, 4 * MiB] },
      { key: 'single-1048576', range: [0, 0] },
    ];
    await runAll([...boundaries, ...randomRanges(rand, 150)], 24);
  }, 120_000);

  it('clients hanging up mid-body leave the others intact, and the server serves on', async () => {
    const rand = prng(7);
    const reads: Read[] = [];
    for (const key of objects.keys()) {
      const size = objects.get(key)!.length;
      reads.push({ key });
      if (size > MiB) reads.push({ key, abortAfter: Math.floor(rand() * size) + 1 });
    }
    await runAll([...reads, ...reads], 16);
    await runAll(
      [...objects.keys()].map((key) => ({ key })),
      8,
    );
    // Every hung-up response gave its blob files back (its buffers too: the reads above reuse them).
    await expect.poll(openBlobFiles, { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('a damaged object of several reads is cut before its last bytes while others stream on', async () => {
    const size = 13 * MiB + 11;
    const body = randomBytes(size);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'damaged', Body: body }));
    flipByte(blobBySize(server.dataDir, size), 2 * MiB);
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'damaged' }), {
      expiresIn: 600,
    });
    const cut = async () => {
      try {
        const res = await fetch(url);
        return (await res.arrayBuffer()).byteLength < size;
      } catch {
        return true; // cut before or during the body
      }
    };
    const intact = [...objects.keys()].map((key) => ({ key }));
    const [cuts] = await Promise.all([Promise.all([cut(), cut(), cut()]), runAll(intact, 8)]);
    expect(cuts).toEqual([true, true, true]);
    expect(server.output()).toMatch(/damaged object pooled\/damaged version null: blob \w+ checksum/);
    await runAll(intact, 8);
  }, 120_000);
});
