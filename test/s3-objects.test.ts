import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
let s3Required: S3Client;
const bucket = 'objects';

/** Expects an S3 error with this code (or, for bodiless answers such as 304, only the status). */
async function expectS3Error(p: Promise<unknown>, code: string | undefined, status?: number): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(S3ServiceException);
    const err = e as S3ServiceException;
    if (code !== undefined) expect(err.name).toBe(code);
    if (status !== undefined) expect(err.$metadata.httpStatusCode).toBe(status);
    return;
  }
  throw new Error(`expected ${code}`);
}

async function body(key: string, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  s3Required = s3Client(server, {
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3?.destroy();
  s3Required?.destroy();
  await server?.stop();
});

describe('PutObject / GetObject with the AWS SDK', () => {
  it('round-trips a buffer with default checksums (CRC32 verified and echoed)', async () => {
    const data = randomBytes(1000);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small.bin', Body: data }));
    expect(put.ETag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
    const crc32 = Buffer.alloc(4);
    crc32.writeUInt32BE(zlibCrc32(data));
    expect(put.ChecksumCRC32).toBe(crc32.toString('base64'));
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'small.bin', ChecksumMode: 'ENABLED' }),
    );
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('round-trips a stream body (aws-chunked, unsigned payload with a CRC32 trailer)', async () => {
    const data = randomBytes(300 * 1024 + 7);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'stream.bin',
        Body: Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
        ContentLength: data.length,
      }),
    );
    expect((await body('stream.bin')).equals(data)).toBe(true);
  });

  it('round-trips a stream body with WHEN_REQUIRED (UNSIGNED-PAYLOAD)', async () => {
    const data = randomBytes(200 * 1024);
    await s3Required.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'unsigned.bin',
        Body: Readable.from([data]),
        ContentLength: data.length,
      }),
    );
    expect((await body('unsigned.bin')).equals(data)).toBe(true);
  });

  it('rejects a wrong Content-MD5 with BadDigest and a wrong checksum with BadDigest, storing nothing', async () => {
    await expectS3Error(
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'bad-md5',
          Body: 'hello',
          ContentMD5: createHash('md5').update('other').digest('base64'),
        }),
      ),
      'BadDigest',
      400,
    );
    await expectS3Error(
      s3Required.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'bad-crc',
          Body: 'hello',
          ChecksumSHA256: createHash('sha256').update('x').digest('base64'),
        }),
      ),
      'BadDigest',
      400,
    );
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bad-md5' })), 'NotFound', 404);
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bad-crc' })), 'NotFound', 404);
  });

  it('stores and returns metadata and standard headers', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'meta.txt',
        Body: 'hi',
        ContentType: 'text/plain',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="a.txt"',
        ContentEncoding: 'identity',
        ContentLanguage: 'en',
        Expires: new Date('2030-01-01T00:00:00Z'),
        Metadata: { color: 'blue', 'multi-word': 'Hello World' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta.txt' }));
    expect(head.ContentType).toBe('text/plain');
    expect(head.CacheControl).toBe('max-age=60');
    expect(head.ContentDisposition).toBe('attachment; filename="a.txt"');
    expect(head.ContentEncoding).toBe('identity');
    expect(head.ContentLanguage).toBe('en');
    expect(head.Expires?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(head.Metadata).toEqual({ color: 'blue', 'multi-word': 'Hello World' });
    expect(head.ContentLength).toBe(2);
  });

  it('applies response-* overrides', async () => {
    const got = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: 'meta.txt',
        ResponseContentType: 'application/json',
        ResponseCacheControl: 'no-store',
      }),
    );
    expect(got.ContentType).toBe('application/json');
    expect(got.CacheControl).toBe('no-store');
    await got.Body!.transformToString();
  });

  it('serves ranges (closed, open, suffix) and rejects unsatisfiable ones', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range.txt', Body: data }));
    expect((await body('range.txt', { Range: 'bytes=2-5' })).toString()).toBe('2345');
    expect((await body('range.txt', { Range: 'bytes=15-' })).toString()).toBe('fghij');
    expect((await body('range.txt', { Range: 'bytes=-3' })).toString()).toBe('hij');
    expect((await body('range.txt', { Range: 'bytes=18-100' })).toString()).toBe('ij');
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range: 'bytes=2-5' }));
    expect(res.ContentRange).toBe('bytes 2-5/20');
    await res.Body!.transformToString();
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt', Range: 'bytes=20-' })),
      'InvalidRange',
      416,
    );
  });

  it('evaluates conditional headers (412 and 304)', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond.txt', Body: 'x' }));
    const etag = put.ETag!;
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond.txt', IfMatch: '"nope"' })),
      'PreconditionFailed',
      412,
    );
    expect((await body('cond.txt', { IfMatch: etag })).toString()).toBe('x');
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond.txt', IfNoneMatch: etag })),
      undefined,
      304,
    );
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond.txt', IfModifiedSince: future })),
      undefined,
      304,
    );
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond.txt', IfUnmodifiedSince: past })),
      'PreconditionFailed',
      412,
    );
    expect((await body('cond.txt', { IfModifiedSince: past })).toString()).toBe('x');
  });

  it('accepts keys with any characters', async () => {
    const keys = [
      'a//b',
      '../up',
      '100%',
      'with space',
      'ünï/cødé ✓',
      'plus+sign',
      'q?x=1&y',
      'tab\there',
      'x'.repeat(1024),
    ];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      expect((await body(key)).toString()).toBe(key);
    }
    await expectS3Error(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x'.repeat(1025), Body: '' })),
      'KeyTooLongError',
      400,
    );
  });

  it('reports NoSuchKey and NoSuchBucket', async () => {
    await expectS3Error(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })), 'NoSuchKey', 404);
    await expectS3Error(
      s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'k' })),
      'NoSuchBucket',
      404,
    );
  });
});

