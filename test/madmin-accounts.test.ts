import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRequests, type Keys } from './helpers/admin-request.js';
import { iamQuery } from './helpers/iam.js';
import {
  buildMadminClient,
  haveGo,
  type MadminResult,
  type MadminStep,
  runMadmin,
} from './helpers/madmin.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';
import { type Slapd, startSlapd, USERS } from './helpers/slapd.js';

/**
 * Newer madmin-go's access-key calls, sent as raw SigV4-signed requests with bodies encrypted
 * (and answers decrypted) by Tessera's own madmin crypto (madmin-go 2.0.7 has none of them but
 * TemporaryAccountInfo): list-access-keys-bulk, info-access-key, temporary-account-info and
 * revoke-tokens/builtin, each with its refusals.
 */
const ROOT: Keys = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };
const ALICE: Keys = { accessKeyId: 'alice', secretAccessKey: 'alice-secret-1' };
const BOB: Keys = { accessKeyId: 'bob', secretAccessKey: 'bob-secret-12' };

let server: RunningServer;

const { signed, admin, listBuckets, session } = adminRequests(() => server);

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
  async function goStep(keys: Keys, step: MadminStep): Promise<MadminResult> {
    const credentials = {
      accessKey: keys.accessKeyId,
      secretKey: keys.secretAccessKey,
      sessionToken: keys.sessionToken,
    };
    return (await runMadmin(client, server.endpoint, credentials, [step]))[0]!;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tessera-madmin-accounts-'));
    client = await buildMadminClient(work);
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
