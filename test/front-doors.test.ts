import { join } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamQuery, xmlValue } from './helpers/iam.js';
import { rawRequest } from './helpers/raw.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * One front door per API: MinIO's admin, health and metrics paths are their own APIs (the admin
 * API answering NotImplemented in its own format until its issue lands), never S3 operations on a
 * bucket named `minio`; and a server-side failure never shows its internal message to the client.
 */

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  // A bucket named `minio`: its other keys stay S3 objects.
  const s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'minio' }));
  await s3.send(new PutObjectCommand({ Bucket: 'minio', Key: 'data/a', Body: 'an object' }));
  s3.destroy();
});

afterAll(async () => {
  await server?.stop();
});

describe('front doors', () => {
  it("GET /minio/admin/v3/info is MinIO's admin API (JSON), not GetObject", async () => {
    const info = await rawRequest(server.port, { method: 'GET', path: '/minio/admin/v3/info' });
    expect([info.status, info.headers['content-type']]).toEqual([200, 'application/json']);
    expect(JSON.parse(info.body)).toMatchObject({ mode: 'online' });
    expect(info.body).not.toContain('an object');
    // Calls not built yet: MinIO's JSON NotImplemented, still not an object.
    for (const path of ['/minio/admin/v3/storageinfo', '/minio/admin/v4/datausageinfo']) {
      const signed = await rawRequest(server.port, { method: 'GET', path });
      expect(signed.status).toBe(501);
      expect(signed.headers['content-type']).toBe('application/json');
      const body = JSON.parse(signed.body) as Record<string, string>;
      expect(body).toMatchObject({ Code: 'NotImplemented', Resource: path });
      expect(body.RequestId).toBe(signed.headers['x-amz-request-id']);
      expect(signed.body).not.toContain('an object');
    }
    const unsigned = await fetch(`${server.endpoint}/minio/admin/v3/storageinfo`);
    expect([unsigned.status, ((await unsigned.json()) as { Code: string }).Code]).toEqual([
      501,
      'NotImplemented',
    ]);
  });

  it('/minio/health/live and /minio/v2/metrics/cluster are not S3 operations either', async () => {
    // Health answers a bare status (test/metrics-health.test.ts); metrics need admin:Prometheus.
    for (const [path, status, body] of [
      ['/minio/health/live', 200, /^$/],
      ['/minio/health/ready', 200, /^$/],
      ['/minio/v2/metrics/cluster', 403, /<Code>AccessDenied<\/Code>/],
      ['/minio/metrics/v3/system', 501, /<Code>NotImplemented<\/Code>/],
    ] as const) {
      const res = await fetch(`${server.endpoint}${path}`);
      const text = await res.text();
      expect([path, res.status, body.test(text)]).toEqual([path, status, true]);
      expect(text).not.toContain('an object');
    }
  });

  it('a PUT to a reserved path stores nothing; other keys of a bucket named minio stay S3 objects', async () => {
    const put = await rawRequest(server.port, {
      method: 'PUT',
      path: '/minio/admin/v3/storageinfo',
      body: 'x',
    });
    expect(put.status).toBe(501);
    const list = await rawRequest(server.port, { method: 'GET', path: '/minio' });
    expect(list.status).toBe(200);
    expect(list.body).toContain('<Key>data/a</Key>');
    expect(list.body).not.toContain('admin/');
    const get = await rawRequest(server.port, { method: 'GET', path: '/minio/data/a' });
    expect([get.status, get.body]).toEqual([200, 'an object']);
  });
});

describe('error hygiene', () => {
  it("an internal error reaches the client as the catalog's message only, and the log has the request id", async () => {
    await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'hygiene' });
    const created = await iamQuery(server.endpoint, {
      Action: 'CreateAccessKey',
      UserName: 'hygiene',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      }),
    });
    const accessKeyId = xmlValue(created, 'AccessKeyId')!;
    const secretAccessKey = xmlValue(created, 'SecretAccessKey')!;
    // Damage the stored embedded policy behind the server's back (never used yet, so not cached).
    const db = new Database(join(server.dataDir, '.tessera', 'meta.db'));
    db.prepare('UPDATE iam_service_accounts SET policy = ? WHERE access_key = ?').run(
      '{"broken',
      accessKeyId,
    );
    db.close();
    const s3 = s3Client(server, { credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    let answer: {
      status?: number | undefined;
      code?: string;
      message?: string;
      requestId?: string | undefined;
    } = {};
    try {
      await s3.send(new ListBucketsCommand({}));
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; Code?: string };
      answer = {
        status: err.$metadata?.httpStatusCode,
        code: err.name,
        message: err.message,
        requestId: err.$metadata?.requestId,
      };
    } finally {
      s3.destroy();
    }
    expect(answer).toMatchObject({
      status: 500,
      code: 'InternalError',
      message: 'We encountered an internal error, please try again.',
    });
    expect(answer.message).not.toContain(accessKeyId);
    // The operator sees what happened, with the request id to find it by.
    await new Promise((r) => setTimeout(r, 200));
    const logged = server
      .output()
      .split('\n')
      .find((l) => l.includes('does not parse'));
    expect(logged).toContain(`request ${answer.requestId}`);
  });
});
