import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
const bucket = 'conditional';
const MiB = 1024 * 1024;
const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;

/** The S3 error code and status a request fails with (undefined when it succeeds). */
async function failure(p: Promise<unknown>): Promise<{ code: string; status: number } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    return { code: e.name, status: e.$metadata.httpStatusCode ?? 0 };
  }
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** A multipart upload of the given part sizes, ready to complete: its id and part list. */
async function preparedUpload(key: string, sizes: number[], checksum?: 'CRC32') {
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ...(checksum ? { ChecksumAlgorithm: checksum } : {}),
    }),
  );
  const parts = [];
  for (const [i, size] of sizes.entries()) {
    const r = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        PartNumber: i + 1,
        Body: randomBytes(size),
        ...(checksum ? { ChecksumAlgorithm: checksum } : {}),
      }),
    );
    parts.push({
      PartNumber: i + 1,
      ETag: r.ETag!,
      ...(r.ChecksumCRC32 ? { ChecksumCRC32: r.ChecksumCRC32 } : {}),
    });
  }
  return { UploadId: UploadId!, parts };
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('conditional writes', () => {
  it('PutObject If-None-Match: * creates once, then 412 PreconditionFailed', async () => {
    const put = () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'a', IfNoneMatch: '*' }));
    await put();
    expect(await failure(put())).toEqual({ code: 'PreconditionFailed', status: 412 });
  });

  it('PutObject If-Match: the current ETag replaces; another is 412; a missing key is 404 NoSuchKey', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v1' }));
    const second = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v2', IfMatch: first.ETag }),
    );
    expect(second.ETag).toBe(`"${md5(Buffer.from('v2'))}"`);
    expect(
      await failure(
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cas', Body: 'v3', IfMatch: first.ETag })),
      ),
    ).toEqual({ code: 'PreconditionFailed', status: 412 });
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cas' }))).ETag).toBe(second.ETag);
    expect(
      await failure(
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'nope', Body: 'x', IfMatch: first.ETag })),
      ),
    ).toEqual({ code: 'NoSuchKey', status: 404 });
  });

  it('If-None-Match with an ETag (not *) is 501 NotImplemented', async () => {
    expect(
      await failure(
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'etag-inm', Body: 'x', IfNoneMatch: '"abc"' })),
      ),
    ).toEqual({ code: 'NotImplemented', status: 501 });
  });

  it('CompleteMultipartUpload If-None-Match: * is 412 when the key exists; the upload stays', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'mp', Body: 'old' }));
    const { UploadId, parts } = await preparedUpload('mp', [1024]);
    const complete = (cond: { IfNoneMatch?: string; IfMatch?: string }) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'mp',
          UploadId,
          MultipartUpload: { Parts: parts },
          ...cond,
        }),
      );
    expect(await failure(complete({ IfNoneMatch: '*' }))).toEqual({
      code: 'PreconditionFailed',
      status: 412,
    });
    expect(await failure(complete({ IfMatch: '"0123456789abcdef0123456789abcdef"' }))).toEqual({
      code: 'PreconditionFailed',
      status: 412,
    });
    expect((await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp', UploadId }))).Parts).toHaveLength(
      1,
    );
    const old = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mp' }));
    const done = await complete({ IfMatch: old.ETag! });
    expect(done.ETag).toMatch(/-1"$/);
  });

  it('CompleteMultipartUpload If-Match on a missing key is 404 NoSuchKey; If-None-Match: * creates', async () => {
    const { UploadId, parts } = await preparedUpload('mp-new', [10]);
    const complete = (cond: { IfNoneMatch?: string; IfMatch?: string }) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'mp-new',
          UploadId,
          MultipartUpload: { Parts: parts },
          ...cond,
        }),
      );
    expect(await failure(complete({ IfMatch: '"0123456789abcdef0123456789abcdef"' }))).toEqual({
      code: 'NoSuchKey',
      status: 404,
    });
    await complete({ IfNoneMatch: '*' });
  });

  it('DeleteObject If-Match: 412 on another ETag, 404 NoSuchKey when missing, 204 on the current one', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'del', Body: 'd' }));
    expect(
      await failure(
        s3.send(
          new DeleteObjectCommand({
            Bucket: bucket,
            Key: 'del',
            IfMatch: '"ffffffffffffffffffffffffffffffff"',
          }),
        ),
      ),
    ).toEqual({ code: 'PreconditionFailed', status: 412 });
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del', IfMatch: put.ETag }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(
      await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del', IfMatch: '*' }))),
    ).toEqual({
      code: 'NoSuchKey',
      status: 404,
    });
    // Unconditional: deleting what is not there still succeeds.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del' }));
  });
});

