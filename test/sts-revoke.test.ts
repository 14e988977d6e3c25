import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  type Credentials,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamCall, xmlValue } from './helpers/iam.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

/**
 * Session revocation, issuance limits and just-in-time federated users (docs/sts.md, docs/openid.md)
 * against the real server (two workers), with @aws-sdk clients holding temporary credentials,
 * the built CLI, and the real `oidc-provider` in this process.
 */
const BUCKET = 'revoke-data';
let server: RunningServer;
let iam: IAMClient;
let dir: string;
let auditDir: string;

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const sts = (credentials?: Keys) =>
  new STSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    ...(credentials ? { credentials } : {}),
  });

const temp = (c: Credentials | undefined): Keys => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException || e instanceof STSServiceException) return e.name;
    throw e;
  }
}

/** A GetObject with `keys` on a fresh client (a new connection: the cluster may hand it to any worker). */
async function get(keys: Keys, s = server): Promise<string> {
  const client = s3Client(s, { credentials: keys, maxAttempts: 1 });
  try {
    return await outcome(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' })));
  } finally {
    client.destroy();
  }
}

/**
 * Polls until `rounds` fresh-connection GETs in a row answer `want`, then asserts it: a change
 * reaches every worker within about a second; the deadline only bounds the wait.
 */
async function everywhere(keys: Keys, want: string, rounds = 8): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got: string[] = [];
  for (;;) {
    got = [];
    for (let i = 0; i < rounds; i++) got.push(await get(keys));
    if (got.every((g) => g === want) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(got).toEqual(Array(rounds).fill(want));
}

/** A user allowed everything on the bucket, and an access key of it. */
async function user(name: string, extra: object[] = []): Promise<Keys> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: name,
      PolicyName: 'bucket',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:*',
            Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          },
          ...extra,
        ],
      }),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

const sessionOf = async (keys: Keys) =>
  temp((await sts(keys).send(new GetSessionTokenCommand({}))).Credentials);

function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
    });
  });
}

function auditEntries(): { auth?: { accessKey?: string; outcome?: string; failureReason?: string } }[] {
  return readdirSync(auditDir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(auditDir, f), 'utf8').split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

// --- the in-process OpenID provider (as test/sts-openid.test.ts) ---
let http: Server;
let issuer = '';
let handler: RequestListener;

async function startProvider(): Promise<void> {
  http = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const name = 'oidc-provider';
  const { default: Provider } = await import(name);
  const p = new Provider(issuer, {
    clients: [
      {
        client_id: 'reader',
        client_secret: 'reader-secret-0123456789',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:tessera',
        getResourceServerInfo: () => ({
          scope: 's3',
          audience: 'tessera',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { ClientCredentials: 600 },
    extraTokenClaims: async () => ({ policy: 'readonly', preferred_username: 'reader-bot' }),
  });
  handler = p.callback();
}

async function webToken(): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'reader',
      client_secret: 'reader-secret-0123456789',
      scope: 's3',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const federated = async () =>
  temp(
    (
      await sts().send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/any',
          RoleSessionName: 'jit',
          WebIdentityToken: await webToken(),
        }),
      )
    ).Credentials,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-revoke-'));
  auditDir = join(dir, 'audit');
  await startProvider();
  server = await startServer({
    workers: 2,
    env: {
      TESSERA_AUDIT_FILE: auditDir,
      MINIO_IDENTITY_OPENID_CONFIG_URL: `${issuer}/.well-known/openid-configuration`,
      MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera',
    },
  });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  const root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'words' }));
  root.destroy();
  const set = await tessera(['alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD]);
  expect(set.code).toBe(0);
}, 60_000);

