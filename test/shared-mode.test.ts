import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../src/cli/config.js';
import { type Postgres, postgresMissing, startPostgres } from './helpers/postgres.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

// Shared mode (docs/shared-mode.md): two server processes on one PostgreSQL database and one
// data directory (the blobs). In CI a missing PostgreSQL fails, never skips.
const missing = postgresMissing();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function text(client: S3Client, bucket: string, key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString();
}

/** The HTTP status an SDK call fails with (undefined when it succeeds). */
async function statusOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  }
}

describe.skipIf(missing !== undefined)('shared mode: two servers, one database, one data directory', () => {
  let cluster: Postgres;
  let dataDir: string;
  let url: string;
  let one: RunningServer;
  let two: RunningServer;
  let s3one: S3Client;
  let s3two: S3Client;

  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase('shared_mode');
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-shared-'));
    const env = { TESSERA_METADATA_URL: url, TESSERA_METADATA_POOL_SIZE: '4' };
    // One after the other: the first creates the master key file both use.
    one = await startServer({ dataDir, workers: 1, env });
    two = await startServer({ dataDir, workers: 1, env });
    s3one = s3Client(one);
    s3two = s3Client(two);
  }, 90_000);

  afterAll(async () => {
    s3one?.destroy();
    s3two?.destroy();
    await one?.stop();
    await two?.stop();
    await cluster?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('an object PUT through one server is read and listed through the other', async () => {
    await s3one.send(new CreateBucketCommand({ Bucket: 'shared' }));
    await s3one.send(new PutObjectCommand({ Bucket: 'shared', Key: 'small.txt', Body: 'hello from one' }));
    // Large enough to be a blob file in the shared data directory, not inline metadata.
    const big = 'x'.repeat(300_000);
    await s3one.send(new PutObjectCommand({ Bucket: 'shared', Key: 'dir/big.txt', Body: big }));
    expect(await text(s3two, 'shared', 'small.txt')).toBe('hello from one');
    expect(await text(s3two, 'shared', 'dir/big.txt')).toBe(big);
    const list = await s3two.send(new ListObjectsV2Command({ Bucket: 'shared', Delimiter: '/' }));
    expect(list.Contents?.map((o) => o.Key)).toEqual(['small.txt']);
    expect(list.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/']);
    // An overwrite through the other server is what the first one reads next.
    await s3two.send(new PutObjectCommand({ Bucket: 'shared', Key: 'small.txt', Body: 'now from two' }));
    expect(await text(s3one, 'shared', 'small.txt')).toBe('now from two');
  });

  it('conditional writes hold across servers: If-None-Match on a key the other server wrote fails', async () => {
    await s3one.send(
      new PutObjectCommand({ Bucket: 'shared', Key: 'once', Body: 'first', IfNoneMatch: '*' }),
    );
    const status = await statusOf(
      s3two.send(new PutObjectCommand({ Bucket: 'shared', Key: 'once', Body: 'second', IfNoneMatch: '*' })),
    );
    expect(status).toBe(412);
    expect(await text(s3two, 'shared', 'once')).toBe('first');
  });

  it('an SSE-S3 object written through one server is decrypted by the other (shared master key)', async () => {
    const body = 'sealed '.repeat(40_000);
    await s3one.send(
      new PutObjectCommand({ Bucket: 'shared', Key: 'sealed', Body: body, ServerSideEncryption: 'AES256' }),
    );
    const out = await s3two.send(new GetObjectCommand({ Bucket: 'shared', Key: 'sealed' }));
    expect(out.ServerSideEncryption).toBe('AES256');
    expect(await out.Body!.transformToString()).toBe(body);
  });

  it('a multipart upload started on one server takes parts and completes across both', async () => {
    const part = (n: number) => Buffer.alloc(5 * 1024 * 1024, n);
    const { UploadId } = await s3one.send(new CreateMultipartUploadCommand({ Bucket: 'shared', Key: 'mp' }));
    const p1 = await s3one.send(
      new UploadPartCommand({ Bucket: 'shared', Key: 'mp', UploadId, PartNumber: 1, Body: part(1) }),
    );
    const p2 = await s3two.send(
      new UploadPartCommand({
        Bucket: 'shared',
        Key: 'mp',
        UploadId,
        PartNumber: 2,
        Body: Buffer.from('tail'),
      }),
    );
    await s3two.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'shared',
        Key: 'mp',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag! },
            { PartNumber: 2, ETag: p2.ETag! },
          ],
        },
      }),
    );
    const out = await s3one.send(new GetObjectCommand({ Bucket: 'shared', Key: 'mp' }));
    const body = Buffer.from(await out.Body!.transformToByteArray());
    expect(body.length).toBe(5 * 1024 * 1024 + 4);
    expect(body.subarray(-4).toString()).toBe('tail');
    expect(out.ETag).toMatch(/-2"$/);
  });

  it('a user created through the IAM API of one server works on the other; a policy removed there stops it', async () => {
    const iam = new IAMClient({
      endpoint: one.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    await iam.send(new CreateUserCommand({ UserName: 'shared-alice' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'shared-alice' }))).AccessKey!;
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }],
    });
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'shared-alice', PolicyName: 'read', PolicyDocument: policy }),
    );
    const alice = s3Client(two, {
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
    });
    // The other server learns of the change from its change feed (NOTIFY, polling as fallback).
    const started = Date.now();
    let status = await statusOf(text(alice, 'shared', 'once'));
    while (status !== undefined && Date.now() - started < 10_000) {
      await sleep(50);
      status = await statusOf(text(alice, 'shared', 'once'));
    }
    const usable = Date.now() - started;
    expect(status).toBeUndefined();
    expect(await text(alice, 'shared', 'once')).toBe('first');
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'shared-alice', PolicyName: 'read' }));
    const revoked = Date.now();
    while (status === undefined && Date.now() - revoked < 10_000) {
      await sleep(50);
      status = await statusOf(text(alice, 'shared', 'once'));
    }
    expect(status).toBe(403);
    process.stdout.write(
      `shared mode: user usable on the other server after ${usable} ms, policy removal seen after ${Date.now() - revoked} ms\n`,
    );
    alice.destroy();
    iam.destroy();
  });

  it('both servers answer the health probes, the write probe included (no database file to check)', async () => {
    for (const server of [one, two]) {
      for (const path of ['/minio/health/ready', '/minio/health/cluster']) {
        expect([path, (await fetch(`${server.endpoint}${path}`)).status]).toEqual([path, 200]);
      }
    }
  });

  it('keeps the metadata and IAM tables in PostgreSQL, not in the data directory', async () => {
    const c = new pg.Client(url);
    await c.connect();
    const objects = await c.query("SELECT count(*)::int AS n FROM objects WHERE bucket = 'shared'");
    const users = await c.query("SELECT name FROM iam_users WHERE name = 'shared-alice'");
    await c.end();
    expect(objects.rows[0].n).toBeGreaterThanOrEqual(4);
    expect(users.rows).toHaveLength(1);
    expect(existsSync(join(dataDir, '.tessera', 'meta.db'))).toBe(false);
  });
});

