import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptData, encryptData } from '../src/admin/index.js';
import { iamQuery } from './helpers/iam.js';
import { NodeSha256 } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';
import { type Slapd, startSlapd, USERS } from './helpers/slapd.js';

/**
 * Newer madmin-go's access-key calls, sent as raw SigV4-signed requests with bodies encrypted
 * (and answers decrypted) by Tessera's own madmin crypto (madmin-go 2.0.7 has none of them but
 * TemporaryAccountInfo): list-access-keys-bulk, info-access-key, temporary-account-info and
 * revoke-tokens/builtin, each with its refusals.
 */
interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
const ROOT: Keys = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };
const ALICE: Keys = { accessKeyId: 'alice', secretAccessKey: 'alice-secret-1' };
const BOB: Keys = { accessKeyId: 'bob', secretAccessKey: 'bob-secret-12' };

let server: RunningServer;

const GOPATH_SRC = '/usr/share/gocode';
const goBinary = ['/usr/bin/go', '/usr/lib/go/bin/go'].find((p) => existsSync(p));
const haveGo = goBinary !== undefined && existsSync(join(GOPATH_SRC, 'src/github.com/minio/madmin-go'));
if (!haveGo && process.env.CI === 'true')
  throw new Error('CI: Go and golang-github-minio-madmin-go-dev must be installed (.ci/run)');

interface Answer {
  status: number;
  code?: string;
  value?: Record<string, unknown>;
}