afterAll(async () => {
  iam?.destroy();
  await server?.stop();
  await new Promise((r) => http?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('revocation', () => {
  it('tessera admin sts revoke: the user’s sessions stop on every worker; new ones work', async () => {
    const alice = await user('alice');
    const s1 = await sessionOf(alice);
    await everywhere(s1, 'ok');
    const r = await tessera(['admin', 'sts', 'revoke', 'local', 'alice']);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/Revoked the sessions of alice/);
    await everywhere(s1, 'AccessDenied');
    // The long-term key still works, and a session asked for afterwards too.
    expect(await get(alice)).toBe('ok');
    await everywhere(await sessionOf(alice), 'ok');
    // The audit entry of a revoked session's request says so.
    const entry = auditEntries().find(
      (e) => e.auth?.accessKey === s1.accessKeyId && e.auth.outcome === 'failure',
    );
    expect(entry?.auth?.failureReason).toBe('revoked');
  });

  it('RevokeSessions with SessionId: that session stops, another of the same user stays valid', async () => {
    const bob = await user('bob');
    const [s1, s2] = [await sessionOf(bob), await sessionOf(bob)];
    const res = await iamCall(server.endpoint, {
      Action: 'RevokeSessions',
      UserName: 'bob',
      SessionId: s1.accessKeyId,
    });
    expect(res.status).toBe(200);
    expect(xmlValue(res.body, 'SessionId')).toBe(s1.accessKeyId);
    await everywhere(s1, 'AccessDenied');
    await everywhere(s2, 'ok');
    const cli = await tessera([
      'admin',
      'sts',
      'revoke',
      'local',
      'bob',
      '--session',
      s2.accessKeyId,
      '--json',
    ]);
    expect(cli.err).toBe('');
    expect(JSON.parse(cli.out)).toMatchObject({ UserName: 'bob', session: s2.accessKeyId });
    await everywhere(s2, 'AccessDenied');
  });

  it('needs iam:RevokeSessions (or admin:DisableUser); names one target; unknown users are NoSuchEntity', async () => {
    const carol = await user('carol');
    const as = (p: Record<string, string>) =>
      iamCall(server.endpoint, { Action: 'RevokeSessions', ...p }, carol);
    expect((await as({ UserName: 'alice' })).code).toBe('AccessDenied');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'carol',
        PolicyName: 'revoke',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iam:RevokeSessions', Resource: 'arn:aws:iam:::user/carol' },
          ],
        }),
      }),
    );
    const own = await sessionOf(carol);
    await everywhere(own, 'ok');
    // The policy reaches the other worker within about a second (the change feed).
    const deadline = Date.now() + 10_000;
    let status = (await as({ AccessKeyId: carol.accessKeyId })).status;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await as({ AccessKeyId: carol.accessKeyId })).status;
    }
    expect(status).toBe(200);
    await everywhere(own, 'AccessDenied');
    expect((await as({ UserName: 'alice' })).code).toBe('AccessDenied');
    expect((await iamCall(server.endpoint, { Action: 'RevokeSessions' })).code).toBe('ValidationError');
    expect((await iamCall(server.endpoint, { Action: 'RevokeSessions', UserName: 'nobody' })).code).toBe(
      'NoSuchEntity',
    );
  });

  it('an explicit Deny of sts:GetSessionToken / sts:AssumeRole in the user’s policy refuses them', async () => {
    const dave = await user('dave', [
      { Effect: 'Deny', Action: ['sts:GetSessionToken', 'sts:AssumeRole*'], Resource: '*' },
    ]);
    expect(await outcome(sts(dave).send(new GetSessionTokenCommand({})))).toBe('AccessDenied');
    expect(
      await outcome(
        sts(dave).send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::000000000000:role/x',
            RoleSessionName: 'dave-session',
          }),
        ),
      ),
    ).toBe('AccessDenied');
  });
});