describe('shared mode settings', () => {
  const load = (env: Record<string, string>) => loadServerConfig({ dataDir: '/tmp/d' }, env).metadata;

  it('TESSERA_METADATA_URL selects PostgreSQL, with pool size, CA file and lock timeout', () => {
    expect(load({})).toBeUndefined();
    expect(
      load({
        TESSERA_METADATA_URL: 'postgresql://t:s@db:5432/tessera?sslmode=verify-full',
        TESSERA_METADATA_POOL_SIZE: '20',
        TESSERA_METADATA_TLS_CA: '/etc/ssl/db-ca.pem',
        TESSERA_METADATA_LOCK_TIMEOUT: '3s',
      }),
    ).toEqual({
      url: 'postgresql://t:s@db:5432/tessera?sslmode=verify-full',
      poolSize: 20,
      tlsCaFile: '/etc/ssl/db-ca.pem',
      lockTimeoutMs: 3000,
    });
  });

  it('refuses a URL that is not PostgreSQL, a bad pool size, and database settings without a URL', () => {
    expect(() => load({ TESSERA_METADATA_URL: 'mysql://db/x' })).toThrow(/must be a postgres:\/\/ URL/);
    for (const size of ['0', '-1', '2.5', 'ten', '1001'])
      expect(() =>
        load({ TESSERA_METADATA_URL: 'postgres://db/x', TESSERA_METADATA_POOL_SIZE: size }),
      ).toThrow(/TESSERA_METADATA_POOL_SIZE/);
    expect(() => load({ TESSERA_METADATA_POOL_SIZE: '5' })).toThrow(/need TESSERA_METADATA_URL/);
  });
});
