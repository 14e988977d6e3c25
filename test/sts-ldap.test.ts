import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachLdapPolicies } from './helpers/admin-request.js';
import { awsCli } from './helpers/aws-cli.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';
import { GROUPS, type Slapd, startBlackhole, startSlapd, USERS } from './helpers/slapd.js';

/**
 * AssumeRoleWithLDAPIdentity, DN → policy mappings and the directory sync (docs/ldap.md) against
 * the real server (two workers) and a real slapd (test/helpers/slapd.ts), with @aws-sdk clients
 * and the aws CLI holding the credentials, and the built CLI for the mappings.
 */
const BUCKET = 'ldap-data';
const SHARED = 'ldap-shared';
let slapd: Slapd;
let server: RunningServer;
let iam: IAMClient;
let dir: string;

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

interface StsAnswer {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  keys?: Keys;
  body: string;
}

/** AssumeRoleWithLDAPIdentity as MinIO's clients send it: an unsigned form POST. */
async function ldapLogin(
  username: string,
  password: string,
  extra: Record<string, string> = {},
  endpoint = server.endpoint,
): Promise<StsAnswer> {
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithLDAPIdentity',
    Version: '2011-06-15',
    LDAPUsername: username,
    LDAPPassword: password,
    ...extra,
  });
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const text = await res.text();
  const v = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
  if (res.status !== 200) return { status: res.status, code: v('Code'), message: v('Message'), body: text };
  return {
    status: 200,
    body: text,
    keys: {
      accessKeyId: v('AccessKeyId')!,
      secretAccessKey: v('SecretAccessKey')!,
      sessionToken: v('SessionToken')!,
    },
  };
}

async function login(username: string, password: string): Promise<Keys> {
  const r = await ldapLogin(username, password);
  expect(r, r.body).toMatchObject({ status: 200 });
  return r.keys!;
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException) return e.name;
    throw e;
  }
}

/** GetObject / PutObject with `keys` on a fresh client (any worker may answer). */
async function s3(keys: Keys, op: 'get' | 'put', key = 'doc.txt', bucket = BUCKET): Promise<string> {
  const client = s3Client(server, { credentials: keys, maxAttempts: 1 });
  try {
    return await outcome(
      client.send(
        op === 'get'
          ? new GetObjectCommand({ Bucket: bucket, Key: key })
          : new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }),
      ),
    );
  } finally {
    client.destroy();
  }
}

/** Polls until `rounds` calls in a row answer `want` (a sync or a change reaching every worker). */
async function eventually(call: () => Promise<string>, want: string, rounds = 6): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got: string[] = [];
  for (;;) {
    got = [];
    for (let i = 0; i < rounds; i++) got.push(await call());
    if (got.every((g) => g === want) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  expect(got).toEqual(Array(rounds).fill(want));
}

interface AuditLine {
  trigger?: string;
  api?: { name?: string };
  auth?: {
    principalType?: string;
    identitySource?: string;
    failureReason?: string;
    parentUser?: string;
    outcome?: string;
  };
  change?: {
    action?: string;
    target?: { type?: string; name?: string };
    parameters?: unknown;
    after?: unknown;
  };
}

/** The audit file target's entries (every worker's files), polled until `done` holds them. */
async function auditEntriesUntil(done: (all: AuditLine[]) => boolean): Promise<AuditLine[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const audit = join(dir, 'audit');
    const all = readdirSync(audit)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(audit, f), 'utf8').split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as AuditLine);
    if (done(all) || Date.now() > deadline) return all;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
    });
  });
}

async function cli(args: string[]): Promise<string> {
  const r = await tessera(args);
  expect(r, r.err).toMatchObject({ code: 0 });
  return r.out;
}

/** A mapping through MinIO's admin route (signed for s3 as root, as madmin-go signs): setup without a CLI process. */
async function map(kind: 'user' | 'group', dn: string, ...policies: string[]): Promise<void> {
  const res = await attachAs({ accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD }, kind, dn, policies);
  expect(res.status, res.body).toBe(200);
}

