import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptData } from '../src/admin/index.js';
import { adminRequests, type Keys } from './helpers/admin-request.js';
import { iamQuery } from './helpers/iam.js';
import { buildMadminClient, haveGo, type MadminStep, runMadmin } from './helpers/madmin.js';
import { MAIN, ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';
import { type Slapd, startSlapd, USERS } from './helpers/slapd.js';

/**
 * The MinIO admin calls finished last (docs/minio-compat.md): change-my-password (madmin-go's
 * SetUser on one's own key, through madmin-go 2.0.7), import-iam-v2 and Tessera's dry run, and
 * revoke-tokens/ldap|openid — those newer madmin-go has and 2.0.7 lacks as raw SigV4 requests
 * whose bodies Tessera's madmin crypto encrypts — with their refusals.
 */
const ROOT: Keys = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };
const ALICE: Keys = { accessKeyId: 'alice', secretAccessKey: 'alice-secret-1' };
const BOB: Keys = { accessKeyId: 'bob', secretAccessKey: 'bob-secret-12' };

let server: RunningServer;
let work: string;
let client: string;

const { admin, listBuckets, session } = adminRequests(() => server);

/** madmin-go 2.0.7 (test/go/madmin-client) as `keys`: one result per step. */
const madmin = (keys: Keys, steps: MadminStep[]) =>
  runMadmin(client, server.endpoint, { accessKey: keys.accessKeyId, secretKey: keys.secretAccessKey }, steps);

async function addUser(name: string, secretKey: string) {
  expect(
    (await admin(ROOT, 'PUT', 'add-user', { accessKey: name }, { secretKey, status: 'enabled' })).status,
  ).toBe(200);
}

const STS_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['sts:GetSessionToken', 's3:ListAllMyBuckets'], Resource: '*' }],
});

