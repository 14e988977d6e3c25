import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamQuery, xmlValue } from './helpers/iam.js';
import { MAIN, ROOT_PASSWORD, type RunningServer, s3Client, startServer } from './helpers/server.js';

const run = promisify(execFile);

interface Change {
  action: string;
  target: { type: string; name?: string; arn?: string };
  parameters?: Record<string, unknown>;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  issued?: Record<string, unknown>;
}

interface Entry {
  type?: string;
  deploymentid?: string;
  requestID: string;
  api: {
    name: string;
    bucket?: string;
    object?: string;
    statusCode: number;
    errorCode?: string;
    timeToFirstByte?: string;
    timeToFirstByteInNS?: string;
    timeToResponseInNS?: string;
  };
  change?: Change;
  accessKey?: string;
  auth: {
    kind?: string;
    accessKey?: string;
    principalType: string;
    principalArn?: string;
    outcome: string;
    failureReason?: string;
    sessionId?: string;
  };
  authz: {
    decision: string;
    reason?: string;
    statements?: { policy: string; index: number; sid?: string; effect: string }[];
  };
  requestQuery: Record<string, string>;
  requestHeader: Record<string, string>;
}

let server: RunningServer;
const auditDir = mkdtempSync(join(tmpdir(), 'tessera-audit-it-'));
/**
 * A controllable clock for the server: a module preloaded into its processes (NODE_OPTIONS)
 * adds the number of milliseconds in `clockFile` to Date.now(), re-read every 50 ms.
 */
const clockDir = mkdtempSync(join(tmpdir(), 'tessera-audit-clock-'));
const clockFile = join(clockDir, 'offset');
const clockModule = join(clockDir, 'clock.mjs');
writeFileSync(clockFile, '0');
writeFileSync(
  clockModule,
  `import { readFileSync } from 'node:fs';
const real = Date.now.bind(Date);
let offset = 0;
const read = () => { try { offset = Number(readFileSync(${JSON.stringify(clockFile)}, 'utf8')) || 0; } catch {} };
read();
setInterval(read, 50).unref();
Date.now = () => real() + offset;
`,
);

async function shiftServerClock(ms: number): Promise<void> {
  writeFileSync(clockFile, String(ms));
  await new Promise((r) => setTimeout(r, 400));
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const secrets: string[] = [ROOT_PASSWORD];
const ids: Record<string, string> = {};
let userKey = '';

function files(dir = auditDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(dir, f));
}

function entries(): Entry[] {
  return files()
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Entry)
    .filter((e) => e.type === undefined);
}