const attachAs = (credentials: Keys, kind: 'user' | 'group', dn: string, policies: string[]) =>
  attachLdapPolicies(server.endpoint, credentials, kind, dn, policies);

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-ldap-'));
  slapd = await startSlapd();
  server = await startServer({
    workers: 2,
    env: {
      ...slapd.env(undefined, { USER_DN_ATTRIBUTES: 'mail' }),
      // A second directory: the sales people, found by their cn (docs/ldap.md "Several directories").
      ...slapd.env('CORP', {
        USER_DN_SEARCH_BASE_DN: 'ou=sales,ou=people,dc=example,dc=org',
        USER_DN_SEARCH_FILTER: '(cn=%s)',
      }),
      TESSERA_IDENTITY_LDAP_SYNC_INTERVAL: '1s',
      TESSERA_AUDIT_FILE: join(dir, 'audit'),
    },
  });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  const policies: Record<string, object[]> = {
    'ldap-read': [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
    'ldap-write': [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
    'ldap-home': [
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/home/\${ldap:username}/*`,
      },
    ],
  };
  for (const [name, statements] of Object.entries(policies))
    await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: doc(statements) }));
  const root = s3Client(server);
  for (const b of [BUCKET, SHARED]) await root.send(new CreateBucketCommand({ Bucket: b }));
  await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'words' }));
  await root.send(new PutObjectCommand({ Bucket: SHARED, Key: 'doc.txt', Body: 'shared' }));
  root.destroy();
  await cli(['alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD]);
  // alice: ops by group, writes by user DN; carol: reads and home by user DN.
  await cli(['admin', 'idp', 'ldap', 'policy', 'attach', 'local', 'ldap-read', '--group', GROUPS.ops]);
  await map('user', USERS.alice.dn, 'ldap-write');
  await map('user', USERS.carol.dn, 'ldap-read', 'ldap-home');
}, 60_000);

afterAll(async () => {
  iam?.destroy();
  await server?.stop();
  await slapd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('AssumeRoleWithLDAPIdentity', () => {
  it('group-DN and user-DN policies together (alice), user-DN only (carol), group only (bob)', async () => {
    const alice = await login('alice', USERS.alice.password);
    expect(await s3(alice, 'get')).toBe('ok');
    expect(await s3(alice, 'put', 'alice.txt')).toBe('ok');
    const carol = await login('carol', USERS.carol.password);
    expect(await s3(carol, 'get')).toBe('ok');
    expect(await s3(carol, 'put', 'carol.txt')).toBe('AccessDenied');
    // ${ldap:username} in a policy.
    expect(await s3(carol, 'put', 'home/carol/a.txt')).toBe('ok');
    expect(await s3(carol, 'put', 'home/alice/a.txt')).toBe('AccessDenied');
    const bob = await login('bob', USERS.bob.password);
    expect(await s3(bob, 'get')).toBe('ok');
    expect(await s3(bob, 'put', 'bob.txt')).toBe('AccessDenied');
  });

  it('MinIO’s XML answer; @aws-sdk/client-sts GetCallerIdentity names the directory user', async () => {
    const r = await ldapLogin('carol', USERS.carol.password, { DurationSeconds: '900' });
    expect(r.body).toMatch(
      /^<\?xml[^>]*>\s*<AssumeRoleWithLDAPIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/,
    );
    expect(r.body).toMatch(/<AssumeRoleWithLDAPIdentityResult><Credentials><AccessKeyId>ASIA/);
    const sts = new STSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: r.keys!,
      maxAttempts: 1,
    });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(me.Arn).toMatch(/^arn:aws:iam::?:user\/ldap-default\.uid=carol,ou=engineering/);
  });

  it('wrong password, unknown user, empty password, ambiguous user, no mapped policy: AccessDenied', async () => {
    for (const [u, p] of [
      ['alice', 'wrong'],
      ['nobody', 'x'],
      ['alice', ''],
      ['twin', 'twin-pass'],
      ['eve', USERS.eve.password],
      ['*)(uid=*', 'x'],
    ] as const) {
      const r = await ldapLogin(u, p);
      expect([u, r.status, r.code]).toEqual([u, 403, 'AccessDenied']);
    }
    expect(await ldapLogin('', 'x')).toMatchObject({ status: 400, code: 'MissingParameter' });
    // An unknown user and a wrong password read the same to the caller (no user enumeration)…
    const unknown = await ldapLogin('nobody', 'x');
    const wrong = await ldapLogin('alice', 'wrong');
    expect(unknown.message).toBe(wrong.message);
    // …while the audit trail says which, and who tried, never with the password.
    const entries = await auditEntriesUntil(
      (all) =>
        all.filter((e) => e.api?.name === 'AssumeRoleWithLDAPIdentity' && e.auth?.failureReason).length >= 6,
    );
    const failed = entries.filter(
      (e) => e.api?.name === 'AssumeRoleWithLDAPIdentity' && e.auth?.failureReason,
    );
    const reasons = new Set(failed.map((e) => `${e.auth?.parentUser} ${e.auth?.failureReason}`));
    for (const r of [
      'alice wrong-password',
      'nobody unknown-user',
      'alice empty-password',
      'twin ambiguous-user',
      'eve no-mapped-policy',
    ])
      expect(reasons).toContain(r);
    expect(failed.every((e) => e.auth?.identitySource === 'ldap' && e.auth?.outcome === 'failure')).toBe(
      true,
    );
    expect(failed.some((e) => JSON.stringify(e).includes('twin-pass'))).toBe(false);
  });

  it('the aws CLI with the credentials: allowed and denied calls', async () => {
    const carol = await login('carol', USERS.carol.password);
    const out = await awsCli(
      server.endpoint,
      ['s3api', 'get-object', '--bucket', BUCKET, '--key', 'doc.txt', join(dir, 'got')],
      {
        ...carol,
      },
    );
    expect(JSON.parse(out)).toMatchObject({ ContentLength: 5 });
    await expect(
      awsCli(server.endpoint, ['s3api', 'put-object', '--bucket', BUCKET, '--key', 'cli.txt'], carol),
    ).rejects.toThrow(/AccessDenied/);
  });

  it('a mapping attached and detached with the CLI takes effect on a live session', async () => {
    const carol = await login('carol', USERS.carol.password);
    expect(await s3(carol, 'put', 'live.txt')).toBe('AccessDenied');
    await cli([
      'admin',
      'idp',
      'ldap',
      'policy',
      'attach',
      'local',
      'ldap-write',
      '--user',
      USERS.carol.dn.toUpperCase(),
    ]);
    await eventually(() => s3(carol, 'put', 'live.txt'), 'ok');
    const entities = JSON.parse(
      await cli(['admin', 'idp', 'ldap', 'policy', 'entities', 'local', '--user', USERS.carol.dn, '--json']),
    );
    expect(entities.userMappings).toEqual([
      { user: USERS.carol.dn, policies: ['ldap-home', 'ldap-read', 'ldap-write'] },
    ]);
    await cli(['admin', 'idp', 'ldap', 'policy', 'detach', 'local', 'ldap-write', '--user', USERS.carol.dn]);
    await eventually(() => s3(carol, 'put', 'live.txt'), 'AccessDenied');
  });

  it('the mapping routes need admin:UpdatePolicyAssociation (an IAM user without it is refused)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'ldap-nobody' }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ldap-nobody' }))).AccessKey!;
    const keys = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    const r = await attachAs(keys, 'group', GROUPS.staff, ['ldap-write']);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ Code: 'AccessDenied' });
    const bob = await login('bob', USERS.bob.password); // in staff
    expect(await s3(bob, 'put', 'staff.txt')).toBe('AccessDenied');
  });

  it('two directories: a username may name its directory', async () => {
    await map('user', USERS.bob.dn, 'ldap-read');
    const viaCorp = await login('corp\\Bob Builder', USERS.bob.password);
    expect(await s3(viaCorp, 'get')).toBe('ok');
    const sts = new STSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: viaCorp,
      maxAttempts: 1,
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toMatch(/user\/ldap-corp\.uid=bob/);
    sts.destroy();
    expect(await ldapLogin('corp\\bob', USERS.bob.password)).toMatchObject({ status: 403 });
  });

  it('bucket policies: Principal naming the directory user, and an ldap:groups condition', async () => {
    const carol = await login('carol', USERS.carol.password);
    const alice = await login('alice', USERS.alice.password);
    const sts = new STSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: carol,
      maxAttempts: 1,
    });
    const carolArn = (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
    sts.destroy();
    const root = s3Client(server);
    await root.send(
      new PutBucketPolicyCommand({
        Bucket: SHARED,
        Policy: doc([
          {
            Effect: 'Allow',
            Principal: { AWS: [carolArn] },
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${SHARED}/*`,
          },
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${SHARED}/*`,
            Condition: { 'ForAnyValue:StringEquals': { 'ldap:groups': [GROUPS.ops] } },
          },
        ]),
      }),
    );
    root.destroy();
    await eventually(() => s3(carol, 'get', 'doc.txt', SHARED), 'ok');
    await eventually(() => s3(alice, 'get', 'doc.txt', SHARED), 'AccessDenied');
    await eventually(() => s3(alice, 'put', 'a.txt', SHARED), 'ok');
    await eventually(() => s3(carol, 'put', 'c.txt', SHARED), 'AccessDenied');
  });
});

describe('directory sync (every second here)', () => {
  it('a user deleted in the directory loses its session and its service account', async () => {
    const dn = await slapd.admin.addUser('frank');
    await map('user', dn, 'ldap-read');
    const session = await login('frank', 'frank-pass');
    const sa = JSON.parse(await cli(['admin', 'svcacct', 'add', 'local', '--ldap-user', dn, '--json']));
    const key = { accessKeyId: sa.accessKey, secretAccessKey: sa.secretKey };
    expect(await s3(session, 'get')).toBe('ok');
    expect(await s3(key, 'get')).toBe('ok');
    await slapd.admin.del(dn);
    await eventually(() => s3(session, 'get'), 'InvalidToken');
    await eventually(() => s3(key, 'get'), 'InvalidAccessKeyId');
    // The audit trail: the login's session named by its directory and DN, the mapping's change,
    // and the sync's own entry (trigger internal) for the removal.
    const entries = await auditEntriesUntil((all) =>
      all.some((e) => e.api?.name === 'LDAPSync' && e.change?.target?.name === sa.parent),
    );
    const sync = entries.find((e) => e.api?.name === 'LDAPSync' && e.change?.target?.name === sa.parent)!;
    expect(sync).toMatchObject({
      trigger: 'internal',
      auth: { principalType: 'internal', identitySource: 'ldap:default' },
      change: {
        action: 'LDAPSync',
        parameters: { directory: 'default', outcome: 'removed' },
        after: { directoryState: 'missing', sessionsRevoked: true },
      },
    });
    const normalized = dn.toLowerCase();
    expect(
      entries.some(
        (e) =>
          e.api?.name === 'AdminAttachLDAPPolicy' &&
          e.change?.target?.name === normalized &&
          e.change?.target?.type === 'ldapUser',
      ),
    ).toBe(true);
    expect(entries.some((e) => e.auth?.identitySource === `ldap:default:${normalized}`)).toBe(true);
    expect(entries.some((e) => JSON.stringify(e).includes('frank-pass'))).toBe(false);
  });

  it('an AD-style disabled user likewise; enabled again, its service account works (its sessions stay revoked)', async () => {
    const dn = await slapd.admin.addUser('gina', {
      objectClass: ['inetOrgPerson', 'testADUser'],
      userAccountControl: '512',
    });
    await map('user', dn, 'ldap-read');
    const session = await login('gina', 'gina-pass');
    const sa = JSON.parse(await cli(['admin', 'svcacct', 'add', 'local', '--ldap-user', dn, '--json']));
    const key = { accessKeyId: sa.accessKey, secretAccessKey: sa.secretKey };
    expect(await s3(key, 'get')).toBe('ok');
    await slapd.admin.modify(dn, { userAccountControl: '514' });
    await eventually(() => s3(session, 'get'), 'InvalidToken');
    await eventually(() => s3(key, 'get'), 'InvalidAccessKeyId');
    await slapd.admin.modify(dn, { userAccountControl: '512' });
    await eventually(() => s3(key, 'get'), 'ok');
    expect(await s3(session, 'get')).toBe('AccessDenied'); // revoked
    expect(await s3(await login('gina', 'gina-pass'), 'get')).toBe('ok');
  });

  it('a group membership change is followed by live sessions', async () => {
    const dn = await slapd.admin.addUser('hank');
    await map('user', dn, 'ldap-home');
    const session = await login('hank', 'hank-pass');
    expect(await s3(session, 'get')).toBe('AccessDenied');
    await slapd.admin.addMember(GROUPS.ops, dn);
    await eventually(() => s3(session, 'get'), 'ok');
    await slapd.admin.removeMember(GROUPS.ops, dn);
    await eventually(() => s3(session, 'get'), 'AccessDenied');
  });
});

describe('a directory that does not answer', () => {
  it('a clear STS error within the timeout; other requests unaffected', async () => {
    const hole = await startBlackhole();
    const other = await startServer({
      workers: 1,
      env: { ...slapd.env(undefined, { SERVER_ADDR: hole.addr, TIMEOUT: '1s' }) },
    });
    try {
      const t0 = Date.now();
      const pending = ldapLogin('alice', USERS.alice.password, {}, other.endpoint);
      const root = s3Client(other);
      const t1 = Date.now();
      await root.send(new ListBucketsCommand({}));
      expect(Date.now() - t1).toBeLessThan(1000);
      root.destroy();
      const r = await pending;
      expect(r).toMatchObject({ status: 400, code: 'IDPCommunicationError' });
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      await other.stop();
      await hole.close();
    }
  });
});