describe('CopyObject', () => {
  it('copies with metadata directive COPY and REPLACE, and onto itself with REPLACE', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'src.txt',
        Body: 'copy me',
        ContentType: 'text/plain',
        Metadata: { a: '1' },
      }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst.txt', CopySource: `${bucket}/src.txt` }));
    let head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst.txt' }));
    expect(head.Metadata).toEqual({ a: '1' });
    expect(head.ContentType).toBe('text/plain');
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'dst.txt',
        CopySource: `${bucket}/src.txt`,
        MetadataDirective: 'REPLACE',
        Metadata: { b: '2' },
        ContentType: 'text/x',
      }),
    );
    head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst.txt' }));
    expect(head.Metadata).toEqual({ b: '2' });
    expect(head.ContentType).toBe('text/x');
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src.txt', CopySource: `${bucket}/src.txt` })),
      'InvalidRequest',
      400,
    );
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'src.txt',
        CopySource: `${bucket}/src.txt`,
        MetadataDirective: 'REPLACE',
        Metadata: { c: '3' },
      }),
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'src.txt' }))).Metadata).toEqual({
      c: '3',
    });
    expect((await body('src.txt')).toString()).toBe('copy me');
  });

  it('honours x-amz-copy-source-if-* and encoded source keys', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sp ace/ü.txt', Body: 'u' }));
    await s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copied-u',
        CopySource: encodeURIComponent(`${bucket}/sp ace/ü.txt`),
      }),
    );
    expect((await body('copied-u')).toString()).toBe('u');
    await expectS3Error(
      s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'x',
          CopySource: `${bucket}/copied-u`,
          CopySourceIfMatch: '"bad"',
        }),
      ),
      'PreconditionFailed',
      412,
    );
    await expectS3Error(
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/missing` })),
      'NoSuchKey',
      404,
    );
  });
});

describe('Delete and tagging', () => {
  it('deletes single objects (idempotently) and batches with per-key results and quiet mode', async () => {
    for (const k of ['d1', 'd2', 'd3'])
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd1' }));
    const res = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd2' }, { Key: 'never' }] } }),
    );
    expect(res.Deleted?.map((d) => d.Key).sort()).toEqual(['d2', 'never']);
    const quiet = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd3' }], Quiet: true } }),
    );
    expect(quiet.Deleted ?? []).toEqual([]);
    await expectS3Error(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'd3' })), 'NotFound', 404);
  });

  it('puts, gets and deletes object tags, and validates them', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 't', Tagging: 'a=1&b=two%20words' }),
    );
    let tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
    expect(tags.TagSet).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: 'two words' },
    ]);
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key: 'tagged',
        Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] },
      }),
    );
    tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
    expect(tags.TagSet).toEqual([{ Key: 'k', Value: 'v' }]);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectS3Error(
      s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: eleven } })),
      'InvalidTag',
      400,
    );
    await expectS3Error(
      s3.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: 'tagged',
          Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] },
        }),
      ),
      'InvalidTag',
      400,
    );
    await expectS3Error(
      s3.send(
        new PutObjectTaggingCommand({
          Bucket: bucket,
          Key: 'tagged',
          Tagging: { TagSet: [{ Key: 'k', Value: 'v'.repeat(257) }] },
        }),
      ),
      'InvalidTag',
      400,
    );
  });
});
