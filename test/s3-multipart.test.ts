import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
const bucket = 'multipart';
const MiB = 1024 * 1024;

function md5(b: Buffer): Buffer {
  return createHash('md5').update(b).digest();
}
function multipartEtag(parts: Buffer[]): string {
  return `"${createHash('md5')
    .update(Buffer.concat(parts.map(md5)))
    .digest('hex')}-${parts.length}"`;
}
async function read(key: string, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
  return Buffer.from(await res.Body!.transformToByteArray());
}
async function errorOf(p: Promise<unknown>): Promise<S3ServiceException> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(S3ServiceException);
  return e as S3ServiceException;
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('multipart uploads', () => {
  it('uploads with lib-storage Upload (concurrent parts, CRC32 announced) and reads back', async () => {
    const data = randomBytes(17 * MiB + 123);
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: 'big.bin', Body: Readable.from([data]) },
      partSize: 5 * MiB,
      queueSize: 4,
    });
    const result = await upload.done();
    const parts = [0, 1, 2, 3].map((i) =>
      data.subarray(i * 5 * MiB, Math.min((i + 1) * 5 * MiB, data.length)),
    );
    expect(result.ETag).toBe(multipartEtag(parts));
    expect(md5(await read('big.bin')).equals(md5(data))).toBe(true);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ContentLength).toBe(data.length);
    expect(head.ChecksumCRC32).toMatch(/-4$/);
    // partNumber selects one part's bytes.
    const part2 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.bin', PartNumber: 2 }));
    expect(part2.PartsCount).toBe(4);
    expect(md5(Buffer.from(await part2.Body!.transformToByteArray())).equals(md5(parts[1]!))).toBe(true);
    // Ranges across part boundaries.
    const across = await read('big.bin', { Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` });
    expect(across.equals(data.subarray(5 * MiB - 10, 5 * MiB + 10))).toBe(true);
  });

  it('completes with part numbers not starting at 1, unquoted ETags, and lists parts and uploads', async () => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: 'gapped',
        ContentType: 'text/x',
        Metadata: { m: '1' },
      }),
    );
    const p1 = randomBytes(5 * MiB);
    const p2 = randomBytes(1000);
    const r2 = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'gapped', UploadId, PartNumber: 7, Body: p2 }),
    );
    const r1 = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'gapped', UploadId, PartNumber: 3, Body: p1 }),
    );
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'gapped', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [3, 5 * MiB],
      [7, 1000],
    ]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'gapped' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(UploadId);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'gapped',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 3, ETag: r1.ETag!.replace(/"/g, '') },
            { PartNumber: 7, ETag: r2.ETag },
          ],
        },
      }),
    );
    expect(done.ETag).toBe(multipartEtag([p1, p2]));
    expect((await read('gapped')).equals(Buffer.concat([p1, p2]))).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'gapped' }));
    expect(head.ContentType).toBe('text/x');
    expect(head.Metadata).toEqual({ m: '1' });
    expect(
      (await errorOf(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'gapped', UploadId })))).name,
    ).toBe('NoSuchUpload');
  });

  it('enforces part order, part existence, ETags and the 5 MiB minimum', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'rules' }));
    const small = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'rules', UploadId, PartNumber: 1, Body: 'tiny' }),
    );
    const last = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'rules', UploadId, PartNumber: 2, Body: 'last' }),
    );
    const complete = (Parts: { PartNumber: number; ETag: string }[]) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'rules',
          UploadId,
          MultipartUpload: { Parts },
        }),
      );
    expect(
      (
        await errorOf(
          complete([
            { PartNumber: 2, ETag: last.ETag! },
            { PartNumber: 1, ETag: small.ETag! },
          ]),
        )
      ).name,
    ).toBe('InvalidPartOrder');
    expect(
      (await errorOf(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).name,
    ).toBe('InvalidPart');
    expect((await errorOf(complete([{ PartNumber: 9, ETag: small.ETag! }]))).name).toBe('InvalidPart');
    expect(
      (
        await errorOf(
          complete([
            { PartNumber: 1, ETag: small.ETag! },
            { PartNumber: 2, ETag: last.ETag! },
          ]),
        )
      ).name,
    ).toBe('EntityTooSmall');
    // A single small part is fine: it is the last part.
    await complete([{ PartNumber: 2, ETag: last.ETag! }]);
    expect((await read('rules')).toString()).toBe('last');
  });

  it('copies parts with ranges and aborts uploads', async () => {
    const src = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src', Body: src }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copy-dst' }));
    const c1 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: 'copy-dst',
        UploadId,
        PartNumber: 1,
        CopySource: `${bucket}/copy-src`,
      }),
    );
    const c2 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: 'copy-dst',
        UploadId,
        PartNumber: 2,
        CopySource: `${bucket}/copy-src`,
        CopySourceRange: 'bytes=10-19',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'copy-dst',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: c1.CopyPartResult!.ETag! },
            { PartNumber: 2, ETag: c2.CopyPartResult!.ETag! },
          ],
        },
      }),
    );
    expect((await read('copy-dst')).equals(Buffer.concat([src, src.subarray(10, 20)]))).toBe(true);

    const other = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'aborted' }));
    await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'aborted',
        UploadId: other.UploadId,
        PartNumber: 1,
        Body: 'x',
      }),
    );
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: other.UploadId }),
    );
    expect(
      (
        await errorOf(
          s3.send(
            new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: other.UploadId }),
          ),
        )
      ).name,
    ).toBe('NoSuchUpload');
    expect(
      (
        await errorOf(
          s3.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: 'aborted',
              UploadId: 'bogus',
              PartNumber: 1,
              Body: 'x',
            }),
          ),
        )
      ).name,
    ).toBe('NoSuchUpload');
  });
});