async function entryOf(requestId: string): Promise<Entry> {
  for (let i = 0; i < 100; i++) {
    const e = entries().find((x) => x.requestID === requestId);
    if (e !== undefined) return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit entry for request ${requestId}`);
}

async function failedId(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: { $metadata?: { requestId?: string } }) => e.$metadata!.requestId!,
  );
}

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, [MAIN, ...args]);
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

beforeAll(async () => {
  server = await startServer({
    workers: 2,
    keepData: true,
    env: {
      TESSERA_AUDIT_FILE: auditDir,
      TESSERA_AUDIT_CHECKPOINT_EVERY: '5',
      TESSERA_LOG_REQUESTS: 'on',
      NODE_OPTIONS: `--import ${clockModule}`,
    },
  });
  const root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: 'audited' }));
  await root.send(new CreateBucketCommand({ Bucket: 'elsewhere' }));
  await root.send(new PutObjectCommand({ Bucket: 'audited', Key: 'public.txt', Body: 'hello' }));
  await root.send(new PutObjectCommand({ Bucket: 'audited', Key: 'secret/x.txt', Body: 'classified' }));
  await root.send(
    new PutBucketPolicyCommand({
      Bucket: 'audited',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PublicFolder',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::audited/pub/*',
          },
        ],
      }),
    }),
  );
  await root.send(new PutObjectCommand({ Bucket: 'audited', Key: 'pub/open.txt', Body: 'open' }));
  await root.send(new PutObjectCommand({ Bucket: 'elsewhere', Key: 'group.txt', Body: 'for the group' }));
  await root.send(new PutObjectCommand({ Bucket: 'elsewhere', Key: 'managed.txt', Body: 'for the user' }));
  root.destroy();
  await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'auditee' });
  const key = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: 'auditee' });
  await iamQuery(server.endpoint, {
    Action: 'PutUserPolicy',
    UserName: 'auditee',
    PolicyName: 'audited-rw',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Everything',
          Effect: 'Allow',
          Action: 's3:*',
          Resource: ['arn:aws:s3:::audited', 'arn:aws:s3:::audited/*'],
        },
        {
          Sid: 'NoSecrets',
          Effect: 'Deny',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::audited/secret/*',
        },
      ],
    }),
  });
  const accessKeyId = xmlValue(key, 'AccessKeyId')!;
  userKey = accessKeyId;
  const secretAccessKey = xmlValue(key, 'SecretAccessKey')!;
  const wrongSecret = 'wrong-secret-for-the-audit-test-0987';
  secrets.push(secretAccessKey, wrongSecret);
  const client = (id: string, secret: string): S3Client =>
    s3Client(server, { credentials: { accessKeyId: id, secretAccessKey: secret }, maxAttempts: 1 });

  const user = client(accessKeyId, secretAccessKey);
  const ok = await user.send(new GetObjectCommand({ Bucket: 'audited', Key: 'public.txt' }));
  await ok.Body?.transformToString();
  ids.allowed = ok.$metadata.requestId!;
  ids.explicitDeny = await failedId(
    user.send(new GetObjectCommand({ Bucket: 'audited', Key: 'secret/x.txt' })),
  );
  ids.implicitDeny = await failedId(user.send(new ListObjectsV2Command({ Bucket: 'elsewhere' })));
  // A presigned URL: its signature must not reach any log.
  const url = await getSignedUrl(user, new GetObjectCommand({ Bucket: 'audited', Key: 'public.txt' }), {
    expiresIn: 300,
  });
  secrets.push(new URL(url).searchParams.get('X-Amz-Signature')!);
  const presigned = await fetch(url);
  await presigned.text();
  ids.presigned = presigned.headers.get('x-amz-request-id')!;
  user.destroy();

  const expired = await getSignedUrl(user, new GetObjectCommand({ Bucket: 'audited', Key: 'public.txt' }), {
    expiresIn: 60,
    signingDate: new Date(Date.now() - 3_600_000),
  });
  const expiredAnswer = await fetch(expired);
  await expiredAnswer.text();
  ids.expired = expiredAnswer.headers.get('x-amz-request-id')!;
  const skewed = client(accessKeyId, secretAccessKey);
  skewed.config.systemClockOffset = -30 * 60_000;
  ids.skew = await failedId(skewed.send(new GetObjectCommand({ Bucket: 'audited', Key: 'public.txt' })));
  skewed.destroy();

  const anonymous = await fetch(`${server.endpoint}/audited/public.txt`);
  await anonymous.text();
  ids.anonymous = anonymous.headers.get('x-amz-request-id')!;
  const byBucketPolicy = await fetch(`${server.endpoint}/audited/pub/open.txt`);
  await byBucketPolicy.text();
  ids.bucketPolicy = byBucketPolicy.headers.get('x-amz-request-id')!;
  const token = 'made-up-session-token-for-the-audit-test';
  secrets.push(token);
  const withToken = await fetch(`${url}&X-Amz-Security-Token=${token}`);
  await withToken.text();
  ids.token = withToken.headers.get('x-amz-request-id')!;

  const bad = client(accessKeyId, wrongSecret);
  ids.badSignature = await failedId(bad.send(new GetObjectCommand({ Bucket: 'audited', Key: 'public.txt' })));
  bad.destroy();
  const unknown = client('no-such-access-key', wrongSecret);
  ids.unknownKey = await failedId(
    unknown.send(new GetObjectCommand({ Bucket: 'audited', Key: 'public.txt' })),
  );
  unknown.destroy();
  await administrativeChanges(client);
}, 90_000);

const INLINE_1 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::elsewhere' }],
});
const INLINE_2 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::elsewhere'] }],
});
const SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*' }],
});

/** An IAM API call as root; its request id (from the answer's ResponseMetadata). */
async function iamId(params: Record<string, string>): Promise<string> {
  return xmlValue(await iamQuery(server.endpoint, params), 'RequestId')!;
}

/** A GET that may meet a worker whose cache has not yet seen a change (enforced within 1 s): retried. */
async function getAllowed(c: S3Client, bucket: string, key: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      const ok = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await ok.Body?.transformToString();
      return ok.$metadata.requestId!;
    } catch (e) {
      if (i >= 20) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Administrative changes through the IAM API (as the CLI makes them), STS issuance, and the
 * decisions they lead to: a group policy, a managed user policy, a session, an expired session.
 */
async function administrativeChanges(client: (id: string, secret: string) => S3Client): Promise<void> {
  ids.createUser = await iamId({ Action: 'CreateUser', UserName: 'changed' });
  const password = 'a-login-password-for-the-audit-test-4711';
  secrets.push(password);
  ids.loginProfile = await iamId({ Action: 'CreateLoginProfile', UserName: 'changed', Password: password });
  await iamQuery(server.endpoint, {
    Action: 'CreatePolicy',
    PolicyName: 'changed-read',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ManagedRead',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::elsewhere/managed.txt',
        },
      ],
    }),
  });
  ids.attach = await iamId({
    Action: 'AttachUserPolicy',
    UserName: 'changed',
    PolicyArn: 'arn:aws:iam:::policy/changed-read',
  });
  ids.put1 = await iamId({
    Action: 'PutUserPolicy',
    UserName: 'changed',
    PolicyName: 'inline-1',
    PolicyDocument: INLINE_1,
  });
  ids.put2 = await iamId({
    Action: 'PutUserPolicy',
    UserName: 'changed',
    PolicyName: 'inline-1',
    PolicyDocument: INLINE_2,
  });
  await iamQuery(server.endpoint, { Action: 'CreateGroup', GroupName: 'readers' });
  await iamQuery(server.endpoint, {
    Action: 'PutGroupPolicy',
    GroupName: 'readers',
    PolicyName: 'group-read',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GroupRead',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::elsewhere/group.txt',
        },
      ],
    }),
  });
  ids.addToGroup = await iamId({ Action: 'AddUserToGroup', GroupName: 'readers', UserName: 'changed' });
  const keyXml = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: 'changed' });
  ids.createKey = xmlValue(keyXml, 'RequestId')!;
  const key = {
    accessKeyId: xmlValue(keyXml, 'AccessKeyId')!,
    secretAccessKey: xmlValue(keyXml, 'SecretAccessKey')!,
  };
  ids.changedKey = key.accessKeyId;
  secrets.push(key.secretAccessKey);

  const changed = client(key.accessKeyId, key.secretAccessKey);
  ids.byGroup = await getAllowed(changed, 'elsewhere', 'group.txt');
  ids.byManaged = await getAllowed(changed, 'elsewhere', 'managed.txt');
  changed.destroy();

  const sts = new STSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: key,
    maxAttempts: 1,
  });
  const got = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  ids.getSessionToken = got.$metadata.requestId!;
  const session = {
    accessKeyId: got.Credentials!.AccessKeyId!,
    secretAccessKey: got.Credentials!.SecretAccessKey!,
    sessionToken: got.Credentials!.SessionToken!,
  };
  ids.sessionKey = session.accessKeyId;
  secrets.push(session.secretAccessKey, session.sessionToken);
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::000000000000:role/any',
      RoleSessionName: 'audit-it',
      Policy: SESSION_POLICY,
    }),
  );
  ids.assumeRole = assumed.$metadata.requestId!;
  secrets.push(assumed.Credentials!.SecretAccessKey!, assumed.Credentials!.SessionToken!);
  sts.destroy();

  const asSession = s3Client(server, { credentials: session, maxAttempts: 1 });
  ids.bySession = await getAllowed(asSession, 'elsewhere', 'group.txt');
  asSession.destroy();
  // The session lives 900 s: move the server's clock (and the client's, for SigV4's skew check) past it.
  const later = 1000 * 1000;
  await shiftServerClock(later);
  try {
    const expired = s3Client(server, { credentials: session, maxAttempts: 1 });
    expired.config.systemClockOffset = later;
    ids.expiredToken = await failedId(
      expired.send(new GetObjectCommand({ Bucket: 'elsewhere', Key: 'group.txt' })),
    );
    expired.destroy();
  } finally {
    await shiftServerClock(0);
  }
}

afterAll(async () => {
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
  rmSync(auditDir, { recursive: true, force: true });
  rmSync(clockDir, { recursive: true, force: true });
});

describe('the audit trail (file target)', () => {
  it('records an allowed request with its deciding statement and principal', async () => {
    expect(await entryOf(ids.allowed!)).toMatchObject({
      api: { name: 'GetObject', bucket: 'audited', object: 'public.txt', statusCode: 200 },
      accessKey: userKey,
      parentUser: 'auditee',
      auth: {
        kind: 'sigv4-header',
        // CreateAccessKey gives the user an access key of its own: a service account.
        principalType: 'serviceAccount',
        parentUser: 'auditee',
        principalArn: 'arn:aws:iam:::user/auditee',
        outcome: 'success',
      },
      authz: { decision: 'allow', reason: 'allowed', statements: [{ sid: 'Everything', effect: 'Allow' }] },
    });
    expect(await entryOf(ids.presigned!)).toMatchObject({
      auth: { kind: 'sigv4-presigned' },
      requestQuery: { 'X-Amz-Signature': 'REDACTED' },
    });
  });

  it('records an explicit deny naming the statement, and an implicit deny', async () => {
    expect(await entryOf(ids.explicitDeny!)).toMatchObject({
      api: { name: 'GetObject', object: 'secret/x.txt', statusCode: 403, errorCode: 'AccessDenied' },
      authz: {
        decision: 'deny',
        reason: 'explicitDeny',
        statements: [
          { policy: expect.stringContaining('audited-rw'), index: 1, sid: 'NoSecrets', effect: 'Deny' },
        ],
      },
    });
    expect(await entryOf(ids.implicitDeny!)).toMatchObject({
      api: { name: 'ListObjectsV2', bucket: 'elsewhere', statusCode: 403 },
      authz: { decision: 'deny', reason: 'implicitDeny' },
    });
  });

  it('records an anonymous denial', async () => {
    expect(await entryOf(ids.anonymous!)).toMatchObject({
      api: { name: 'GetObject', statusCode: 403 },
      auth: { kind: 'anonymous', principalType: 'anonymous', outcome: 'anonymous' },
      authz: { decision: 'deny', reason: 'anonymous-denied' },
    });
  });

  it('records an anonymous request allowed by the bucket policy, naming its statement', async () => {
    expect(await entryOf(ids.bucketPolicy!)).toMatchObject({
      api: { name: 'GetObject', object: 'pub/open.txt', statusCode: 200 },
      auth: { kind: 'anonymous', outcome: 'anonymous' },
      authz: {
        decision: 'allow',
        reason: 'allowed',
        statements: [{ policy: expect.stringContaining('audited'), sid: 'PublicFolder', effect: 'Allow' }],
      },
    });
  });

  it('records an expired presigned URL and a skewed clock (by how much)', async () => {
    expect(await entryOf(ids.expired!)).toMatchObject({
      api: { statusCode: 403, errorCode: 'AccessDenied' },
      auth: { accessKey: userKey, outcome: 'failure', failureReason: 'expired' },
    });
    const skew = await entryOf(ids.skew!);
    expect(skew.auth).toMatchObject({ outcome: 'failure', failureReason: 'clock-skew' });
    expect((skew.auth as { skewMs?: number }).skewMs).toBeLessThan(-20 * 60_000);
  });

  it('records failed authentication: bad signature, unknown key, bad token — with the key claimed', async () => {
    expect(await entryOf(ids.badSignature!)).toMatchObject({
      api: { statusCode: 403, errorCode: 'SignatureDoesNotMatch' },
      auth: { accessKey: userKey, outcome: 'failure', failureReason: 'bad-signature' },
      authz: { decision: 'none' },
    });
    expect(await entryOf(ids.unknownKey!)).toMatchObject({
      api: { statusCode: 403, errorCode: 'InvalidAccessKeyId' },
      auth: { accessKey: 'no-such-access-key', outcome: 'failure', failureReason: 'unknown-key' },
    });
    const token = await entryOf(ids.token!);
    expect(token.auth.outcome).toBe('failure');
    expect(token.requestQuery['X-Amz-Security-Token']).toBe('REDACTED');
  });

  it('`tessera audit query` filters and explains denials', async () => {
    const denied = await cli(
      'audit',
      'query',
      auditDir,
      '--principal',
      'auditee',
      '--decision',
      'deny',
      '--json',
    );
    expect(denied.code).toBe(0);
    const got = denied.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry);
    expect(got.map((e) => e.requestID).sort()).toEqual([ids.explicitDeny, ids.implicitDeny].sort());
    const explained = await cli('audit', 'query', auditDir, '--reason', 'explicitDeny', '--explain');
    expect(explained.out).toContain('Deny by');
    expect(explained.out).toContain('(Sid NoSecrets)');
    const table = await cli('audit', 'query', auditDir, '--principal', userKey, '--reason', 'bad-signature');
    expect(table.out.split('\n')[0]).toMatch(/^TIME\s+PRINCIPAL\s+API/);
    expect(table.out).toContain('bad-signature');
  });

  it('records decisions by a group policy, a managed user policy and an inline user policy, naming the statement', async () => {
    expect(await entryOf(ids.byGroup!)).toMatchObject({
      api: { name: 'GetObject', bucket: 'elsewhere', object: 'group.txt', statusCode: 200 },
      auth: { principalType: 'serviceAccount', parentUser: 'changed', groups: ['readers'] },
      authz: {
        decision: 'allow',
        reason: 'allowed',
        statements: [{ policy: 'group/readers/group-read', index: 0, sid: 'GroupRead', effect: 'Allow' }],
      },
    });
    expect(await entryOf(ids.byManaged!)).toMatchObject({
      api: { object: 'managed.txt', statusCode: 200 },
      authz: { decision: 'allow', statements: [{ policy: 'changed-read', index: 0, sid: 'ManagedRead' }] },
    });
    expect(await entryOf(ids.allowed!)).toMatchObject({
      authz: {
        decision: 'allow',
        statements: [{ policy: 'user/auditee/audited-rw', index: 0, sid: 'Everything' }],
      },
    });
  });

  it('records a request with temporary credentials (its session) and an expired session token', async () => {
    const issued = (await entryOf(ids.getSessionToken!)).change!.issued!;
    expect(await entryOf(ids.bySession!)).toMatchObject({
      api: { statusCode: 200 },
      accessKey: ids.sessionKey,
      auth: { principalType: 'session', sessionId: issued.sessionId, outcome: 'success' },
      authz: { decision: 'allow', statements: [{ policy: 'group/readers/group-read' }] },
    });
    expect(await entryOf(ids.expiredToken!)).toMatchObject({
      api: { statusCode: 400, errorCode: 'ExpiredToken' },
      auth: { accessKey: ids.sessionKey, outcome: 'failure', failureReason: 'expired-token' },
      authz: { decision: 'none' },
    });
  });

  it('records what administrative calls changed: CreateUser, CreateLoginProfile, AttachUserPolicy, PutUserPolicy, AddUserToGroup, CreateAccessKey', async () => {
    const create = await entryOf(ids.createUser!);
    expect(create).toMatchObject({
      api: { name: 'CreateUser', statusCode: 200 },
      auth: { principalType: 'root' },
      change: {
        action: 'CreateUser',
        target: { type: 'user', name: 'changed', arn: 'arn:aws:iam:::user/changed' },
        parameters: { UserName: 'changed' },
        after: {
          status: 'enabled',
          groups: [],
          attachedPolicies: [],
          inlinePolicies: [],
          loginProfile: false,
        },
      },
    });
    expect(create.change!.before).toBeUndefined();
    const profile = (await entryOf(ids.loginProfile!)).change!;
    expect(profile).toMatchObject({ before: { loginProfile: false }, after: { loginProfile: true } });
    expect(profile.parameters).not.toHaveProperty('Password');
    expect((await entryOf(ids.attach!)).change).toMatchObject({
      action: 'AttachUserPolicy',
      target: { type: 'user', name: 'changed' },
      parameters: { PolicyArn: 'arn:aws:iam:::policy/changed-read' },
      before: { attachedPolicies: [] },
      after: { attachedPolicies: ['changed-read'] },
    });
    const digest = (doc: string) => ({ sha256: sha256(doc), size: Buffer.byteLength(doc) });
    expect((await entryOf(ids.put1!)).change).toMatchObject({
      action: 'PutUserPolicy',
      parameters: { PolicyName: 'inline-1', PolicyDocument: digest(INLINE_1) },
      before: { inlinePolicies: [] },
      after: { inlinePolicies: [{ name: 'inline-1', ...digest(INLINE_1) }] },
    });
    expect((await entryOf(ids.put2!)).change).toMatchObject({
      before: { inlinePolicies: [{ name: 'inline-1', ...digest(INLINE_1) }] },
      after: { inlinePolicies: [{ name: 'inline-1', ...digest(INLINE_2) }] },
    });
    expect((await entryOf(ids.addToGroup!)).change).toMatchObject({
      action: 'AddUserToGroup',
      target: { type: 'group', name: 'readers' },
      parameters: { UserName: 'changed', GroupName: 'readers' },
      before: { members: [] },
      after: { members: ['changed'] },
    });
    expect((await entryOf(ids.createKey!)).change).toMatchObject({
      action: 'CreateAccessKey',
      target: { type: 'user', name: 'changed' },
      after: { accessKeyId: ids.changedKey },
    });
  });

  it('records STS issuance: session id, temporary key id, parent, role, expiration, session policy digest', async () => {
    const got = await entryOf(ids.getSessionToken!);
    expect(got).toMatchObject({
      api: { name: 'GetSessionToken', statusCode: 200 },
      change: {
        action: 'GetSessionToken',
        target: { type: 'session' },
        issued: {
          accessKeyId: ids.sessionKey,
          parent: 'arn:aws:iam:::user/changed',
          parentAccessKey: ids.changedKey,
          expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      },
    });
    expect(got.change!.target.name).toBe(got.change!.issued!.sessionId);
    expect((await entryOf(ids.assumeRole!)).change).toMatchObject({
      action: 'AssumeRole',
      issued: {
        roleArn: 'arn:aws:iam::000000000000:role/any',
        sessionName: 'audit-it',
        sessionPolicy: { sha256: sha256(SESSION_POLICY), size: SESSION_POLICY.length },
      },
    });
  });

  it('gives every entry the deployment id kept in the data directory, and the time to first byte', async () => {
    const id = readFileSync(join(server.dataDir, '.tessera', 'deployment-id'), 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await entryOf(ids.expiredToken!);
    const all = entries();
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((e) => e.deploymentid !== id)).toEqual([]);
    const get = await entryOf(ids.allowed!);
    expect(get.api.timeToFirstByte).toMatch(/^[\d.]+(µs|ms|s)$/);
    expect(Number(get.api.timeToFirstByteInNS)).toBeGreaterThan(0);
    // Every answer has a head, errors too; it goes out before the response ends.
    for (const e of all.filter((x) => x.api?.statusCode !== undefined)) {
      expect(Number(e.api.timeToFirstByteInNS), `${e.api.name} ${e.api.statusCode}`).toBeGreaterThan(0);
      expect(Number(e.api.timeToFirstByteInNS)).toBeLessThanOrEqual(Number(e.api.timeToResponseInNS));
    }
  });

  it('no secret reaches an audit file or the server output', async () => {
    await entryOf(ids.unknownKey!);
    await entryOf(ids.expiredToken!);
    const text = files()
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const s of secrets) {
      expect(text, 'audit files').not.toContain(s);
      expect(server.output(), 'server output').not.toContain(s);
    }
  });

  it('`tessera audit verify` accepts the files and detects an edited, a deleted and a swapped line', async () => {
    await entryOf(ids.unknownKey!);
    await server.stop();
    const verified = await cli('audit', 'verify', auditDir, '--data-dir', server.dataDir);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.out).toMatch(/^ok: \d+ entries, [1-9]\d* checkpoints\n/);
    expect(verified.out).not.toMatch(/not checked/);
    // Shutdown sealed every stream with a checkpoint.
    expect(verified.out).not.toMatch(/without a checkpoint/);

    const longest = files()
      .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').filter(Boolean) }))
      .sort((a, b) => b.lines.length - a.lines.length)[0]!;
    expect(longest.lines.length).toBeGreaterThan(4);
    const tampered = mkdtempSync(join(tmpdir(), 'tessera-audit-tampered-'));
    const attempt = async (name: string, lines: string[]) => {
      const p = join(tampered, `${name}.jsonl`);
      writeFileSync(p, `${lines.join('\n')}\n`);
      return cli('audit', 'verify', p);
    };
    const untouched = await attempt('untouched', longest.lines);
    expect(untouched.code).toBe(0);
    const edited = [...longest.lines];
    edited[1] = edited[1]!.replace(/"statusCode":\d+/, '"statusCode":299');
    const swapped = [...longest.lines];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    for (const [name, lines] of [
      ['edited', edited],
      ['deleted', longest.lines.filter((_, i) => i !== 2)],
      ['swapped', swapped],
    ] as const) {
      const r = await attempt(name, [...lines]);
      expect(r.code, name).toBe(1);
      expect(r.out, name).toMatch(new RegExp(`${name}\\.jsonl:\\d+: `));
    }
    rmSync(tampered, { recursive: true, force: true });
  });
});