describe.skipIf(!haveGo)('MinIO admin extras', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tessera-madmin-extras-'));
    client = await buildMadminClient(work);
    server = await startServer({ workers: 0 });
    await addUser('alice', ALICE.secretAccessKey);
    await addUser('bob', BOB.secretAccessKey);
    for (const u of ['alice', 'bob'])
      await iamQuery(server.endpoint, {
        Action: 'PutUserPolicy',
        UserName: u,
        PolicyName: 'sts',
        PolicyDocument: STS_POLICY,
      });
  }, 360_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('change-my-password (add-user on oneself)', () => {
    it('a user changes its own secret through madmin-go SetUser, without admin actions', async () => {
      const next = { accessKeyId: 'alice', secretAccessKey: 'alice-secret-2' };
      const [changed] = await madmin(ALICE, [
        { op: 'setUser', name: 'alice', secret: next.secretAccessKey, status: 'enabled' },
      ]);
      expect(changed).toEqual({ ok: true });
      expect(await listBuckets(next)).toBe(200);
      expect(await listBuckets(ALICE)).toBe(403);
      // …and back, with a raw encrypted request under the new secret.
      expect(
        (
          await admin(
            next,
            'PUT',
            'add-user',
            { accessKey: 'alice' },
            { secretKey: ALICE.secretAccessKey, status: 'enabled' },
          )
        ).status,
      ).toBe(200);
      expect(await listBuckets(ALICE)).toBe(200);
    });

    it("refuses another user's password, a session or key naming its parent, an explicit deny, bad input", async () => {
      const [other] = await madmin(BOB, [
        { op: 'setUser', name: 'alice', secret: 'stolen-secret-1', status: 'enabled' },
      ]);
      expect(other).toMatchObject({ ok: false, code: 'AccessDenied' });
      expect(await listBuckets(ALICE)).toBe(200);
      // A session of alice may not change alice's secret (MinIO's XMinioInvalidIAMCredentials).
      const s = await session(ALICE);
      expect(
        await admin(s, 'PUT', 'add-user', { accessKey: 'alice' }, { secretKey: 'from-session-1' }),
      ).toMatchObject({
        status: 403,
        code: 'XMinioInvalidIAMCredentials',
      });
      // A body not encrypted under the caller's secret, a secret that breaks the rules.
      const wrong = await encryptData(BOB.secretAccessKey, Buffer.from('{"secretKey":"whatever-1"}'));
      expect((await admin(ALICE, 'PUT', 'add-user', { accessKey: 'alice' }, wrong)).code).toBe(
        'XMinioAdminConfigBadJSON',
      );
      expect(
        (await admin(ALICE, 'PUT', 'add-user', { accessKey: 'alice' }, { secretKey: 'short' })).code,
      ).toBe('XMinioAdminInvalidSecretKey');
      // Creating another (new) user is still admin:CreateUser's.
      expect(
        (await admin(ALICE, 'PUT', 'add-user', { accessKey: 'mallory' }, { secretKey: 'mallory-secret' }))
          .code,
      ).toBe('AccessDenied');
      // An explicit deny of admin:CreateUser takes the self-service away (MinIO's DenyOnly check).
      await iamQuery(server.endpoint, {
        Action: 'PutUserPolicy',
        UserName: 'alice',
        PolicyName: 'no-passwd',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'admin:CreateUser', Resource: '*' }],
        }),
      });
      const [denied] = await madmin(ALICE, [
        { op: 'setUser', name: 'alice', secret: 'alice-secret-3', status: 'enabled' },
      ]);
      expect(denied).toMatchObject({ ok: false, code: 'AccessDenied' });
      expect(await listBuckets(ALICE)).toBe(200);
      await iamQuery(server.endpoint, {
        Action: 'DeleteUserPolicy',
        UserName: 'alice',
        PolicyName: 'no-passwd',
      });
    });
  });

  describe('import-iam-v2 and the dry run', () => {
    const files = {
      'iam-assets/policies.json': JSON.stringify({
        'x-read': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::x/*'] }],
        },
        readwrite: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
        },
        'x-gone': { Version: '2012-10-17', Statement: [] },
      }),
      'iam-assets/users.json': JSON.stringify({
        xavier: { secretKey: 'xavier-secret-1', status: 'enabled' },
        'bad name!': { secretKey: 'long-enough-1', status: 'enabled' },
      }),
      'iam-assets/groups.json': JSON.stringify({
        'x-team': { version: 1, status: 'enabled', members: ['xavier'] },
        'x-ghosts': { version: 1, status: 'enabled', members: ['nobody-here'] },
      }),
      'iam-assets/svcaccts.json': JSON.stringify({
        XKEY00000000000000001: {
          parent: 'xavier',
          accessKey: 'XKEY00000000000000001',
          secretKey: 'xkey-secret-0000000000000000000000000001',
          status: 'on',
        },
        XKEY00000000000000002: {
          parent: 'nobody-here',
          accessKey: 'XKEY00000000000000002',
          secretKey: 'xkey-secret-0000000000000000000000000002',
          status: 'on',
        },
      }),
      'iam-assets/user_mappings.json': JSON.stringify({
        xavier: { version: 1, policy: 'x-read,readonly', updatedAt: '2024-04-23T21:34:43Z' },
        'x-team-lead': { version: 1, policy: 'x-read', updatedAt: '2024-04-23T21:34:43Z' },
      }),
      'iam-assets/group_mappings.json': JSON.stringify({
        'x-team': { version: 1, policy: 'no-such-policy', updatedAt: '2024-04-23T21:34:43Z' },
      }),
      'iam-assets/stsuser_mappings.json': JSON.stringify({
        'openid-subject-1': { version: 1, policy: 'x-read', updatedAt: '2024-04-23T21:34:43Z' },
      }),
    };
    const expected = {
      skipped: { policies: ['readwrite'], users: ['openid-subject-1'] },
      removed: { policies: ['x-gone'] },
      added: {
        policies: ['x-read'],
        users: ['xavier'],
        groups: ['x-team'],
        serviceAccounts: ['XKEY00000000000000001'],
        userPolicies: [{ xavier: ['x-read', 'readonly'] }],
      },
    };
    let zip: Buffer;

    beforeAll(async () => {
      const [made] = await madmin(ROOT, [{ op: 'zipWrite', files }]);
      zip = Buffer.from(made!.value as string, 'base64');
    });

    it('a dry run reports what would be added, skipped, removed and refused — and changes nothing', async () => {
      const r = await admin(ROOT, 'PUT', 'import-iam-v2', { 'dry-run': 'true' }, zip);
      expect(r.status).toBe(200);
      expect(r.value).toMatchObject(expected);
      const failed = r.value!.failed as Record<string, { name: string; errorCode: string }[]>;
      expect(failed.users!.map((f) => [f.name, f.errorCode])).toEqual([
        ['bad name!', 'XMinioAdminInvalidArgument'],
      ]);
      expect(failed.groups!.map((f) => [f.name, f.errorCode])).toEqual([
        ['x-ghosts', 'XMinioAdminNoSuchUser'],
      ]);
      expect(failed.serviceAccounts!.map((f) => f.name)).toEqual(['XKEY00000000000000002']);
      expect(failed.userPolicies!.map((f) => f.name)).toEqual(['x-team-lead']);
      expect(failed.groupPolicies).toEqual([
        expect.objectContaining({
          name: 'x-team',
          policies: ['no-such-policy'],
          errorCode: 'XMinioAdminNoSuchPolicy',
        }),
      ]);
      // madmin's `error` field is left out (madmin-go cannot read MinIO's `{}` back).
      expect(JSON.stringify(r.value)).not.toContain('"error"');
      // Nothing changed: the user, the policy and the key do not exist.
      expect((await admin(ROOT, 'GET', 'user-info', { accessKey: 'xavier' })).code).toBe(
        'XMinioAdminNoSuchUser',
      );
      expect((await admin(ROOT, 'GET', 'info-canned-policy', { name: 'x-read' })).code).toBe(
        'XMinioAdminNoSuchPolicy',
      );
      // The same on MinIO's first import API.
      const v1 = await admin(ROOT, 'PUT', 'import-iam', { 'dry-run': 'true' }, zip);
      expect(v1.value).toEqual(r.value);
      expect((await admin(ROOT, 'GET', 'user-info', { accessKey: 'xavier' })).code).toBe(
        'XMinioAdminNoSuchUser',
      );
    });

    it('import-iam-v2 imports what it can and reports the rest; the keys sign', async () => {
      const r = await admin(ROOT, 'PUT', 'import-iam-v2', {}, zip);
      expect(r.status).toBe(200);
      expect(r.value).toMatchObject(expected);
      expect(Object.keys(r.value!.failed as object).sort()).toEqual(
        ['groupPolicies', 'groups', 'serviceAccounts', 'userPolicies', 'users'].sort(),
      );
      const info = await admin(ROOT, 'GET', 'user-info', { accessKey: 'xavier' });
      expect(info.value).toMatchObject({ status: 'enabled', memberOf: ['x-team'] });
      expect(String(info.value!.policyName).split(',').sort()).toEqual(['readonly', 'x-read']);
      // Both secrets sign (accountinfo needs no permission).
      const xavier = { accessKeyId: 'xavier', secretAccessKey: 'xavier-secret-1' };
      const key = {
        accessKeyId: 'XKEY00000000000000001',
        secretAccessKey: 'xkey-secret-0000000000000000000000000001',
      };
      expect((await admin(xavier, 'GET', 'accountinfo')).value).toMatchObject({ AccountName: 'xavier' });
      expect((await admin(key, 'GET', 'accountinfo')).value).toMatchObject({ AccountName: 'xavier' });
      expect((await admin(ROOT, 'GET', 'group', { group: 'x-ghosts' })).code).toBe('XMinioAdminNoSuchGroup');
      // MinIO's first import API still stops at the first failing entity.
      const v1 = await admin(ROOT, 'PUT', 'import-iam', {}, zip);
      expect(v1.status).toBe(400);
    });

    it('refuses callers without admin:ImportIAM and damaged archives', async () => {
      expect((await admin(ALICE, 'PUT', 'import-iam-v2', { 'dry-run': 'true' }, zip)).code).toBe(
        'AccessDenied',
      );
      expect((await admin(ROOT, 'PUT', 'import-iam-v2', {}, zip.subarray(0, 100))).code).toBe(
        'InvalidRequest',
      );
      const [bad] = await madmin(ROOT, [{ op: 'zipWrite', files: { 'iam-assets/users.json': '[1]' } }]);
      const badZip = Buffer.from(bad!.value as string, 'base64');
      expect((await admin(ROOT, 'PUT', 'import-iam-v2', { 'dry-run': 'true' }, badZip)).code).toBe(
        'XMinioAdminConfigBadJSON',
      );
    });
  });

  describe('revoke-tokens/openid and /ldap without the provider', () => {
    it("the caller's own sessions through any provider path; named users as MinIO answers them", async () => {
      const s = await session(BOB);
      expect(await listBuckets(s)).toBe(200);
      expect((await admin(s, 'POST', 'revoke-tokens/openid', { fullRevoke: 'true' })).status).toBe(204);
      expect(await listBuckets(s)).toBe(403);
      // No LDAP configured: MinIO's XMinioIAMActionNotAllowed for a named LDAP user.
      expect(
        await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: USERS.carol.dn, fullRevoke: 'true' }),
      ).toMatchObject({
        status: 400,
        code: 'XMinioIAMActionNotAllowed',
      });
      // No OpenID identity of that name or subject.
      expect(
        (await admin(ROOT, 'POST', 'revoke-tokens/openid', { user: 'nobody', fullRevoke: 'true' })).code,
      ).toBe('XMinioAdminNoSuchUser');
      expect(
        (await admin(BOB, 'POST', 'revoke-tokens/openid', { fullRevoke: 'true', tokenRevokeType: 't' })).code,
      ).toBe('InvalidRequest');
    });
  });

  describe('revoke-tokens/openid with an OpenID provider', () => {
    let idp: Server;
    let plain: RunningServer;
    let issuer = '';
    let sign: (sub: string) => Promise<string>;

    /** AssumeRoleWithWebIdentity (unsigned form POST, as MinIO's clients send it). */
    async function webLogin(sub: string): Promise<Keys> {
      const res = await fetch(`${server.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'AssumeRoleWithWebIdentity',
          Version: '2011-06-15',
          WebIdentityToken: await sign(sub),
        }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const v = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)![1]!;
      return {
        accessKeyId: v('AccessKeyId'),
        secretAccessKey: v('SecretAccessKey'),
        sessionToken: v('SessionToken'),
      };
    }

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      idp = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
        else
          res.end(
            JSON.stringify({
              issuer,
              jwks_uri: `${issuer}/jwks`,
              authorization_endpoint: `${issuer}/auth`,
              token_endpoint: `${issuer}/token`,
              response_types_supported: ['code'],
              subject_types_supported: ['public'],
              id_token_signing_alg_values_supported: ['RS256'],
            }),
          );
      });
      await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
      issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
      sign = (sub) => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({
          iss: issuer,
          aud: 'tessera',
          sub,
          iat: now,
          exp: now + 600,
          policy: 'readwrite',
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .sign(privateKey);
      };
      plain = server;
      server = await startServer({
        workers: 0,
        env: {
          MINIO_IDENTITY_OPENID_CONFIG_URL: `${issuer}/.well-known/openid-configuration`,
          MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera',
        },
      });
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      server = plain;
      await new Promise((r) => idp?.close(r));
    });

    it('root revokes an OpenID identity by subject or directory user; the identity its own; others refused', async () => {
      const one = await webLogin('oidc-user-1');
      const two = await webLogin('oidc-user-2');
      expect(await listBuckets(one)).toBe(200);
      // Another identity without admin actions may not.
      expect(
        (await admin(two, 'POST', 'revoke-tokens/openid', { user: 'oidc-user-1', fullRevoke: 'true' })).code,
      ).toBe('AccessDenied');
      expect(await listBuckets(one)).toBe(200);
      // Root, by subject: only that identity's sessions go.
      expect(
        (await admin(ROOT, 'POST', 'revoke-tokens/openid', { user: 'oidc-user-1', fullRevoke: 'true' }))
          .status,
      ).toBe(204);
      expect(await listBuckets(one)).toBe(403);
      expect(await listBuckets(two)).toBe(200);
      // The identity revokes its own sessions (no user named).
      expect((await admin(two, 'POST', 'revoke-tokens/openid', { fullRevoke: 'true' })).status).toBe(204);
      expect(await listBuckets(two)).toBe(403);
      await new Promise((r) => setTimeout(r, 5));
      // Root, by the identity's directory user (docs/openid.md: `<provider>.<subject>`).
      const again = await webLogin('oidc-user-1');
      expect(await listBuckets(again)).toBe(200);
      expect(
        (
          await admin(ROOT, 'POST', 'revoke-tokens/openid', {
            user: 'default.oidc-user-1',
            fullRevoke: 'true',
          })
        ).status,
      ).toBe(204);
      expect(await listBuckets(again)).toBe(403);
    }, 60_000);
  });

  describe('revoke-tokens/ldap against slapd', () => {
    let slapd: Slapd;
    let plain: RunningServer;

    async function ldapLogin(username: string, password: string): Promise<Keys> {
      const res = await fetch(`${server.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'AssumeRoleWithLDAPIdentity',
          Version: '2011-06-15',
          LDAPUsername: username,
          LDAPPassword: password,
        }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const v = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)![1]!;
      return {
        accessKeyId: v('AccessKeyId'),
        secretAccessKey: v('SecretAccessKey'),
        sessionToken: v('SessionToken'),
      };
    }
    const pause = () => new Promise((r) => setTimeout(r, 5)); // issued after the revocation's millisecond

    beforeAll(async () => {
      plain = server;
      slapd = await startSlapd();
      server = await startServer({ workers: 0, env: slapd.env() });
      for (const u of [USERS.carol.dn, USERS.eve.dn]) {
        const r = await admin(
          ROOT,
          'POST',
          'idp/ldap/policy/attach',
          {},
          { policies: ['readwrite'], user: u },
        );
        expect(r.status).toBe(200);
      }
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
      server = plain;
      await slapd?.stop();
    });

    it('root revokes an LDAP user by DN or username; the user revokes its own; others are refused', async () => {
      const carol = await ldapLogin('carol', USERS.carol.password);
      const eve = await ldapLogin('eve', USERS.eve.password);
      expect(await listBuckets(carol)).toBe(200);
      // Eve (no admin action) may not revoke Carol's sessions.
      expect(
        (await admin(eve, 'POST', 'revoke-tokens/ldap', { user: USERS.carol.dn, fullRevoke: 'true' })).code,
      ).toBe('AccessDenied');
      expect(await listBuckets(carol)).toBe(200);
      // Root, by DN (any spelling of it).
      const dn = USERS.carol.dn.toUpperCase().replace('UID=', 'uid=');
      expect((await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: dn, fullRevoke: 'true' })).status).toBe(
        204,
      );
      expect(await listBuckets(carol)).toBe(403);
      expect(await listBuckets(eve)).toBe(200);
      await pause();
      // By username; a token revoke type matches no Tessera session (nothing revoked).
      const carol2 = await ldapLogin('carol', USERS.carol.password);
      expect(
        (await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: 'carol', tokenRevokeType: 'x' })).status,
      ).toBe(204);
      expect(await listBuckets(carol2)).toBe(200);
      expect(
        (await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: 'carol', fullRevoke: 'true' })).status,
      ).toBe(204);
      expect(await listBuckets(carol2)).toBe(403);
      // Eve revokes her own, with or without naming herself.
      expect(
        (await admin(eve, 'POST', 'revoke-tokens/ldap', { user: USERS.eve.dn, fullRevoke: 'true' })).status,
      ).toBe(204);
      expect(await listBuckets(eve)).toBe(403);
      await pause();
      const eve2 = await ldapLogin('eve', USERS.eve.password);
      expect((await admin(eve2, 'POST', 'revoke-tokens/ldap', {})).code).toBe('InvalidArgument');
      expect((await admin(eve2, 'POST', 'revoke-tokens/ldap', { fullRevoke: 'true' })).status).toBe(204);
      expect(await listBuckets(eve2)).toBe(403);
      // Unknown users and bad requests.
      expect(
        (
          await admin(ROOT, 'POST', 'revoke-tokens/ldap', {
            user: 'uid=nobody,dc=example,dc=org',
            fullRevoke: 'true',
          })
        ).code,
      ).toBe('XMinioAdminNoSuchUser');
      expect(
        (await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: 'nobody', fullRevoke: 'true' })).code,
      ).toBe('XMinioAdminNoSuchUser');
      expect((await admin(ROOT, 'POST', 'revoke-tokens/ldap', { user: 'carol' })).code).toBe(
        'InvalidRequest',
      );
      expect(
        (await admin(ROOT, 'GET', 'revoke-tokens/ldap', { user: 'carol', fullRevoke: 'true' })).status,
      ).toBe(405);
    }, 60_000);

    it('`tessera admin sts revoke` on the directory user ends the same sessions', async () => {
      await new Promise((r) => setTimeout(r, 5));
      const carol = await ldapLogin('carol', USERS.carol.password);
      expect(await listBuckets(carol)).toBe(200);
      const users = (await admin(ROOT, 'GET', 'list-users')).value!;
      const name = Object.keys(users).find((u) => u.startsWith('ldap-default.uid=carol,'))!;
      expect(name).toBeDefined();
      const env = { ...process.env, TESSERA_CONFIG_DIR: join(work, 'cli') };
      const run = (args: string[]) => promisify(execFile)(process.execPath, [MAIN, ...args], { env });
      await run(['alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD]);
      const out = await run(['admin', 'sts', 'revoke', 'local', name, '--json']);
      expect(JSON.parse(out.stdout)).toMatchObject({ UserName: name });
      expect(await listBuckets(carol)).toBe(403);
    }, 60_000);
  });
});
