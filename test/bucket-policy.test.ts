import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)),
  );
}

function publicRead(bucket: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${bucket}/*`],
        ...extra,
      },
    ],
  });
}

async function anonymousGet(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.endpoint}${path}`);
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'public' }));
  await s3.send(new PutObjectCommand({ Bucket: 'public', Key: 'hello.txt', Body: 'hello world' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('bucket policies', () => {
  it('anonymous access is denied without a policy and allowed exactly as a public-read policy says', async () => {
    expect((await anonymousGet('/public/hello.txt')).status).toBe(403);
    expect(await code(s3.send(new GetBucketPolicyCommand({ Bucket: 'public' })))).toBe('NoSuchBucketPolicy');
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: publicRead('public') }));
    const stored = await s3.send(new GetBucketPolicyCommand({ Bucket: 'public' }));
    expect(JSON.parse(stored.Policy!)).toEqual(JSON.parse(publicRead('public')));
    const status = await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'public' }));
    expect(status.PolicyStatus?.IsPublic).toBe(true);
    // Every worker enforces the change within a second (the change feed).
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 4; i++)
      expect(await anonymousGet('/public/hello.txt')).toEqual({ status: 200, body: 'hello world' });
    // Only what the policy grants: listing and writing stay denied, and a denial reveals nothing.
    const list = await anonymousGet('/public');
    expect(list.status).toBe(403);
    expect(list.body).toContain('<Code>AccessDenied</Code>');
    expect((await fetch(`${server.endpoint}/public/new.txt`, { method: 'PUT', body: 'x' })).status).toBe(403);
    // As S3: without s3:ListBucket, a missing key is AccessDenied, not NoSuchKey.
    const missing = await anonymousGet('/public/missing.txt');
    expect(missing.status).toBe(403);
    expect(missing.body).toContain('<Code>AccessDenied</Code>');
    expect((await anonymousGet('/other-bucket/hello.txt')).status).toBe(403);
  });

  it('rejects malformed policies and resources outside the bucket with MalformedPolicy', async () => {
    expect(
      await code(
        s3.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: '{"Version":"2012-10-17"' })),
      ),
    ).toBe('MalformedPolicy');
    expect(
      await code(s3.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: publicRead('elsewhere') }))),
    ).toBe('MalformedPolicy');
    expect(
      await code(
        s3.send(
          new PutBucketPolicyCommand({
            Bucket: 'public',
            Policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: '*',
                  Action: 's3:NoSuchAction',
                  Resource: 'arn:aws:s3:::public/*',
                },
              ],
            }),
          }),
        ),
      ),
    ).toBe('MalformedPolicy');
    expect(
      await code(
        s3.send(
          new PutBucketPolicyCommand({ Bucket: 'no-such-bucket', Policy: publicRead('no-such-bucket') }),
        ),
      ),
    ).toBe('NoSuchBucket');
  });

  it('evaluates aws:SourceIp and aws:SecureTransport conditions', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'conditional' }));
    await s3.send(new PutObjectCommand({ Bucket: 'conditional', Key: 'k', Body: 'v' }));
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'conditional',
        Policy: publicRead('conditional', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await anonymousGet('/conditional/k')).status).toBe(403);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'conditional',
        Policy: publicRead('conditional', { Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }),
      }),
    );
    expect(
      (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'conditional' }))).PolicyStatus?.IsPublic,
    ).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await anonymousGet('/conditional/k')).status).toBe(200);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'conditional',
        Policy: publicRead('conditional', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
      }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await anonymousGet('/conditional/k')).status).toBe(403);
  });

  it('deletes policies (and with the bucket)', async () => {
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'public' }));
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'public' }));
    await new Promise((r) => setTimeout(r, 1000));
    expect((await anonymousGet('/public/hello.txt')).status).toBe(403);
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: publicRead('public') }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'public', Key: 'hello.txt' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'public' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'public' }));
    expect(await code(s3.send(new GetBucketPolicyCommand({ Bucket: 'public' })))).toBe('NoSuchBucketPolicy');
  });
});
