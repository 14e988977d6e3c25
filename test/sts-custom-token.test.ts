import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmlValue } from './helpers/iam.js';
import {
  freePort,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

/**
 * AssumeRoleWithCustomToken (docs/plugins.md) against the real server (two workers) and an
 * identity plugin served by this test (node:http) that speaks MinIO's protocol: `POST
 * <url>?token=…` with the configured Authorization, 200 `{user, maxValiditySeconds, claims}` or
 * 403 `{reason}`. The credentials it returns are used with @aws-sdk/client-s3.
 */
const AUTH = 'Bearer plugin-shared-secret';
const BUCKET = 'plugin-data';
const ROLE_ARN = 'arn:minio:iam:::role/idmp-test-plugin';

interface Seen {
  method: string;
  path: string;
  token: string | null;
  other: string | null;
  authorization: string | undefined;
}

let plugin: Server;
let pluginPort: number;
const seen: Seen[] = [];
let server: RunningServer;
const auditDir = mkdtempSync(join(tmpdir(), 'tessera-custom-token-audit-'));

/** The plugin's behaviour, by token. */
function answer(req: IncomingMessage, res: ServerResponse): undefined {
  const url = new URL(req.url ?? '/', 'http://plugin');
  const token = url.searchParams.get('token');
  seen.push({
    method: req.method ?? '',
    path: url.pathname,
    token,
    other: url.searchParams.get('x'),
    authorization: req.headers.authorization,
  });
  const json = (status: number, body: unknown): undefined => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  if (req.headers.authorization !== AUTH) return json(401, { reason: 'bad plugin credentials' });
  switch (token) {
    case 'alice-token':
      return json(200, {
        user: 'alice',
        maxValiditySeconds: 3600,
        claims: { team: 'data', exp: 1, sub: 'ignored', level: 3 },
      });
    case 'short-token':
      return json(200, { user: 'bob', maxValiditySeconds: 900, claims: {} });
    case 'revoked-token':
      return json(403, { reason: 'token revoked at 12:00' });
    case 'garbage-token':
      return json(200, '{"user": "alice", "maxValid');
    case 'no-validity-token':
      return json(200, { user: 'alice' });
    case 'error-token':
      return json(500, { reason: 'boom' });
    case 'slow-token':
      // Longer than the server's plugin timeout (500 ms).
      setTimeout(() => json(200, { user: 'slow', maxValiditySeconds: 3600 }), 3000).unref();
      return;
    case 'reset-token':
      req.socket.destroy();
      return;
    default:
      return json(403, { reason: 'unknown token' });
  }
}

interface StsAnswer {
  status: number;
  requestId: string;
  code?: string | undefined;
  message?: string | undefined;
  body: string;
}

/** AssumeRoleWithCustomToken as MinIO's docs show it: an unsigned POST with the parameters in the query. */
async function customToken(endpoint: string, params: Record<string, string>): Promise<StsAnswer> {
  const query = new URLSearchParams({
    Action: 'AssumeRoleWithCustomToken',
    Version: '2011-06-15',
    RoleArn: ROLE_ARN,
    ...params,
  });
  const res = await fetch(`${endpoint}/?${query}`, { method: 'POST' });
  const body = await res.text();
  return {
    status: res.status,
    requestId: res.headers.get('x-amz-request-id') ?? '',
    code: xmlValue(body, 'Code'),
    message: xmlValue(body, 'Message'),
    body,
  };
}

function clientWith(body: string): S3Client {
  return s3Client(server, {
    credentials: {
      accessKeyId: xmlValue(body, 'AccessKeyId')!,
      secretAccessKey: xmlValue(body, 'SecretAccessKey')!,
      sessionToken: xmlValue(body, 'SessionToken')!,
    },
  });
}

function auditEntries(): { requestID: string; api: { name: string }; auth: Record<string, unknown> }[] {
  return readdirSync(auditDir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(auditDir, f), 'utf8').split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === undefined);
}