describe('just-in-time federated users', () => {
  it('appear after the first login, take attached policies and access keys, and can be revoked', async () => {
    const first = await federated();
    expect(await get(first)).toBe('ok'); // readonly, from the claims
    const { Users } = await iam.send(new ListUsersCommand({}));
    expect(Users?.map((u) => u.UserName)).toContain('default.reader');
    const { User } = await iam.send(new GetUserCommand({ UserName: 'default.reader' }));
    const tags = Object.fromEntries((User?.Tags ?? []).map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({
      'tessera:federated-source': 'openid:default',
      'tessera:federated-issuer': issuer,
      'tessera:federated-subject': 'reader',
      'tessera:federated-name': 'reader-bot',
    });
    const listed = await tessera(['admin', 'user', 'list', 'local', '--json']);
    expect(JSON.parse(listed.out).map((u: { name: string }) => u.name)).toContain('default.reader');

    // A policy attached to the federated user applies to its sessions besides the claimed ones.
    const put = (keys: Keys) =>
      outcome(
        s3Client(server, { credentials: keys, maxAttempts: 1 }).send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'fed.txt', Body: 'x' }),
        ),
      );
    expect(await put(first)).toBe('AccessDenied');
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'fed-writer',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
        }),
      }),
    );
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'default.reader', PolicyArn: policy.Policy!.Arn! }),
    );
    const deadline = Date.now() + 10_000;
    let wrote = await put(first);
    while (wrote !== 'ok' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      wrote = await put(first);
    }
    expect(wrote).toBe('ok');

    // Service accounts for it: they act with its directory policies.
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'default.reader' }));
    expect(key.AccessKey?.AccessKeyId).toBeDefined();
    // It has no secret of its own, and cannot be given one.
    const profile = await iamCall(server.endpoint, {
      Action: 'CreateLoginProfile',
      UserName: 'default.reader',
      Password: 'a-secret-0123456789',
    });
    expect(profile.code).toBe('InvalidInput');

    // Revoking the federated user ends its sessions.
    const second = await federated();
    await everywhere(second, 'ok');
    expect((await tessera(['admin', 'sts', 'revoke', 'local', 'default.reader'])).code).toBe(0);
    await everywhere(second, 'AccessDenied');
    await everywhere(first, 'AccessDenied');

    // Disabling the federated user takes everything from its sessions, the claimed policies too;
    // enabling it gives them back.
    const third = await federated();
    await everywhere(third, 'ok');
    expect((await tessera(['admin', 'user', 'disable', 'local', 'default.reader'])).code).toBe(0);
    await everywhere(third, 'AccessDenied');
    expect((await tessera(['admin', 'user', 'enable', 'local', 'default.reader'])).code).toBe(0);
    await everywhere(third, 'ok');
  });
});

describe('issuance limits', () => {
  async function limited(env: Record<string, string>) {
    const s = await startServer({ workers: 0, env });
    const admin = new IAMClient({
      endpoint: s.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    await admin.send(new CreateUserCommand({ UserName: 'eve' }));
    const k = (await admin.send(new CreateAccessKeyCommand({ UserName: 'eve' }))).AccessKey!;
    admin.destroy();
    const client = new STSClient({
      endpoint: s.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! },
    });
    const ask = async () => {
      try {
        await client.send(new GetSessionTokenCommand({}));
        return 'ok';
      } catch (e) {
        const err = e as STSServiceException;
        return `${err.name} ${err.$metadata.httpStatusCode} ${err.message}`;
      }
    };
    const close = async () => {
      client.destroy();
      await s.stop();
    };
    return { s, ask, close };
  }

  it('a rate per principal (token bucket): past the burst, Throttling 400 "Rate exceeded"', async () => {
    const { ask, close } = await limited({ TESSERA_STS_RATE_LIMIT: '0.001', TESSERA_STS_RATE_BURST: '2' });
    try {
      expect([await ask(), await ask(), await ask()]).toEqual(['ok', 'ok', 'Throttling 400 Rate exceeded']);
    } finally {
      await close();
    }
  });

  it('a cap on live sessions per principal: Throttling', async () => {
    const { ask, close } = await limited({ TESSERA_STS_MAX_SESSIONS: '2' });
    try {
      expect([await ask(), await ask(), await ask()]).toEqual(['ok', 'ok', 'Throttling 400 Rate exceeded']);
    } finally {
      await close();
    }
  });
});
