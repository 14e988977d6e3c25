import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobBySize, flipByte } from './helpers/blobs.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
const BUCKET = 'damage';
const auditDir = mkdtempSync(join(tmpdir(), 'tessera-damage-audit-'));

const blob = (size: number) => blobBySize(server.dataDir, size);

async function put(key: string, size: number): Promise<Buffer> {
  const body = randomBytes(size);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return body;
}

interface Got {
  status: number;
  requestId?: string;
  body?: Buffer;
  cut?: string;
}

/** A GET through a presigned URL: the status, and the body or how reading it failed. */
async function get(key: string, range?: string): Promise<Got> {
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
  const requestId = res.headers.get('x-amz-request-id') ?? '';
  try {
    return { status: res.status, requestId, body: Buffer.from(await res.arrayBuffer()) };
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw e;
    return { status: res.status, requestId, cut: String((e as Error).name) };
  }
}

/** The S3 error (name and HTTP status) of a call, or 'ok'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${err.$metadata?.httpStatusCode} ${err.name}`;
  }
}

/** The audit entry of a request (the file target writes asynchronously: polled). */
// biome-ignore lint/suspicious/noExplicitAny: audit entries are checked field by field
async function auditEntry(requestId: string): Promise<any> {
  for (let i = 0; i < 100; i++) {
    for (const f of readdirSync(auditDir).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(auditDir, f), 'utf8').split('\n')) {
        if (line.includes(requestId) && line.startsWith('{')) {
          const e = JSON.parse(line);
          if (e.requestID === requestId) return e;
        }
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit entry for ${requestId}`);
}

/** tessera_damaged_objects_total for one kind and source (0 when the series does not exist yet). */
async function damageCount(kind: string, source: string): Promise<number> {
  const text = await (await fetch(`${server.endpoint}/minio/v2/metrics/node`)).text();
  const m = new RegExp(
    `^tessera_damaged_objects_total\\{kind="${kind}",source="${source}"\\} (\\d+)`,
    'm',
  ).exec(text);
  return m === null ? 0 : Number(m[1]);
}

beforeAll(async () => {
  server = await startServer({
    workers: 1,
    env: { TESSERA_AUDIT_FILE: auditDir, TESSERA_PROMETHEUS_AUTH_TYPE: 'public' },
  });
  s3 = s3Client(server, { maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => server?.stop());

describe('damaged blobs are detected on read', () => {
  it('a truncated blob is refused before any byte is sent, reported, counted and audited', async () => {
    await put('short', 300_001);
    truncateSync(blob(300_001), 1000);
    const res = await get('short');
    expect(res.status).toBe(500);
    expect(server.output()).toMatch(/damaged object damage\/short version null: blob \w+ short/);
    // A range inside the blob is refused the same way (the size is checked on open).
    expect((await get('short', 'bytes=0-99')).status).toBe(500);
    // The request that met the damage carries it into its audit entry.
    const entry = await auditEntry(res.requestId!);
    expect(entry.api.statusCode).toBe(500);
    expect(entry.damage).toEqual([
      {
        kind: 'short',
        blobId: expect.stringMatching(/^[0-9a-f]{32}$/),
        detail: '1000 bytes, 300001 recorded',
      },
    ]);
    expect(await damageCount('short', 'read')).toBeGreaterThanOrEqual(2);
  });

  it('HEAD reads only metadata; CopyObject of a damaged source is a clean error, no copy is made', async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'short' }));
    expect(head.ContentLength).toBe(300_001);
    const copy = s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'short-copy', CopySource: `${BUCKET}/short` }),
    );
    expect(await outcome(copy)).toBe('500 InternalError');
    expect(await outcome(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'short-copy' })))).toBe(
      '404 NotFound',
    );
  });

  it('a blob with altered bytes: the whole-object GET is cut before its last bytes, a range is served', async () => {
    const original = await put('flipped', 300_002);
    flipByte(blob(300_002), 150_000);
    const before = await damageCount('checksum', 'read');
    const whole = await get('flipped');
    // The response never completes: the connection is cut (before or after its head).
    expect(whole.cut !== undefined || (whole.body?.length ?? 0) < original.length).toBe(true);
    expect(server.output()).toMatch(/damaged object damage\/flipped version null: blob \w+ checksum/);
    expect(await damageCount('checksum', 'read')).toBe(before + 1);
    // A range is not verified (no digest covers it) and is served as stored.
    const part = await get('flipped', 'bytes=0-99');
    expect(part.status).toBe(206);
    expect(part.body).toEqual(original.subarray(0, 100));
    // CopyObject reads the whole blob through the same check: it fails, and stores nothing.
    const copy = s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'flipped-copy', CopySource: `${BUCKET}/flipped` }),
    );
    expect(await outcome(copy)).toBe('500 InternalError');
    expect(await outcome(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'flipped-copy' })))).toBe(
      '404 NotFound',
    );
  });

  it('a missing blob is a clean error, and intact objects are unaffected', async () => {
    const intact = await put('intact', 300_003);
    await put('gone', 300_004);
    unlinkSync(blob(300_004));
    const gone = await get('gone');
    expect(gone.status).toBe(500);
    expect(server.output()).toMatch(/damaged object damage\/gone version null: blob \w+ missing/);
    expect((await auditEntry(gone.requestId!)).damage).toMatchObject([{ kind: 'missing' }]);
    expect(await damageCount('missing', 'read')).toBeGreaterThanOrEqual(1);
    const ok = await get('intact');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(intact);
    const ranged = await get('intact', 'bytes=10-19');
    expect([ranged.status, ranged.body]).toEqual([206, intact.subarray(10, 20)]);
    // An intact request's audit entry says nothing about damage.
    expect((await auditEntry(ok.requestId!)).damage).toBeUndefined();
  });
});