async function auditOf(requestId: string) {
  for (let i = 0; i < 100; i++) {
    const e = auditEntries().find((x) => x.requestID === requestId);
    if (e !== undefined) return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit entry for ${requestId}`);
}

beforeAll(async () => {
  plugin = createServer(answer);
  await new Promise<void>((res) => plugin.listen(0, '127.0.0.1', () => res()));
  pluginPort = (plugin.address() as { port: number }).port;
  server = await startServer({
    env: {
      // The URL's own query is kept; the token is added to it.
      TESSERA_IDENTITY_PLUGIN_URL: `http://127.0.0.1:${pluginPort}/auth?x=1`,
      MINIO_IDENTITY_PLUGIN_AUTH_TOKEN: AUTH,
      MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'missing-policy, plugin-read',
      MINIO_IDENTITY_PLUGIN_ROLE_ID: 'test-plugin',
      MINIO_IDENTITY_PLUGIN_COMMENT: 'the test plugin',
      TESSERA_IDENTITY_PLUGIN_TIMEOUT: '500ms',
      TESSERA_AUDIT_FILE: auditDir,
    },
  });
  const root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'readme.txt', Body: 'hello plugin' }));
  const iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'plugin-read',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject'],
            Resource: [`arn:aws:s3:::${BUCKET}/*`],
            Condition: { StringEquals: { 'jwt:team': 'data' } },
          },
        ],
      }),
    }),
  );
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((res) => (plugin ? plugin.close(() => res()) : res()));
  rmSync(auditDir, { recursive: true, force: true });
});