/** Sends one SigV4-signed request (service s3, as madmin-go signs) and collects the answer's bytes. */
async function signed(
  keys: Keys,
  method: string,
  path: string,
  query: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; type: string; body: Buffer }> {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${server.port}`,
    'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
    ...(body.length === 0 ? {} : { 'content-length': String(body.length) }),
  };
  const signer = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: keys,
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const req = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    path,
    query,
    headers,
  });
  const qs = new URLSearchParams(query).toString();
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: path + (qs ? `?${qs}` : ''),
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** One MinIO admin call signed with `keys`: the body encrypted under its secret, an encrypted answer decrypted. */
async function admin(
  keys: Keys,
  method: string,
  call: string,
  query: Record<string, string> = {},
  body?: unknown,
): Promise<Answer> {
  const payload =
    body === undefined
      ? Buffer.alloc(0)
      : await encryptData(keys.secretAccessKey, Buffer.from(JSON.stringify(body)));
  const res = await signed(keys, method, `/minio/admin/v3/${call}`, query, payload);
  if (res.status >= 300)
    return { status: res.status, code: (JSON.parse(res.body.toString()) as { Code: string }).Code };
  if (res.body.length === 0) return { status: res.status };
  const text = res.type.includes('octet-stream')
    ? (await decryptData(keys.secretAccessKey, res.body)).toString()
    : res.body.toString();
  return { status: res.status, value: JSON.parse(text) as Record<string, unknown> };
}

/** ListBuckets with `keys` (a session's): its status. */
async function listBuckets(keys: Keys): Promise<number> {
  return (await signed(keys, 'GET', '/', {}, Buffer.alloc(0))).status;
}

async function session(keys: Keys): Promise<Keys> {
  const client = new STSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: keys,
  });
  const c = (await client.send(new GetSessionTokenCommand({}))).Credentials!;
  client.destroy();
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

beforeAll(async () => {
  server = await startServer({ workers: 0 });
  for (const u of [ALICE, BOB]) {
    const r = await admin(
      ROOT,
      'PUT',
      'add-user',
      { accessKey: u.accessKeyId },
      { secretKey: u.secretAccessKey, status: 'enabled' },
    );
    expect(r.status).toBe(200);
  }
  await iamQuery(server.endpoint, {
    Action: 'PutUserPolicy',
    UserName: 'alice',
    PolicyName: 'sts',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sts:GetSessionToken', 's3:ListAllMyBuckets'], Resource: '*' }],
    }),
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('MinIO access-key calls', () => {
  it('info-access-key and list-access-keys-bulk describe service accounts', async () => {
    const made = await admin(ROOT, 'PUT', 'add-service-account', {}, { targetUser: 'alice', name: 'ci' });
    expect(made.status).toBe(200);
    const key = (made.value!.credentials as { accessKey: string }).accessKey;

    const info = await admin(ROOT, 'GET', 'info-access-key', { accessKey: key });
    expect(info.value).toMatchObject({
      AccessKey: key,
      parentUser: 'alice',
      accountStatus: 'on',
      impliedPolicy: true,
      name: 'ci',
      userType: 'Service Account',
      userProvider: 'builtin',
    });
    // The implied policy is the parent's attached policies merged (Alice has only an inline one).
    expect(JSON.parse(info.value!.policy as string)).toEqual({ Version: '2012-10-17', Statement: [] });
    // Alice reads her own key; Bob may not read it; an unknown key is not found for root.
    expect((await admin(ALICE, 'GET', 'info-access-key', { accessKey: key })).status).toBe(200);
    expect(await admin(BOB, 'GET', 'info-access-key', { accessKey: key })).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    expect(await admin(ROOT, 'GET', 'info-access-key', { accessKey: 'NOSUCHKEY123' })).toMatchObject({
      status: 404,
      code: 'XMinioAdminNoSuchAccessKey',
    });
    // A user's own secret key is no access key in MinIO's sense.
    expect((await admin(ROOT, 'GET', 'info-access-key', { accessKey: 'alice' })).code).toBe(
      'XMinioAdminNoSuchAccessKey',
    );

    const bulk = await admin(ROOT, 'GET', 'list-access-keys-bulk', {
      listType: 'svcacc-only',
      users: 'alice',
    });
    expect(Object.keys(bulk.value!)).toEqual(['alice']);
    const entry = bulk.value!.alice as {
      serviceAccounts: { accessKey: string; parentUser: string }[];
      stsKeys: unknown;
    };
    expect(entry.serviceAccounts.map((s) => s.accessKey)).toEqual([key]);
    expect(entry.stsKeys).toBeNull();
    // Bob has no keys: left out of svcacc-only; users-only lists him with none; sts-only lists nobody.
    const all = await admin(ROOT, 'GET', 'list-access-keys-bulk', { listType: 'svcacc-only', all: 'true' });
    expect(Object.keys(all.value!)).toEqual(['alice']);
    const usersOnly = await admin(ROOT, 'GET', 'list-access-keys-bulk', {
      listType: 'users-only',
      all: 'true',
    });
    expect(Object.keys(usersOnly.value!).sort()).toEqual(['alice', 'bob', ROOT_USER].sort());
    expect(
      (await admin(ROOT, 'GET', 'list-access-keys-bulk', { listType: 'sts-only', all: 'true' })).value,
    ).toEqual({});
    const nobody = await admin(ROOT, 'GET', 'list-access-keys-bulk', { listType: 'all', users: 'nobody' });
    expect(nobody.value).toEqual({});
    // Alice lists her own; naming users or all needs admin:ListServiceAccounts / admin:ListUsers.
    const own = await admin(ALICE, 'GET', 'list-access-keys-bulk', { listType: 'all' });
    expect(Object.keys(own.value!)).toEqual(['alice']);
    expect((await admin(ALICE, 'GET', 'list-access-keys-bulk', { listType: 'all', all: 'true' })).code).toBe(
      'AccessDenied',
    );
    expect((await admin(BOB, 'GET', 'list-access-keys-bulk', { listType: 'all', users: 'alice' })).code).toBe(
      'AccessDenied',
    );
    expect(await admin(ROOT, 'GET', 'list-access-keys-bulk', { listType: 'bogus' })).toMatchObject({
      status: 400,
      code: 'InvalidRequest',
    });
    expect(
      (await admin(ROOT, 'GET', 'list-access-keys-bulk', { listType: 'all', all: 'true', users: 'alice' }))
        .code,
    ).toBe('InvalidRequest');
  });

  it('temporary-account-info describes only the calling session; other keys are not found', async () => {
    expect(
      await admin(ROOT, 'GET', 'temporary-account-info', { accessKey: 'ASIANOSUCHKEY0000000' }),
    ).toMatchObject({
      status: 404,
      code: 'XMinioAdminNoSuchUser',
    });
    expect(await admin(ROOT, 'GET', 'temporary-account-info')).toMatchObject({
      status: 400,
      code: 'InvalidRequest',
    });
    const rootSession = await session(ROOT);
    const own = await admin(rootSession, 'GET', 'temporary-account-info', {
      accessKey: rootSession.accessKeyId,
    });
    expect(own.value).toMatchObject({ parentUser: ROOT_USER, accountStatus: 'on', impliedPolicy: true });
    expect(Date.parse(own.value!.expiration as string)).toBeGreaterThan(Date.now());
    // Another session's key is not found even for root (no stored record to answer from).
    const aliceSession = await session(ALICE);
    expect(
      (await admin(rootSession, 'GET', 'temporary-account-info', { accessKey: aliceSession.accessKeyId }))
        .code,
    ).toBe('XMinioAdminNoSuchUser');
    // Without admin:ListTemporaryAccounts, even the own session is refused (as MinIO).
    expect(
      (await admin(aliceSession, 'GET', 'temporary-account-info', { accessKey: aliceSession.accessKeyId }))
        .code,
    ).toBe('AccessDenied');
  });

  it('revoke-tokens/builtin revokes a user’s sessions with fullRevoke', async () => {
    const s = await session(ALICE);
    const list = () => listBuckets(s);
    expect(await list()).toBe(200);
    // Refusals: neither type nor fullRevoke, both, an unknown user, another user's tokens without the admin action.
    expect(await admin(ROOT, 'POST', 'revoke-tokens/builtin', { user: 'alice' })).toMatchObject({
      status: 400,
      code: 'InvalidRequest',
    });
    expect(
      (
        await admin(ROOT, 'POST', 'revoke-tokens/builtin', {
          user: 'alice',
          tokenRevokeType: 'x',
          fullRevoke: 'true',
        })
      ).code,
    ).toBe('InvalidRequest');
    expect(
      await admin(ROOT, 'POST', 'revoke-tokens/builtin', { user: 'nobody', fullRevoke: 'true' }),
    ).toMatchObject({
      status: 404,
      code: 'XMinioAdminNoSuchUser',
    });
    expect(
      await admin(BOB, 'POST', 'revoke-tokens/builtin', { user: 'alice', fullRevoke: 'true' }),
    ).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    expect(await admin(BOB, 'POST', 'revoke-tokens/builtin')).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
    });
    // Without LDAP configured, MinIO's answer for a named LDAP user.
    expect((await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: 'x', fullRevoke: 'true' })).code).toBe(
      'XMinioIAMActionNotAllowed',
    );
    expect(
      (await admin(ROOT, 'GET', 'revoke-tokens/builtin', { user: 'alice', fullRevoke: 'true' })).code,
    ).toBe('MethodNotAllowed');
    // A token revoke type matches none of Tessera's sessions: 204, the session still works.
    expect(
      (await admin(ROOT, 'POST', 'revoke-tokens/builtin', { user: 'alice', tokenRevokeType: 'app' })).status,
    ).toBe(204);
    expect(await list()).toBe(200);
    expect(
      (await admin(ROOT, 'POST', 'revoke-tokens/builtin', { user: 'alice', fullRevoke: 'true' })).status,
    ).toBe(204);
    expect(await list()).toBe(403);
    // A user revokes its own: Alice's new session, then the self-revoke from that session.
    await new Promise((r) => setTimeout(r, 5)); // issued after the revocation's millisecond
    const s2 = await session(ALICE);
    expect((await admin(s2, 'POST', 'revoke-tokens/builtin', { fullRevoke: 'true' })).status).toBe(204);
    expect(await listBuckets(s2)).toBe(403);
  });
});

describe('idp/ldap/add-service-account (AddServiceAccountLDAP)', () => {
  let slapd: Slapd;
  let plain: RunningServer;

  beforeAll(async () => {
    plain = server;
    slapd = await startSlapd();
    server = await startServer({ workers: 0, env: slapd.env() });
    const r = await admin(
      ROOT,
      'PUT',
      'add-user',
      { accessKey: 'bob' },
      { secretKey: BOB.secretAccessKey, status: 'enabled' },
    );
    expect(r.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    server = plain;
    await slapd?.stop();
  });

  it('adds a key under the LDAP user’s directory user; refuses unknown, disabled and bad requests', async () => {
    const made = await admin(
      ROOT,
      'PUT',
      'idp/ldap/add-service-account',
      {},
      { targetUser: USERS.carol.dn, name: 'ldapkey' },
    );
    expect(made.status).toBe(200);
    const creds = made.value!.credentials as { accessKey: string; secretKey: string };
    const info = await admin(ROOT, 'GET', 'info-access-key', { accessKey: creds.accessKey });
    expect(String(info.value!.parentUser)).toMatch(/^ldap-default\.uid=carol,ou=engineering/);
    expect(info.value!.name).toBe('ldapkey');
    // The key signs (accountinfo needs no permission) and acts as the directory user.
    const me = await admin(
      { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey },
      'GET',
      'accountinfo',
    );
    expect(me.status).toBe(200);
    expect(me.value!.AccountName).toBe(info.value!.parentUser);
    expect(
      await admin(
        ROOT,
        'PUT',
        'idp/ldap/add-service-account',
        {},
        { targetUser: 'uid=nobody,dc=example,dc=org' },
      ),
    ).toMatchObject({
      status: 404,
      code: 'XMinioAdminNoSuchUser',
    });
    expect(
      await admin(ROOT, 'PUT', 'idp/ldap/add-service-account', {}, { targetUser: USERS.dave.dn }),
    ).toMatchObject({
      status: 400,
      code: 'XMinioAdminInvalidArgument',
    });
    expect((await admin(ROOT, 'PUT', 'idp/ldap/add-service-account', {}, {})).code).toBe(
      'XMinioAdminInvalidArgument',
    );
    expect(
      await admin(BOB, 'PUT', 'idp/ldap/add-service-account', {}, { targetUser: USERS.carol.dn }),
    ).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    const raw = await signed(
      ROOT,
      'PUT',
      '/minio/admin/v3/idp/ldap/add-service-account',
      {},
      Buffer.from('{"targetUser":"x"}'),
    );
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body.toString()).Code).toBe('XMinioAdminConfigBadJSON');
  });
});

describe.skipIf(!haveGo)('TemporaryAccountInfo through madmin-go 2.0.7', () => {
  let work: string;
  let client: string;

  /** One step of test/go/madmin-client signed with `keys` (a session token as its 4th argument). */
  async function goStep(
    keys: Keys,
    step: Record<string, unknown>,
  ): Promise<{ ok: boolean; value?: unknown; code?: string }> {
    const endpoint = server.endpoint.replace(/^http:\/\//, '');
    const args = [
      endpoint,
      keys.accessKeyId,
      keys.secretAccessKey,
      ...(keys.sessionToken ? [keys.sessionToken] : []),
    ];
    return new Promise((resolve, reject) => {
      const p = spawn(client, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => {
        if (code !== 0) reject(new Error(`madmin-client exited ${code}: ${err}`));
        else resolve((JSON.parse(out) as { ok: boolean; value?: unknown; code?: string }[])[0]!);
      });
      p.stdin.end(JSON.stringify([step]));
    });
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tessera-madmin-accounts-'));
    client = join(work, 'madmin-client');
    await promisify(execFile)(goBinary!, ['build', '-o', client, '.'], {
      cwd: join(import.meta.dirname, 'go', 'madmin-client'),
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: `${GOPATH_SRC}:${work}`,
        GOCACHE: join(work, 'cache'),
        GOFLAGS: '',
        GOENV: 'off',
      },
      timeout: 300_000,
    });
  }, 320_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('answers the calling session and not-found for any other key', async () => {
    const s = await session(ROOT);
    const own = await goStep(s, { op: 'temporaryAccountInfo', name: s.accessKeyId });
    expect(own).toMatchObject({
      ok: true,
      value: { parentUser: ROOT_USER, accountStatus: 'on', impliedPolicy: true },
    });
    // madmin-go 2.0.7's TemporaryAccountInfoResp has no expiration; root's implied policy is consoleAdmin's.
    expect(JSON.parse((own.value as { policy: string }).policy).Statement.length).toBeGreaterThan(0);
    expect(await goStep(ROOT, { op: 'temporaryAccountInfo', name: s.accessKeyId })).toMatchObject({
      ok: false,
      code: 'XMinioAdminNoSuchUser',
    });
  });
});