describe('GetObjectAttributes', () => {
  it('a single-part object: ETag (unquoted), Checksum, StorageClass, ObjectSize, no ObjectParts', async () => {
    const data = randomBytes(1000);
    const sha256 = createHash('sha256').update(data).digest('base64');
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'attr',
        Body: data,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: sha256,
      }),
    );
    const res = await s3.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key: 'attr', ObjectAttributes: [...ALL] }),
    );
    expect(res.ETag).toBe(md5(data));
    expect(res.Checksum).toEqual({ ChecksumSHA256: sha256, ChecksumType: 'FULL_OBJECT' });
    expect(res.ObjectParts).toBeUndefined();
    expect(res.StorageClass).toBe('STANDARD');
    expect(res.ObjectSize).toBe(1000);
    expect(res.LastModified).toBeInstanceOf(Date);
    expect(res.VersionId).toBeUndefined();

    const some = await s3.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key: 'attr', ObjectAttributes: ['ObjectSize'] }),
    );
    expect(some.ObjectSize).toBe(1000);
    expect(some.ETag).toBeUndefined();
    expect(some.StorageClass).toBeUndefined();
  });

  it('versionId=null answers x-amz-version-id: null; another version is NoSuchVersion; a missing key NoSuchKey', async () => {
    const res = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'attr',
        VersionId: 'null',
        ObjectAttributes: ['ETag'],
      }),
    );
    expect(res.VersionId).toBe('null');
    expect(
      await failure(
        s3.send(
          new GetObjectAttributesCommand({
            Bucket: bucket,
            Key: 'attr',
            VersionId: 'a'.repeat(32),
            ObjectAttributes: ['ETag'],
          }),
        ),
      ),
    ).toEqual({ code: 'NoSuchVersion', status: 404 });
    expect(
      await failure(
        s3.send(
          new GetObjectAttributesCommand({ Bucket: bucket, Key: 'missing', ObjectAttributes: ['ETag'] }),
        ),
      ),
    ).toEqual({ code: 'NoSuchKey', status: 404 });
  });

  it('an unknown attribute is 400 InvalidArgument', async () => {
    expect(
      await failure(
        s3.send(
          new GetObjectAttributesCommand({
            Bucket: bucket,
            Key: 'attr',
            ObjectAttributes: ['Bogus' as 'ETag'],
          }),
        ),
      ),
    ).toEqual({ code: 'InvalidArgument', status: 400 });
  });

  it('a multipart object with CRC32 parts lists its parts, paged by MaxParts and PartNumberMarker', async () => {
    const { UploadId, parts } = await preparedUpload('attr-mp', [5 * MiB, 5 * MiB, 100], 'CRC32');
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'attr-mp',
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const all = await s3.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key: 'attr-mp', ObjectAttributes: [...ALL] }),
    );
    expect(all.ObjectSize).toBe(10 * MiB + 100);
    expect(all.ETag).toMatch(/^[0-9a-f]{32}-3$/);
    expect(all.Checksum?.ChecksumType).toBe('COMPOSITE');
    expect(all.Checksum?.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(all.ObjectParts).toMatchObject({
      TotalPartsCount: 3,
      IsTruncated: false,
      MaxParts: 1000,
      PartNumberMarker: '0',
    });
    expect(all.ObjectParts?.Parts).toEqual(
      parts.map((p, i) => ({
        PartNumber: p.PartNumber,
        Size: [5 * MiB, 5 * MiB, 100][i],
        ChecksumCRC32: p.ChecksumCRC32,
      })),
    );

    const first = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'attr-mp',
        ObjectAttributes: ['ObjectParts'],
        MaxParts: 1,
      }),
    );
    expect(first.ObjectParts).toMatchObject({
      IsTruncated: true,
      MaxParts: 1,
      NextPartNumberMarker: '1',
      TotalPartsCount: 3,
    });
    expect(first.ObjectParts?.Parts?.map((p) => p.PartNumber)).toEqual([1]);
    const rest = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'attr-mp',
        ObjectAttributes: ['ObjectParts'],
        MaxParts: 5,
        PartNumberMarker: '1',
      }),
    );
    expect(rest.ObjectParts).toMatchObject({ IsTruncated: false, PartNumberMarker: '1' });
    expect(rest.ObjectParts?.Parts?.map((p) => p.PartNumber)).toEqual([2, 3]);
  });

  it('a multipart object without checksums gives PartsCount but no Part elements, as S3 does', async () => {
    const { UploadId, parts } = await preparedUpload('attr-plain', [5 * MiB, 10]);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'attr-plain',
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const res = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: bucket,
        Key: 'attr-plain',
        ObjectAttributes: ['ObjectParts', 'Checksum'],
      }),
    );
    expect(res.ObjectParts?.TotalPartsCount).toBe(2);
    expect(res.ObjectParts?.Parts ?? []).toEqual([]);
    expect(res.Checksum).toBeUndefined();
  });
});

/** Two concurrent If-None-Match: * PUTs of each of `rounds` fresh keys: the outcomes of the losers. */
async function race(client: S3Client, bkt: string, rounds: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const key = `race-${round}`;
    const bodies = [randomBytes(256 * 1024), randomBytes(256 * 1024)];
    const results = await Promise.all(
      bodies.map((Body) =>
        failure(client.send(new PutObjectCommand({ Bucket: bkt, Key: key, Body, IfNoneMatch: '*' }))),
      ),
    );
    expect(results.filter((r) => r === undefined).length, `round ${round}: ${JSON.stringify(results)}`).toBe(
      1,
    );
    const loser = results.find((r) => r !== undefined)!;
    expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain(loser.code);
    outcomes.push(loser.code);
    // The stored object is the winner's, whole.
    const head = await client.send(new HeadObjectCommand({ Bucket: bkt, Key: key }));
    expect(head.ETag).toBe(`"${md5(bodies[results.indexOf(undefined)]!)}"`);
  }
  return outcomes;
}

describe('concurrent conditional PUTs', () => {
  it('one worker: of two concurrent If-None-Match: * PUTs of a key exactly one wins (30 rounds)', async () => {
    const single = await startServer({ workers: 1 });
    const client = s3Client(single, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'race-one' }));
      expect(await race(client, 'race-one', 30)).toHaveLength(30);
    } finally {
      client.destroy();
      await single.stop();
    }
  });

  // Two worker processes: only a check inside the commit's own transaction keeps this to one winner.
  it('two workers: exactly one wins (the store checks the condition inside the commit)', async () => {
    expect(await race(s3, bucket, 30)).toHaveLength(30);
  });
});
