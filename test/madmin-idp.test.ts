import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptData } from '../src/admin/index.js';
import { buildMadminClient, haveGo, type MadminKeys as Keys, madminClient } from './helpers/madmin.js';
import { rawRequest } from './helpers/raw.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';
import { LOOKUP_PASSWORD, type Slapd, startSlapd, USERS } from './helpers/slapd.js';

/**
 * MinIO's admin calls around identity providers and the server, driven by madmin-go 2.0.7
 * (test/go/madmin-client) against the real server and a real slapd: LDAP policy mappings with
 * madmin's encrypted bodies, `info`, `accountinfo`, `idp-config`; the same LDAP scenario through
 * `tessera admin idp ldap`, and hand-made requests for bad input.
 */
const ROOT: Keys = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const OIDC_SECRET = 'oidc-client-secret-value';

describe.skipIf(!haveGo)(
  'MinIO admin: LDAP mappings, info, accountinfo, idp-config through madmin-go',
  () => {
    let server: RunningServer;
    let slapd: Slapd;
    let work: string;
    let client: string;

    const { madmin, one, value, code } = madminClient(
      () => client,
      () => server.endpoint,
    );

    function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
      return new Promise((resolve) => {
        const env = { ...process.env, TESSERA_CONFIG_DIR: join(work, 'config') };
        execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
        });
      });
    }

    /** A root-signed request with a body (Content-Length given, as madmin-go sends). */
    const post = (path: string, body: Buffer | string) =>
      rawRequest(server.port, {
        method: 'POST',
        path,
        body,
        headers: { 'content-length': String(Buffer.byteLength(body)) },
      });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'tessera-madmin-idp-'));
      client = await buildMadminClient(work);
      slapd = await startSlapd();
      server = await startServer({
        workers: 1,
        env: {
          ...slapd.env(),
          // An OpenID provider that is never reached here: only its configuration is read.
          TESSERA_IDENTITY_OPENID_CONFIG_URL: 'http://127.0.0.1:9/.well-known/openid-configuration',
          TESSERA_IDENTITY_OPENID_CLIENT_ID: 'tessera-app',
          TESSERA_IDENTITY_OPENID_CLIENT_SECRET: OIDC_SECRET,
        },
      });
      const s3 = s3Client(server);
      for (const b of ['reports', 'uploads', 'secret']) await s3.send(new CreateBucketCommand({ Bucket: b }));
      s3.destroy();
      const doc = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
      await madmin(ROOT, [
        {
          op: 'addPolicy',
          name: 'ldap-read',
          policy: doc([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::reports/*'] }]),
        },
        {
          op: 'addPolicy',
          name: 'uploads-write',
          policy: doc([{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::uploads/*'] }]),
        },
        { op: 'addUser', name: 'nadia', secret: 'nadia-secret-1' },
        { op: 'attachPolicy', policies: ['ldap-read', 'uploads-write'], user: 'nadia' },
      ]);
      expect((await tessera(['alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD])).code).toBe(
        0,
      );
    }, 360_000);

    afterAll(async () => {
      await server?.stop();
      await slapd?.stop();
      if (work !== undefined) rmSync(work, { recursive: true, force: true });
    });

    const nadia: Keys = { accessKey: 'nadia', secretKey: 'nadia-secret-1' };

    describe('idp/ldap/policy: encrypted as madmin-go sends and reads them', () => {
      it('attach, policy-entities and detach through madmin-go; the CLI sees the same mappings', async () => {
        const attached = await value<{ policiesAttached: string[]; updatedAt: string }>(ROOT, {
          op: 'ldapAttach',
          policies: ['ldap-read'],
          user: USERS.carol.dn,
        });
        expect(attached.policiesAttached).toEqual(['ldap-read']);
        expect(Date.parse(attached.updatedAt)).toBeGreaterThan(0);
        const entities = await value<{ userMappings: unknown[] }>(ROOT, {
          op: 'ldapEntities',
          users: [USERS.carol.dn],
        });
        expect(entities.userMappings).toEqual([{ user: USERS.carol.dn, policies: ['ldap-read'] }]);
        // The CLI reads (and writes) the same encrypted calls.
        const cli = await tessera([
          'admin',
          'idp',
          'ldap',
          'policy',
          'entities',
          'local',
          '--user',
          USERS.carol.dn,
          '--json',
        ]);
        expect(cli.code, cli.err).toBe(0);
        expect(JSON.parse(cli.out).userMappings).toEqual([{ user: USERS.carol.dn, policies: ['ldap-read'] }]);
        const viaCli = await tessera([
          'admin',
          'idp',
          'ldap',
          'policy',
          'attach',
          'local',
          'uploads-write',
          '--user',
          USERS.carol.dn,
        ]);
        expect(viaCli.code, viaCli.err).toBe(0);
        expect(viaCli.out).toMatch(/Attached uploads-write/);
        const both = await value<{ userMappings: unknown[] }>(ROOT, {
          op: 'ldapEntities',
          users: [USERS.carol.dn],
        });
        expect(both.userMappings).toEqual([
          { user: USERS.carol.dn, policies: ['ldap-read', 'uploads-write'] },
        ]);
        const detached = await value<{ policiesDetached: string[] }>(ROOT, {
          op: 'ldapDetach',
          policies: ['ldap-read', 'uploads-write'],
          user: USERS.carol.dn,
        });
        expect(detached.policiesDetached).toEqual(['ldap-read', 'uploads-write']);
        const none = await value<{ userMappings?: unknown[] }>(ROOT, {
          op: 'ldapEntities',
          users: [USERS.carol.dn],
        });
        expect(none.userMappings).toBeUndefined();
      }, 60_000);

      it('refuses a user without admin:UpdatePolicyAssociation, plain JSON, bad requests and unknown DNs', async () => {
        const denied = await madmin(nadia, [
          { op: 'ldapAttach', policies: ['ldap-read'], user: USERS.carol.dn },
          { op: 'ldapDetach', policies: ['ldap-read'], user: USERS.carol.dn },
          { op: 'ldapEntities' },
        ]);
        for (const r of denied) expect(r).toMatchObject({ ok: false, code: 'AccessDenied' });
        const path = '/minio/admin/v3/idp/ldap/policy/attach';
        // The plain JSON the old wire took: not decryptable, as MinIO answers.
        const plain = await post(path, JSON.stringify({ policies: ['ldap-read'], user: USERS.carol.dn }));
        expect(plain.status).toBe(400);
        expect(JSON.parse(plain.body)).toMatchObject({ Code: 'XMinioAdminConfigBadJSON' });
        const sealed = (v: string) => encryptData(ROOT_PASSWORD, Buffer.from(v));
        const notJson = await post(path, await sealed('{not json'));
        expect(JSON.parse(notJson.body)).toMatchObject({ Code: 'InvalidRequest' });
        const both = await post(
          path,
          await sealed(JSON.stringify({ policies: ['x'], user: 'a', group: 'b' })),
        );
        expect(JSON.parse(both.body)).toMatchObject({ Code: 'XMinioAdminConfigBadJSON' });
        const ghost = await one(ROOT, {
          op: 'ldapAttach',
          policies: ['ldap-read'],
          user: 'uid=ghost,ou=people,dc=example,dc=org',
        });
        expect(ghost).toMatchObject({ ok: false, code: 'InvalidParameterValue' });
        // Over MinIO's maxEConfigJSONSize: refused before anything is derived.
        const huge = await post(path, Buffer.alloc(262_273, 1));
        expect(JSON.parse(huge.body)).toMatchObject({ Code: 'XMinioAdminConfigTooLarge' });
      }, 60_000);
    });

    describe('info and accountinfo', () => {
      it('info: one online server, its buckets, the deployment id; admin:ServerInfo needed', async () => {
        const info = await value<{
          mode: string;
          deploymentID: string;
          buckets: { count: number };
          objects: { error?: string };
          servers: { state: string; endpoint: string; version: string; uptime: number }[];
        }>(ROOT, { op: 'serverInfo' });
        expect(info.mode).toBe('online');
        expect(info.deploymentID).toMatch(/^[0-9a-f-]{36}$/);
        expect(info.buckets.count).toBe(3);
        expect(info.objects.error).toBeTruthy(); // no guessed object count
        expect(info.servers).toHaveLength(1);
        expect(info.servers[0]).toMatchObject({
          state: 'online',
          endpoint: `127.0.0.1:${server.port}`,
          version: '0.1.0',
        });
        expect(await code(nadia, { op: 'serverInfo' })).toBe('AccessDenied');
      }, 60_000);

      it("accountinfo: the caller's name, effective policy and buckets with the access its policies give", async () => {
        const mine = await value<{
          AccountName: string;
          Policy: { Statement: { Action: unknown }[] };
          Buckets: { name: string; access: { read: boolean; write: boolean } }[];
        }>(nadia, { op: 'accountInfo' });
        expect(mine.AccountName).toBe('nadia');
        expect(mine.Policy.Statement).toHaveLength(2);
        expect(mine.Buckets.map((b) => [b.name, b.access])).toEqual([
          ['reports', { read: true, write: false }],
          ['uploads', { read: false, write: true }],
        ]);
        const root = await value<{ AccountName: string; Buckets: { name: string }[] }>(ROOT, {
          op: 'accountInfo',
        });
        expect(root.AccountName).toBe(ROOT_USER);
        expect(root.Buckets.map((b) => b.name).sort()).toEqual(['reports', 'secret', 'uploads']);
      }, 60_000);
    });

    describe('idp-config: the providers the environment configured', () => {
      it('list and get answer the effective configuration, secrets redacted', async () => {
        expect(await value(ROOT, { op: 'idpList', cfgType: 'ldap' })).toEqual([
          { type: 'ldap', name: '_', enabled: true },
        ]);
        const ldap = await value<{
          type: string;
          name: string;
          info: { key: string; value: string; isEnv: boolean }[];
        }>(ROOT, { op: 'idpGet', cfgType: 'ldap', name: '_' });
        expect(ldap).toMatchObject({ type: 'ldap', name: '_' });
        const kv = Object.fromEntries(ldap.info.map((i) => [i.key, i.value]));
        expect(kv).toMatchObject({ user_dn_search_filter: '(uid=%s)', lookup_bind_password: '*redacted*' });
        expect(JSON.stringify(ldap)).not.toContain(LOOKUP_PASSWORD);
        expect(ldap.info.every((i) => i.isEnv)).toBe(true);
        const openid = await value<{ info: { key: string; value: string }[] }>(ROOT, {
          op: 'idpGet',
          cfgType: 'openid',
        });
        const okv = Object.fromEntries(openid.info.map((i) => [i.key, i.value]));
        expect(okv).toMatchObject({ client_id: 'tessera-app', client_secret: '*redacted*' });
        expect(JSON.stringify(openid)).not.toContain(OIDC_SECRET);
        expect(await value(ROOT, { op: 'idpList', cfgType: 'openid' })).toEqual([
          { type: 'openid', name: '_', enabled: true },
        ]);
      }, 60_000);

      it('set and delete are refused as MinIO refuses environment-set configuration; unknown names and types', async () => {
        const [add, update, del, missing, get] = await madmin(ROOT, [
          { op: 'idpSet', cfgType: 'ldap', name: '_', cfgData: 'server_addr=x:389' },
          { op: 'idpSet', cfgType: 'openid', name: 'other', cfgData: 'client_id=x', update: true },
          { op: 'idpDelete', cfgType: 'ldap', name: '_' },
          { op: 'idpDelete', cfgType: 'openid', name: 'nope' },
          { op: 'idpGet', cfgType: 'openid', name: 'nope' },
        ]);
        for (const r of [add, update, del])
          expect(r).toMatchObject({ ok: false, code: 'XMinioAdminConfigEnvOverridden' });
        for (const r of [missing, get])
          expect(r).toMatchObject({ ok: false, code: 'XMinioAdminNoSuchConfigTarget' });
        const badType = await rawRequest(server.port, {
          method: 'GET',
          path: '/minio/admin/v3/idp-config/saml',
        });
        expect(JSON.parse(badType.body)).toMatchObject({ Code: 'XMinioAdminConfigInvalidIDPType' });
        const garbage = await rawRequest(server.port, {
          method: 'PUT',
          path: '/minio/admin/v3/idp-config/ldap/_',
          body: 'server_addr=x',
          headers: { 'content-length': '13' },
        });
        expect(JSON.parse(garbage.body)).toMatchObject({ Code: 'XMinioAdminConfigBadJSON' });
        expect(await code(nadia, { op: 'idpList', cfgType: 'ldap' })).toBe('AccessDenied');
        expect(await code(nadia, { op: 'idpGet', cfgType: 'ldap', name: '_' })).toBe('AccessDenied');
      }, 60_000);
    });
  },
);
