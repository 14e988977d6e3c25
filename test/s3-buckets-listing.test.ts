import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;

async function expectS3Error(p: Promise<unknown>, code: string, status: number): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as S3ServiceException,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(S3ServiceException);
  expect(err!.name).toBe(code);
  expect(err!.$metadata.httpStatusCode).toBe(status);
}

beforeAll(async () => {
  server = await startServer({ env: { TESSERA_DOMAIN: 's3.local.test' } });
  s3 = s3Client(server);
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('buckets', () => {
  it('creates, lists, heads, locates and deletes buckets', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'beta',
        CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
      }),
    );
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining(['alpha', 'beta']));
    await s3.send(new HeadBucketCommand({ Bucket: 'alpha' }));
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha' }));
    expect(loc.LocationConstraint ?? '').toBe('');
    // us-east-1 (this server's region): re-creating a bucket you own is 200 OK, as in AWS.
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha' }));
    await s3.send(new PutObjectCommand({ Bucket: 'beta', Key: 'k', Body: 'v' }));
    await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'beta' })), 'BucketNotEmpty', 409);
    await s3.send(new DeleteBucketCommand({ Bucket: 'alpha' }));
    await expectS3Error(s3.send(new HeadBucketCommand({ Bucket: 'alpha' })), 'NotFound', 404);
    await expectS3Error(s3.send(new DeleteBucketCommand({ Bucket: 'alpha' })), 'NoSuchBucket', 404);
  });

  it('outside us-east-1, re-creating a bucket you own is 409 BucketAlreadyOwnedByYou', async () => {
    const eu = await startServer({ env: { TESSERA_REGION: 'eu-west-1' }, workers: 1 });
    try {
      const client = s3Client(eu, { region: 'eu-west-1' });
      await client.send(new CreateBucketCommand({ Bucket: 'owned' }));
      await expectS3Error(
        client.send(new CreateBucketCommand({ Bucket: 'owned' })),
        'BucketAlreadyOwnedByYou',
        409,
      );
    } finally {
      await eu.stop();
    }
  });

  it('rejects invalid bucket names and foreign location constraints', async () => {
    for (const name of ['ab', 'UPPER', 'has_underscore', '-dash', 'a..b', '192.168.1.1', 'x'.repeat(64)]) {
      await expectS3Error(s3.send(new CreateBucketCommand({ Bucket: name })), 'InvalidBucketName', 400);
    }
    await expectS3Error(
      s3.send(
        new CreateBucketCommand({
          Bucket: 'gamma',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      ),
      'InvalidLocationConstraint',
      400,
    );
  });

  it('tags buckets', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'tagged-bucket' }));
    await expectS3Error(
      s3.send(new GetBucketTaggingCommand({ Bucket: 'tagged-bucket' })),
      'NoSuchTagSet',
      404,
    );
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: 'tagged-bucket',
        Tagging: { TagSet: [{ Key: 'team', Value: 'ml' }] },
      }),
    );
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: 'tagged-bucket' }));
    expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'ml' }]);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket: 'tagged-bucket' }));
    await expectS3Error(
      s3.send(new GetBucketTaggingCommand({ Bucket: 'tagged-bucket' })),
      'NoSuchTagSet',
      404,
    );
  });

  it('serves virtual-host-style requests under the configured domain', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vhost' }));
    await s3.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'dir/file.txt', Body: 'virtual' }));
    const vs3 = s3Client(server, { forcePathStyle: false, endpoint: 'http://s3.local.test:' + server.port });
    // Resolve bucket.s3.local.test to loopback by sending to the server directly with the Host header.
    vs3.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { hostname: string; headers: Record<string, string> };
        req.headers['host'] = `${req.hostname}:${server.port}`;
        req.hostname = '127.0.0.1';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const got = await vs3.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'dir/file.txt' }));
    expect(await got.Body!.transformToString()).toBe('virtual');
    vs3.destroy();
  });
});

describe('listing', () => {
  const b = 'listing';
  const keys = ['a/1', 'a/2', 'a/b/3', 'b/1', 'c', 'd/x y', 'd/ü', 'e+f'];
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
  });

  it('lists V2 with delimiter roll-up and prefixes', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/' }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(['c', 'e+f']);
    expect(res.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/', 'd/']);
    expect(res.KeyCount).toBe(5);
    const sub = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'a/', Delimiter: '/' }));
    expect(sub.Contents?.map((c) => c.Key)).toEqual(['a/1', 'a/2']);
    expect(sub.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/b/']);
  });

  it('paginates V2 with continuation tokens and start-after, visiting every key once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await s3.send(
        new ListObjectsV2Command({ Bucket: b, MaxKeys: 3, ContinuationToken: token }),
      );
      seen.push(...(res.Contents ?? []).map((c) => c.Key!));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    expect(seen).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    const after = await s3.send(new ListObjectsV2Command({ Bucket: b, StartAfter: 'b/1' }));
    expect(after.Contents?.[0]?.Key).toBe('c');
    const owner = await s3.send(new ListObjectsV2Command({ Bucket: b, FetchOwner: true, MaxKeys: 1 }));
    const { Owner } = await s3.send(new ListBucketsCommand({}));
    expect(Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(owner.Contents?.[0]?.Owner).toEqual(Owner);
  });

  it('lists V1 with markers and NextMarker when a delimiter is given', async () => {
    const page = await s3.send(new ListObjectsCommand({ Bucket: b, Delimiter: '/', MaxKeys: 2 }));
    expect(page.IsTruncated).toBe(true);
    expect(page.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['a/', 'b/']);
    expect(page.NextMarker).toBe('b/');
    const next = await s3.send(
      new ListObjectsCommand({ Bucket: b, Delimiter: '/', Marker: page.NextMarker }),
    );
    expect(next.Contents?.map((c) => c.Key)).toEqual(['c', 'e+f']);
    expect(next.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['d/']);
  });

  it('url-encodes keys with encoding-type=url', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'd/', EncodingType: 'url' }));
    // The JavaScript SDK hands url-encoded keys through as they came.
    expect(res.Contents?.map((c) => c.Key)).toEqual(['d/x%20y', 'd/%C3%BC']);
    expect(res.Prefix).toBe('d/');
  });

  it('rejects bad max-keys and tokens', async () => {
    await expectS3Error(
      s3.send(new ListObjectsV2Command({ Bucket: b, ContinuationToken: '%%%' })),
      'InvalidArgument',
      400,
    );
    await expectS3Error(s3.send(new ListObjectsV2Command({ Bucket: 'nope-bucket' })), 'NoSuchBucket', 404);
  });
});