describe('AssumeRoleWithCustomToken', () => {
  it('issues credentials for the user the plugin vouches for, with the role policy enforced on S3', async () => {
    seen.length = 0;
    const t0 = Date.now();
    const r = await customToken(server.endpoint, { Token: 'alice-token' });
    expect(r.status, r.body).toBe(200);
    expect(r.body).toContain(
      '<AssumeRoleWithCustomTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    );
    expect(r.body).toContain('<AssumeRoleWithCustomTokenResult>');
    expect(xmlValue(r.body, 'AssumedUser')).toBe('custom:alice');
    expect(xmlValue(r.body, 'AccessKeyId')).toMatch(/^ASIA[A-Z2-7]{16}$/);
    // Default 1 h, within the plugin's 3600 s.
    const expires = Date.parse(xmlValue(r.body, 'Expiration')!);
    expect(expires - t0).toBeGreaterThan(3590_000);
    expect(expires - t0).toBeLessThanOrEqual(3605_000);
    // MinIO's request: POST <url>?token=…, the auth token as Authorization, the URL's query kept.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      method: 'POST',
      path: '/auth',
      token: 'alice-token',
      other: '1',
      authorization: AUTH,
    });

    const s3 = clientWith(r.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'readme.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello plugin');
    // The role policy grants reads only (its condition tests the plugin's `team` claim).
    const put = await s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x.txt', Body: 'no' }))
      .catch((e: unknown) => e);
    expect(put).toBeInstanceOf(S3ServiceException);
    expect((put as S3ServiceException).name).toBe('AccessDenied');
    // The audit trail names the plugin's user.
    const id = got.$metadata.requestId!;
    const entry = await auditOf(id);
    expect(entry.auth.identitySource).toBe('plugin:alice');
    expect(entry.auth.principalType).toBe('session');
  });

  it('caps DurationSeconds at the plugin’s maxValiditySeconds, and keeps a shorter request', async () => {
    const t0 = Date.now();
    const capped = await customToken(server.endpoint, { Token: 'short-token', DurationSeconds: '3600' });
    expect(capped.status, capped.body).toBe(200);
    const e1 = Date.parse(xmlValue(capped.body, 'Expiration')!) - t0;
    expect(e1).toBeGreaterThan(890_000);
    expect(e1).toBeLessThanOrEqual(905_000);
    const shorter = await customToken(server.endpoint, { Token: 'alice-token', DurationSeconds: '1000' });
    expect(shorter.status).toBe(200);
    const e2 = Date.parse(xmlValue(shorter.body, 'Expiration')!) - t0;
    expect(e2).toBeGreaterThan(990_000);
    expect(e2).toBeLessThanOrEqual(1005_000);
  });

  it('answers AccessDenied with the plugin’s reason when the plugin rejects the token', async () => {
    const r = await customToken(server.endpoint, { Token: 'revoked-token' });
    expect(r.status).toBe(403);
    expect(r.code).toBe('AccessDenied');
    expect(r.message).toContain('token revoked at 12:00');
    // The audit entry says whose proof failed, and why.
    const entry = await auditOf(r.requestId);
    expect(entry.auth.identitySource).toBe('plugin');
    expect(entry.auth.failureReason).toBe('plugin-rejected');
  });

  it('answers IDPCommunicationError, in time, when the plugin is slow, resets, fails or answers garbage', async () => {
    for (const [token, words] of [
      ['slow-token', 'within 500 ms'],
      ['reset-token', 'could not be reached'],
      ['garbage-token', 'not JSON'],
      ['no-validity-token', 'maxValiditySeconds'],
      ['error-token', 'HTTP 500'],
    ] as const) {
      // The slow plugin would vouch for the token after 3 s: the answer is the 500 ms timeout's.
      const r = await customToken(server.endpoint, { Token: token });
      expect(r.status, token).toBe(400);
      expect(r.code, token).toBe('IDPCommunicationError');
      expect(r.message, token).toContain(words);
      if (token === 'slow-token')
        expect((await auditOf(r.requestId)).auth.failureReason).toBe('plugin-timeout');
    }
  });

  it('refuses a missing or empty token and a RoleArn that is not the plugin’s', async () => {
    const empty = await customToken(server.endpoint, { Token: '' });
    expect([empty.status, empty.code]).toEqual([400, 'InvalidParameterValue']);
    const wrongRole = await customToken(server.endpoint, {
      Token: 'alice-token',
      RoleArn: 'arn:minio:iam:::role/idmp-other',
    });
    expect([wrongRole.status, wrongRole.code]).toEqual([400, 'InvalidParameterValue']);
    // MinIO puts its region in the ARN: accepted.
    const regional = await customToken(server.endpoint, {
      Token: 'alice-token',
      RoleArn: 'arn:minio:iam:us-east-1::role/idmp-test-plugin',
    });
    expect(regional.status).toBe(200);
    const query = new URLSearchParams({ Action: 'AssumeRoleWithCustomToken', Version: '2011-06-15' });
    const missing = await fetch(`${server.endpoint}/?${query}`, { method: 'POST' });
    expect(missing.status).toBe(400);
    expect(xmlValue(await missing.text(), 'Code')).toBe('MissingParameter');
  });

  it('never writes the token into the server log or the audit trail', async () => {
    await customToken(server.endpoint, { Token: 'revoked-token' });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.output()).not.toContain('alice-token');
    expect(server.output()).not.toContain('revoked-token');
    const all = readdirSync(auditDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(auditDir, f), 'utf8'))
      .join('\n');
    expect(all).toContain('AssumeRoleWithCustomToken');
    expect(all).not.toContain('alice-token');
    expect(all).not.toContain('revoked-token');
  });
});

describe('AssumeRoleWithCustomToken with the plugin down', () => {
  it('answers IDPCommunicationError at once', async () => {
    const port = await freePort();
    const down = await startServer({
      workers: 1,
      env: {
        MINIO_IDENTITY_PLUGIN_URL: `http://127.0.0.1:${port}/`,
        MINIO_IDENTITY_PLUGIN_ROLE_POLICY: 'readonly',
        MINIO_IDENTITY_PLUGIN_ROLE_ID: 'test-plugin',
      },
    });
    try {
      const r = await customToken(down.endpoint, { Token: 'alice-token' });
      expect(r.status).toBe(400);
      expect(r.code).toBe('IDPCommunicationError');
      expect(r.message).toContain('could not be reached');
    } finally {
      await down.stop();
    }
  });

  it('is refused where no plugin is configured', async () => {
    const none = await startServer({ workers: 1 });
    try {
      const off = await customToken(none.endpoint, { Token: 'alice-token' });
      expect([off.status, off.code]).toEqual([400, 'InvalidParameterValue']);
    } finally {
      await none.stop();
    }
  });
});
