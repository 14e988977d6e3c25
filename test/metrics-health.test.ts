import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamQuery, xmlValue } from './helpers/iam.js';
import { errorCode, rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * MinIO's health and Prometheus endpoints against the real server (2 workers): health answers
 * without credentials; metrics need admin:Prometheus, proved by SigV4 or by mc's bearer JWT, and
 * /cluster sums every worker's counters (docs/metrics.md).
 */

let server: RunningServer;
let prom: { accessKeyId: string; secretAccessKey: string };
let plain: { accessKeyId: string; secretAccessKey: string };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (the subset prom-client writes). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    samples.push({ name: m![1]!, labels, value: Number(m![3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

async function scrape(
  scope: 'cluster' | 'node',
  credentials?: { accessKeyId: string; secretAccessKey: string },
) {
  return rawRequest(server.port, {
    method: 'GET',
    path: `/minio/v2/metrics/${scope}`,
    ...(credentials === undefined ? {} : { credentials }),
  });
}

async function bearerScrape(token: string, scope: 'cluster' | 'node' = 'cluster') {
  const res = await fetch(`${server.endpoint}/minio/v2/metrics/${scope}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.text() };
}

/** The token `mc admin prometheus generate ALIAS` makes: HS512 with the key's secret, sub, iss, exp. */
async function mcToken(
  accessKey: string,
  secret: string,
  opts: { exp?: number; alg?: string; iss?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: opts.alg ?? 'HS512', typ: 'JWT' })
    .setSubject(accessKey)
    .setIssuer(opts.iss ?? 'prometheus')
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(Buffer.from(secret));
}

/** Scrapes (as root) until `ok` holds: request events are counted once each response has closed. */
async function scrapeUntil(ok: (s: Sample[]) => boolean, scope: 'cluster' | 'node' = 'cluster') {
  let samples: Sample[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await scrape(scope);
    expect(res.status).toBe(200);
    samples = parse(res.body);
    if (ok(samples)) return samples;
    await new Promise((r) => setTimeout(r, 100));
  }
  return samples;
}

async function userKey(name: string, policy?: string) {
  await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: name });
  if (policy !== undefined)
    await iamQuery(server.endpoint, { Action: 'AttachUserPolicy', UserName: name, PolicyArn: policy });
  const created = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: name });
  return {
    accessKeyId: xmlValue(created, 'AccessKeyId')!,
    secretAccessKey: xmlValue(created, 'SecretAccessKey')!,
  };
}

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  prom = await userKey('prometheus-scraper', 'arn:aws:iam::aws:policy/diagnostics');
  plain = await userKey('no-metrics', 'arn:aws:iam::aws:policy/readonly');
});

afterAll(async () => {
  await server?.stop();
});

describe('health', () => {
  it('live, ready and cluster answer 200 without credentials and without a body (GET and HEAD)', async () => {
    for (const path of ['/minio/health/live', '/minio/health/ready', '/minio/health/cluster']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(`${server.endpoint}${path}`, { method });
        expect([path, method, res.status, await res.text()]).toEqual([path, method, 200, '']);
      }
    }
    const cluster = await fetch(`${server.endpoint}/minio/health/cluster`);
    expect(cluster.headers.get('x-minio-write-quorum')).toBe('1');
    expect((await fetch(`${server.endpoint}/minio/health/cluster/read`)).status).toBe(200);
  });

  it('cluster?maintenance=true is 412: this node is the whole deployment (as MinIO answers)', async () => {
    const res = await fetch(`${server.endpoint}/minio/health/cluster?maintenance=true`);
    expect(res.status).toBe(412);
  });

  it('other methods are refused and write nothing', async () => {
    const res = await rawRequest(server.port, { method: 'PUT', path: '/minio/health/live', body: 'x' });
    expect([res.status, errorCode(res)]).toEqual([405, 'MethodNotAllowed']);
  });
});

describe('metrics', () => {
  it('counts requests by api and code across workers, with latency buckets and bytes', async () => {
    const s3 = s3Client(server);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'metrics' }));
      for (let i = 0; i < 3; i++)
        await s3.send(new PutObjectCommand({ Bucket: 'metrics', Key: `k${i}`, Body: 'twelve bytes' }));
      for (let i = 0; i < 2; i++) {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'metrics', Key: 'k0' }));
        await got.Body!.transformToString();
      }
      await s3.send(new ListObjectsV2Command({ Bucket: 'metrics' }));
      await expect(s3.send(new GetObjectCommand({ Bucket: 'metrics', Key: 'missing' }))).rejects.toThrow();
    } finally {
      s3.destroy();
    }
    const requests = (s: Sample[], api: string, code: string) =>
      total(s, 'tessera_s3_requests_total', { api, code });
    const s = await scrapeUntil(
      (s) => requests(s, 'PutObject', '200') >= 3 && requests(s, 'GetObject', '404') >= 1,
    );
    // Every worker's counts, whichever worker answered the scrape.
    expect(requests(s, 'PutObject', '200')).toBe(3);
    expect(requests(s, 'GetObject', '200')).toBe(2);
    expect(requests(s, 'GetObject', '404')).toBe(1);
    expect(requests(s, 'ListObjectsV2', '200')).toBe(1);
    expect(total(s, 'tessera_s3_request_errors_total', { api: 'GetObject', error: 'NoSuchKey' })).toBe(1);
    // MinIO's names, api in lower case.
    expect(total(s, 'minio_s3_requests_total', { api: 'putobject' })).toBe(3);
    expect(total(s, 'minio_s3_requests_4xx_errors_total', { api: 'getobject' })).toBe(1);
    expect(total(s, 'minio_s3_requests_errors_total', { api: 'getobject' })).toBe(1);
    expect(total(s, 'minio_s3_traffic_received_bytes')).toBeGreaterThan(36);
    expect(total(s, 'minio_s3_traffic_sent_bytes')).toBeGreaterThanOrEqual(24);
    // The latency histogram: buckets, +Inf = count.
    const buckets = s.filter(
      (x) => x.name === 'tessera_s3_request_duration_seconds_bucket' && x.labels.api === 'PutObject',
    );
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(3);
    expect(total(s, 'tessera_s3_request_duration_seconds_count', { api: 'PutObject' })).toBe(3);
    expect(total(s, 'tessera_s3_received_bytes_total', { api: 'PutObject' })).toBeGreaterThan(36);
    expect(total(s, 'tessera_s3_sent_bytes_total', { api: 'GetObject' })).toBeGreaterThanOrEqual(24);
    expect(total(s, 'tessera_authz_decisions_total', { decision: 'allow', reason: 'root' })).toBeGreaterThan(
      0,
    );
    // IAM caches and the process metrics of prom-client.
    expect(s.some((x) => x.name === 'tessera_iam_cache_entries' && x.labels.cache === 'credentials')).toBe(
      true,
    );
    expect(s.some((x) => x.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(s.some((x) => x.name === 'nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('/node is the answering worker only: never more than /cluster', async () => {
    const node = await scrape('node');
    expect(node.status).toBe(200);
    expect(node.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const cluster = parse((await scrape('cluster')).body);
    const mine = parse(node.body);
    const put = { api: 'PutObject', code: '200' };
    expect(total(mine, 'tessera_s3_requests_total', put)).toBeLessThanOrEqual(
      total(cluster, 'tessera_s3_requests_total', put),
    );
  });

  it('/cluster is the sum of the workers: two /node values seen sum to it', async () => {
    const token = await mcToken(ROOT_USER, ROOT_PASSWORD);
    // A fresh connection per request, so that both workers get some (the OS picks the worker).
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path,
            agent: false,
            headers: { connection: 'close', ...headers },
          },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve(body));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const reads = (text: string) =>
      total(parse(text), 'tessera_s3_requests_total', { api: 'Health', code: '200' });
    // Health requests of the earlier tests count too.
    const earlier = reads((await scrape('cluster')).body);
    await Promise.all(Array.from({ length: 40 }, () => get('/minio/health/cluster/read')));
    const s = await scrapeUntil(
      (s) => total(s, 'tessera_s3_requests_total', { api: 'Health', code: '200' }) >= earlier + 40,
    );
    const cluster = total(s, 'tessera_s3_requests_total', { api: 'Health', code: '200' });
    expect(cluster).toBe(earlier + 40);
    const seen = new Set<number>();
    for (let i = 0; i < 12; i++)
      seen.add(reads(await get('/minio/v2/metrics/node', { authorization: `Bearer ${token}` })));
    for (const n of seen) expect(n).toBeLessThanOrEqual(cluster);
    // Once both workers have answered, their sum is the cluster's.
    if (seen.size === 2) expect([...seen].reduce((a, b) => a + b, 0)).toBe(cluster);
  });

  it('an unauthenticated scrape, a bad signature and a user without admin:Prometheus are 403', async () => {
    const anonymous = await fetch(`${server.endpoint}/minio/v2/metrics/cluster`);
    const text = await anonymous.text();
    expect([anonymous.status, /<Code>AccessDenied<\/Code>/.test(text)]).toEqual([403, true]);
    expect(text).not.toContain('tessera_s3_requests_total');
    const badSecret = await scrape('cluster', { accessKeyId: ROOT_USER, secretAccessKey: 'not-the-secret' });
    expect([badSecret.status, errorCode(badSecret)]).toEqual([403, 'SignatureDoesNotMatch']);
    const denied = await scrape('node', plain);
    expect([denied.status, errorCode(denied)]).toEqual([403, 'AccessDenied']);
    const allowed = await scrape('cluster', prom);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('tessera_s3_requests_total');
    const s = await scrapeUntil(
      (s) =>
        total(s, 'tessera_auth_failures_total', { reason: 'SignatureDoesNotMatch' }) >= 1 &&
        total(s, 'tessera_authz_decisions_total', { decision: 'deny', reason: 'implicitDeny' }) >= 2,
    );
    expect(
      total(s, 'tessera_auth_failures_total', { reason: 'SignatureDoesNotMatch' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      total(s, 'tessera_authz_decisions_total', { decision: 'deny', reason: 'implicitDeny' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      total(s, 'tessera_authz_decisions_total', { decision: 'allow', reason: 'allowed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(s, 'tessera_s3_requests_total', { api: 'Metrics', code: '403' })).toBeGreaterThanOrEqual(3);
  });

  it("accepts mc's bearer JWT (root's and a user key's) and refuses a wrong signature, an expired or forged one", async () => {
    const root = await bearerScrape(await mcToken(ROOT_USER, ROOT_PASSWORD));
    expect(root.status).toBe(200);
    expect(parse(root.body).some((x) => x.name === 'tessera_s3_requests_total')).toBe(true);
    expect((await bearerScrape(await mcToken(prom.accessKeyId, prom.secretAccessKey), 'node')).status).toBe(
      200,
    );
    // Signed right, but the key may not scrape.
    expect((await bearerScrape(await mcToken(plain.accessKeyId, plain.secretAccessKey))).status).toBe(403);
    const refused = [
      await mcToken(ROOT_USER, 'a-wrong-secret-0123456789'),
      await mcToken(ROOT_USER, ROOT_PASSWORD, { exp: Math.floor(Date.now() / 1000) - 60 }),
      await mcToken(ROOT_USER, ROOT_PASSWORD, { alg: 'HS256' }),
      await mcToken(ROOT_USER, ROOT_PASSWORD, { iss: 'somebody-else' }),
      await mcToken('no-such-key', ROOT_PASSWORD),
      'not.a.jwt',
    ];
    for (const token of refused) {
      const res = await bearerScrape(token);
      expect([res.status, /<Code>AccessDenied<\/Code>/.test(res.body)]).toEqual([403, true]);
      expect(res.body).not.toContain('tessera_s3_requests_total');
    }
    const s = await scrapeUntil(
      (s) =>
        total(s, 'tessera_auth_failures_total', { reason: 'ExpiredToken' }) >= 1 &&
        total(s, 'tessera_auth_failures_total', { reason: 'InvalidAccessKeyId' }) >= 1,
    );
    expect(total(s, 'tessera_auth_failures_total', { reason: 'ExpiredToken' })).toBe(1);
    expect(total(s, 'tessera_auth_failures_total', { reason: 'InvalidAccessKeyId' })).toBe(1);
    expect(
      total(s, 'tessera_auth_failures_total', { reason: 'SignatureDoesNotMatch' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('other metrics paths are NotImplemented', async () => {
    for (const path of ['/minio/v2/metrics/bucket', '/minio/metrics/v3/system']) {
      const res = await rawRequest(server.port, { method: 'GET', path });
      expect([path, res.status, errorCode(res)]).toEqual([path, 501, 'NotImplemented']);
    }
  });
});

describe('readiness follows the storage', () => {
  it('ready and cluster are 503 while the blob folder is gone, 200 once it is back', async () => {
    const blobs = join(server.dataDir, '.tessera', 'blobs');
    renameSync(blobs, `${blobs}.away`);
    try {
      for (const path of ['/minio/health/ready', '/minio/health/cluster']) {
        const res = await fetch(`${server.endpoint}${path}`);
        expect([path, res.status]).toEqual([path, 503]);
      }
      expect((await fetch(`${server.endpoint}/minio/health/live`)).status).toBe(200);
    } finally {
      renameSync(`${blobs}.away`, blobs);
    }
    expect((await fetch(`${server.endpoint}/minio/health/ready`)).status).toBe(200);
  });
});

describe('public metrics', () => {
  it("shows each audit target's queue, drops and deliveries as MinIO's minio_audit_* series", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-metrics-'));
    const audited = await startServer({
      workers: 1,
      env: { MINIO_PROMETHEUS_AUTH_TYPE: 'public', TESSERA_AUDIT_FILE: dir },
    });
    try {
      const s3 = s3Client(audited);
      for (let i = 0; i < 5; i++) await s3.send(new ListObjectsV2Command({ Bucket: 'nope' })).catch(() => {});
      // Delivered lines grow as the file target drains; poll rather than time it.
      let samples: Sample[] = [];
      for (let tries = 0; tries < 100; tries++) {
        samples = parse(await (await fetch(`${audited.endpoint}/minio/v2/metrics/node`)).text());
        if (total(samples, 'minio_audit_total_messages', { target_id: 'file' }) >= 5) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(total(samples, 'minio_audit_total_messages', { target_id: 'file' })).toBeGreaterThanOrEqual(5);
      expect(
        samples.some((x) => x.name === 'minio_audit_target_queue_length' && x.labels.target_id === 'file'),
      ).toBe(true);
      expect(total(samples, 'minio_audit_failed_messages', { target_id: 'file' })).toBe(0);
      // Without an audit target there are no audit series.
      const plainSamples = parse((await scrape('node', prom)).body);
      expect(plainSamples.some((x) => x.name.startsWith('minio_audit_'))).toBe(false);
    } finally {
      await audited.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('MINIO_PROMETHEUS_AUTH_TYPE=public (alias of TESSERA_PROMETHEUS_AUTH_TYPE) lets anyone scrape', async () => {
    const open = await startServer({ workers: 1, env: { MINIO_PROMETHEUS_AUTH_TYPE: 'public' } });
    try {
      for (const scope of ['cluster', 'node']) {
        const res = await fetch(`${open.endpoint}/minio/v2/metrics/${scope}`);
        expect([scope, res.status]).toEqual([scope, 200]);
        expect(await res.text()).toContain('# TYPE tessera_s3_requests_total counter');
      }
    } finally {
      await open.stop();
    }
  });
});
