import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliJson } from './helpers/aws-cli.js';
import { errorCode, rawRequest } from './helpers/raw.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

// S3 Block Public Access at the bucket level (docs/public-access.md), as AWS documents it:
// PutPublicAccessBlock / GetPublicAccessBlock / DeletePublicAccessBlock, GetBucketPolicyStatus,
// BlockPublicPolicy and RestrictPublicBuckets.

let server: RunningServer;
let s3: S3Client;

async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number } | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) =>
      e instanceof S3ServiceException
        ? { name: e.name, status: e.$metadata.httpStatusCode ?? 0 }
        : { name: String(e) },
  );
}

function policy(bucket: string, statement: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`], ...statement },
    ],
  });
}

const allFalse = {
  BlockPublicAcls: false,
  IgnorePublicAcls: false,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

async function anonymousGet(path: string): Promise<number> {
  return (await fetch(`${server.endpoint}${path}`)).status;
}

/** Two workers: a change made on one is enforced by the other within about a second. */
async function eventually(probe: () => Promise<number>, want: number): Promise<number> {
  const deadline = Date.now() + 3000;
  let got = await probe();
  while (got !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    got = await probe();
  }
  return got;
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  for (const b of ['pab', 'pab-policy', 'pab-status', 'pab-cli'])
    await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutObjectCommand({ Bucket: 'pab', Key: 'hello.txt', Body: 'hello' }));
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('PutPublicAccessBlock / GetPublicAccessBlock / DeletePublicAccessBlock', () => {
  it('a bucket without settings answers NoSuchPublicAccessBlockConfiguration (404)', async () => {
    expect(await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-status' })))).toEqual({
      name: 'NoSuchPublicAccessBlockConfiguration',
      status: 404,
    });
  });

  it('stores the four settings (absent ones false) and answers them back', async () => {
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'pab-status',
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true },
      }),
    );
    const got = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-status' }));
    expect(got.PublicAccessBlockConfiguration).toEqual({
      ...allFalse,
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
    });
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab-status' }));
    expect((await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-status' }))))?.name).toBe(
      'NoSuchPublicAccessBlockConfiguration',
    );
    // Deleting again is still 204.
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab-status' }));
  });

  it('requires Content-MD5 or a checksum, and a document of the schema (MalformedXML)', async () => {
    const xml =
      '<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>';
    const put = (body: string, headers: Record<string, string> = {}) =>
      rawRequest(server.port, {
        method: 'PUT',
        path: '/pab-status',
        query: { publicAccessBlock: '' },
        body,
        headers,
      });
    const noDigest = await put(xml);
    expect([noDigest.status, errorCode(noDigest)]).toEqual([400, 'InvalidRequest']);
    const md5 = (s: string) => createHash('md5').update(s).digest('base64');
    const bad = xml.replace('BlockPublicAcls>true</BlockPublicAcls', 'Other>true</Other');
    const malformed = await put(bad, { 'content-md5': md5(bad) });
    expect([malformed.status, errorCode(malformed)]).toEqual([400, 'MalformedXML']);
    const ok = await put(xml, { 'content-md5': md5(xml) });
    expect(ok.status).toBe(200);
  });

  it('a missing bucket is NoSuchBucket', async () => {
    expect((await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'pab-none' }))))?.name).toBe(
      'NoSuchBucket',
    );
  });

  it('the aws CLI: put-public-access-block and get-public-access-block', async () => {
    await awsCli(server.endpoint, [
      's3api',
      'put-public-access-block',
      '--bucket',
      'pab-cli',
      '--public-access-block-configuration',
      'BlockPublicAcls=true,IgnorePublicAcls=false,BlockPublicPolicy=true,RestrictPublicBuckets=true',
    ]);
    const got = await awsCliJson(server.endpoint, [
      's3api',
      'get-public-access-block',
      '--bucket',
      'pab-cli',
    ]);
    expect(got['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: false,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });
});

describe('GetBucketPolicyStatus', () => {
  const status = async (statement: Record<string, unknown>) => {
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: 'pab-status', Policy: policy('pab-status', statement) }),
    );
    return (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'pab-status' }))).PolicyStatus?.IsPublic;
  };

  it('without a policy: NoSuchBucketPolicy (404)', async () => {
    expect(await failure(s3.send(new GetBucketPolicyStatusCommand({ Bucket: 'pab-cli' })))).toEqual({
      name: 'NoSuchBucketPolicy',
      status: 404,
    });
  });

  it('IsPublic as "The meaning of public" defines it', async () => {
    expect(await status({ Principal: '*' })).toBe(true);
    expect(await status({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } })).toBe(false);
    expect(
      await status({ Principal: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-91237329' } } }),
    ).toBe(false);
    expect(await status({ Principal: '*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } })).toBe(
      true,
    );
    expect(
      await status({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    ).toBe(false);
    expect(await status({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } })).toBe(
      true,
    );
    expect(await status({ Principal: '*', Condition: { StringEquals: { 's3:prefix': 'public/' } } })).toBe(
      true,
    );
  });

  it('the aws CLI: get-bucket-policy-status', async () => {
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: 'pab-status', Policy: policy('pab-status', { Principal: '*' }) }),
    );
    const got = await awsCliJson(server.endpoint, [
      's3api',
      'get-bucket-policy-status',
      '--bucket',
      'pab-status',
    ]);
    expect(got).toEqual({ PolicyStatus: { IsPublic: true } });
  });
});

describe('BlockPublicPolicy', () => {
  it('PutBucketPolicy with a public policy is AccessDenied (403); a non-public one is accepted', async () => {
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'pab-policy',
        PublicAccessBlockConfiguration: { ...allFalse, BlockPublicPolicy: true },
      }),
    );
    expect(
      await failure(
        s3.send(
          new PutBucketPolicyCommand({
            Bucket: 'pab-policy',
            Policy: policy('pab-policy', { Principal: '*' }),
          }),
        ),
      ),
    ).toEqual({ name: 'AccessDenied', status: 403 });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'pab-policy',
        Policy: policy('pab-policy', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }),
      }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'pab-policy',
        Policy: policy('pab-policy', {
          Principal: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        }),
      }),
    );
    // A malformed policy (a Resource outside the bucket) is still MalformedPolicy, not AccessDenied.
    expect(
      (
        await failure(
          s3.send(
            new PutBucketPolicyCommand({
              Bucket: 'pab-policy',
              Policy: policy('pab-other', { Principal: '*' }),
            }),
          ),
        )
      )?.name,
    ).toBe('MalformedPolicy');
    // Without the setting the public policy goes in.
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab-policy' }));
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: 'pab-policy', Policy: policy('pab-policy', { Principal: '*' }) }),
    );
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'pab-policy' }));
  });
});

describe('RestrictPublicBuckets', () => {
  it('an anonymous GET a public policy allows is denied while it is set, allowed again after DeletePublicAccessBlock', async () => {
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'pab', Policy: policy('pab', { Principal: '*' }) }));
    expect(await eventually(() => anonymousGet('/pab/hello.txt'), 200)).toBe(200);

    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'pab',
        PublicAccessBlockConfiguration: { ...allFalse, RestrictPublicBuckets: true },
      }),
    );
    expect(await eventually(() => anonymousGet('/pab/hello.txt'), 403)).toBe(403);
    // Every worker: several requests in a row stay denied.
    for (let i = 0; i < 4; i++) expect(await anonymousGet('/pab/hello.txt')).toBe(403);
    // The owner's account is unaffected.
    const own = await rawRequest(server.port, { method: 'GET', path: '/pab/hello.txt' });
    expect(own.status).toBe(200);

    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab' }));
    expect(await eventually(() => anonymousGet('/pab/hello.txt'), 200)).toBe(200);
  });

  it('a non-public policy is not restricted: its fixed-IP grant to everyone still applies', async () => {
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'pab',
        Policy: policy('pab', {
          Principal: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.1/32' } },
        }),
      }),
    );
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: 'pab',
        PublicAccessBlockConfiguration: { ...allFalse, RestrictPublicBuckets: true },
      }),
    );
    expect(await eventually(() => anonymousGet('/pab/hello.txt'), 200)).toBe(200);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'pab' }));
  });
});
