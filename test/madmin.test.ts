import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptData, encryptData } from '../src/admin/index.js';
import { iamQuery } from './helpers/iam.js';
import { buildMadminClient, haveGo, type MadminKeys as Keys, madminClient } from './helpers/madmin.js';
import { rawRequest, signer } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';

/**
 * MinIO's admin API driven by madmin-go itself: test/go/madmin-client (Debian's
 * golang-github-minio-madmin-go-dev 2.0.7, built in GOPATH mode, once per run) against the real
 * server, plus hand-made requests for bad input. In CI (CI=true) a missing Go toolchain fails.
 */

const ROOT: Keys = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const b64 = (b: Buffer) => b.toString('base64');

describe.skipIf(!haveGo)('MinIO admin API through madmin-go', () => {
  let server: RunningServer;
  let work: string;
  let client: string;

  const { madmin, one, value, code } = madminClient(
    () => client,
    () => server.endpoint,
  );

  /** A root-signed request whose answer is read as bytes (encrypted bodies). */
  async function signedFetch(method: string, path: string, query: Record<string, string>, body?: Buffer) {
    const payload = body ?? Buffer.alloc(0);
    const headers = {
      host: `127.0.0.1:${server.port}`,
      'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex'),
    };
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: server.port,
      path,
      query,
      headers,
    });
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(`${server.endpoint}${path}${qs === '' ? '' : `?${qs}`}`, {
      method,
      headers: signed.headers,
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tessera-madmin-'));
    client = await buildMadminClient(work);
    server = await startServer({ workers: 1 });
  }, 360_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('encrypted bodies: Go ↔ Node', () => {
    it('Node decrypts what madmin.EncryptData wrote (at 0, 1 fragment and 40,000 bytes)', async () => {
      for (const size of [0, 16384, 40000]) {
        const plain = Buffer.alloc(size, 'ab');
        const sealed = Buffer.from(
          await value<string>(ROOT, { op: 'encrypt', password: 'pw-1', data: b64(plain) }),
          'base64',
        );
        expect(sealed[32]).toBe(0x00); // argon2id + AES-GCM on a machine with AES instructions
        expect((await decryptData('pw-1', sealed)).equals(plain)).toBe(true);
        await expect(decryptData('pw-2', sealed)).rejects.toMatchObject({ code: 'XMinioAdminConfigBadJSON' });
      }
    }, 60_000);

    it('madmin.DecryptData reads what Node wrote, with every algorithm id', async () => {
      const plain = Buffer.alloc(40000, 'xy');
      for (const id of [0x00, 0x01, 0x02]) {
        const sealed = await encryptData('pw-1', plain, id);
        const [good, wrong] = await madmin(ROOT, [
          { op: 'decrypt', password: 'pw-1', data: b64(sealed) },
          { op: 'decrypt', password: 'pw-2', data: b64(sealed) },
        ]);
        expect(Buffer.from(good!.value as string, 'base64').equals(plain)).toBe(true);
        expect(wrong).toEqual({ ok: false, message: 'sio: data is not authentic' });
      }
    }, 60_000);
  });

  describe('users', () => {
    it('add-user, list-users (encrypted), user-info, set-user-status; the user signs with its secret', async () => {
      expect(await one(ROOT, { op: 'addUser', name: 'alice', secret: 'alice-secret-1' })).toEqual({
        ok: true,
      });
      const users = await value<Record<string, { status: string }>>(ROOT, { op: 'listUsers' });
      expect(users.alice).toMatchObject({ status: 'enabled' });
      const alice: Keys = { accessKey: 'alice', secretKey: 'alice-secret-1' };
      // A user reads its own info without admin rights, as in MinIO.
      expect(await value(alice, { op: 'userInfo', name: 'alice' })).toMatchObject({ status: 'enabled' });
      await value(ROOT, { op: 'setUserStatus', name: 'alice', status: 'disabled' });
      expect(await value(ROOT, { op: 'userInfo', name: 'alice' })).toMatchObject({ status: 'disabled' });
      expect(await code(alice, { op: 'userInfo', name: 'alice' })).not.toBeUndefined(); // disabled: refused
      await value(ROOT, { op: 'setUserStatus', name: 'alice', status: 'enabled' });
      // add-user of an existing user changes its secret.
      await value(ROOT, { op: 'setUser', name: 'alice', secret: 'alice-secret-2', status: 'enabled' });
      expect(await code(alice, { op: 'userInfo', name: 'alice' })).toBe('SignatureDoesNotMatch');
      const alice2 = { accessKey: 'alice', secretKey: 'alice-secret-2' };
      expect(await value(alice2, { op: 'userInfo', name: 'alice' })).toMatchObject({ status: 'enabled' });
    }, 60_000);

    it("answers MinIO's codes for missing users and bad status", async () => {
      const [info, remove, status, secret, name, root] = await madmin(ROOT, [
        { op: 'userInfo', name: 'nobody' },
        { op: 'removeUser', name: 'nobody' },
        { op: 'setUserStatus', name: 'alice', status: 'sleeping' },
        { op: 'addUser', name: 'shorty', secret: 'short' },
        { op: 'addUser', name: 'bad name!', secret: 'long-enough-secret' },
        { op: 'addUser', name: ROOT_USER, secret: 'long-enough-secret' },
      ]);
      expect(info).toMatchObject({ ok: false, code: 'XMinioAdminNoSuchUser' });
      expect(remove).toMatchObject({ ok: false, code: 'XMinioAdminNoSuchUser' });
      expect(status).toMatchObject({ ok: false, code: 'XMinioAdminInvalidArgument' });
      expect(secret).toMatchObject({ ok: false, code: 'XMinioAdminInvalidSecretKey' });
      expect(name).toMatchObject({ ok: false, code: 'XMinioAdminInvalidAccessKey' });
      expect(root).toMatchObject({ ok: false, code: 'XMinioAdminInvalidArgument' });
    }, 60_000);

    it('refuses a user without admin rights, and allows one granted admin:ListUsers only that', async () => {
      await value(ROOT, { op: 'addUser', name: 'mallory', secret: 'mallory-secret-1' });
      const mallory = { accessKey: 'mallory', secretKey: 'mallory-secret-1' };
      const denied = await madmin(mallory, [
        { op: 'listUsers' },
        { op: 'addUser', name: 'eve', secret: 'eve-secret-1' },
        { op: 'userInfo', name: 'alice' },
        { op: 'removeUser', name: 'alice' },
        { op: 'listGroups' },
        { op: 'listPolicies' },
        { op: 'addPolicy', name: 'mine', policy: { Version: '2012-10-17', Statement: [] } },
        { op: 'attachPolicy', policies: ['consoleAdmin'], user: 'mallory' },
        { op: 'setPolicy', name: 'consoleAdmin', user: 'mallory' },
        { op: 'updateGroupMembers', group: 'admins', members: ['mallory'] },
        { op: 'setUserStatus', name: 'alice', status: 'disabled' },
        { op: 'groupInfo', group: 'admins' },
        { op: 'setGroupStatus', group: 'admins', status: 'disabled' },
        { op: 'infoPolicy', name: 'readwrite' },
        { op: 'removePolicy', name: 'readwrite' },
        { op: 'detachPolicy', policies: ['readonly'], user: 'alice' },
        { op: 'policyEntities', users: ['alice'] },
        { op: 'addServiceAccount', user: 'alice' },
        { op: 'listServiceAccounts', user: 'alice' },
      ]);
      expect(denied).toHaveLength(19);
      for (const r of denied) expect(r).toMatchObject({ ok: false, code: 'AccessDenied' });
      await value(ROOT, {
        op: 'addPolicy',
        name: 'list-users-only',
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['admin:ListUsers'] }] },
      });
      await value(ROOT, { op: 'attachPolicy', policies: ['list-users-only'], user: 'mallory' });
      expect(Object.keys(await value<object>(mallory, { op: 'listUsers' }))).toContain('alice');
      expect(await code(mallory, { op: 'addUser', name: 'eve', secret: 'eve-secret-1' })).toBe(
        'AccessDenied',
      );
    }, 60_000);
  });

  describe('groups', () => {
    it('update-group-members creates, adds and removes; group, groups, set-group-status', async () => {
      await value(ROOT, { op: 'addUser', name: 'gina', secret: 'gina-secret-1' });
      await value(ROOT, { op: 'updateGroupMembers', group: 'devs', members: ['alice', 'gina'] });
      expect(await value(ROOT, { op: 'groupInfo', group: 'devs' })).toMatchObject({
        name: 'devs',
        status: 'enabled',
        members: ['alice', 'gina'],
      });
      expect(await value(ROOT, { op: 'listGroups' })).toContain('devs');
      await value(ROOT, { op: 'setGroupStatus', group: 'devs', status: 'disabled' });
      expect(await value(ROOT, { op: 'groupInfo', group: 'devs' })).toMatchObject({ status: 'disabled' });
      expect(await value(ROOT, { op: 'userInfo', name: 'gina' })).toMatchObject({ memberOf: ['devs'] });
      // Removing a non-empty group is refused; members first, then the group.
      expect(await code(ROOT, { op: 'updateGroupMembers', group: 'devs', isRemove: true })).toBe(
        'XMinioAdminGroupNotEmpty',
      );
      await value(ROOT, {
        op: 'updateGroupMembers',
        group: 'devs',
        members: ['alice', 'gina'],
        isRemove: true,
      });
      await value(ROOT, { op: 'updateGroupMembers', group: 'devs', isRemove: true });
      expect(await code(ROOT, { op: 'groupInfo', group: 'devs' })).toBe('XMinioAdminNoSuchGroup');
    }, 60_000);

    it("answers MinIO's codes for unknown members and groups", async () => {
      const [member, status, remove] = await madmin(ROOT, [
        { op: 'updateGroupMembers', group: 'ops', members: ['ghost'] },
        { op: 'setGroupStatus', group: 'nogroup', status: 'enabled' },
        { op: 'updateGroupMembers', group: 'nogroup', members: ['alice'], isRemove: true },
      ]);
      expect(member).toMatchObject({ ok: false, code: 'XMinioAdminNoSuchUser' });
      expect(status).toMatchObject({ ok: false, code: 'XMinioAdminNoSuchGroup' });
      expect(remove).toMatchObject({ ok: false, code: 'XMinioAdminNoSuchGroup' });
      // Nothing was created by the refused call.
      expect(await value(ROOT, { op: 'listGroups' })).not.toContain('ops');
    }, 60_000);
  });

  describe('canned policies and mappings', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::photos/*'] }],
    };

    it('add, info (v1 and v2), list, replace, set-policy, attach/detach, policy-entities, remove', async () => {
      await value(ROOT, { op: 'addPolicy', name: 'photos-read', policy: doc });
      expect(await value(ROOT, { op: 'infoPolicy', name: 'photos-read' })).toEqual(doc);
      expect(await value(ROOT, { op: 'infoPolicyV2', name: 'photos-read' })).toMatchObject({
        PolicyName: 'photos-read',
        Policy: doc,
      });
      const all = await value<Record<string, unknown>>(ROOT, { op: 'listPolicies' });
      expect(all['photos-read']).toEqual(doc);
      expect(Object.keys(all)).toEqual(expect.arrayContaining(['readwrite', 'readonly', 'consoleAdmin']));
      const replaced = { ...doc, Statement: [{ ...doc.Statement[0], Action: ['s3:*'] }] };
      await value(ROOT, { op: 'addPolicy', name: 'photos-read', policy: replaced });
      expect(await value(ROOT, { op: 'infoPolicy', name: 'photos-read' })).toEqual(replaced);

      await value(ROOT, { op: 'setPolicy', name: 'photos-read,readonly', user: 'alice' });
      const info = await value<{ policyName: string }>(ROOT, { op: 'userInfo', name: 'alice' });
      expect(info.policyName.split(',').sort()).toEqual(['photos-read', 'readonly']);
      await value(ROOT, { op: 'setPolicy', name: 'readonly', user: 'alice' });
      expect(await value(ROOT, { op: 'userInfo', name: 'alice' })).toMatchObject({ policyName: 'readonly' });

      await value(ROOT, { op: 'attachPolicy', policies: ['photos-read'], user: 'alice' });
      expect(await code(ROOT, { op: 'attachPolicy', policies: ['photos-read'], user: 'alice' })).toBe(
        'XMinioAdminPolicyChangeAlreadyApplied',
      );
      const entities = await value<{ userMappings: unknown[]; policyMappings: unknown[] }>(ROOT, {
        op: 'policyEntities',
        users: ['alice'],
        policies: ['photos-read'],
      });
      expect(entities.userMappings).toEqual([
        { user: 'alice', policies: expect.arrayContaining(['photos-read', 'readonly']) },
      ]);
      expect(entities.policyMappings).toEqual([{ policy: 'photos-read', users: ['alice'], groups: [] }]);
      await value(ROOT, { op: 'detachPolicy', policies: ['photos-read'], user: 'alice' });
      expect(await code(ROOT, { op: 'detachPolicy', policies: ['photos-read'], user: 'alice' })).toBe(
        'XMinioAdminPolicyChangeAlreadyApplied',
      );
      await value(ROOT, { op: 'updateGroupMembers', group: 'readers', members: ['alice'] });
      await value(ROOT, { op: 'setPolicy', name: 'photos-read', user: 'readers', isGroup: true });
      expect(await value(ROOT, { op: 'groupInfo', group: 'readers' })).toMatchObject({
        policy: 'photos-read',
      });
      expect(await code(ROOT, { op: 'removePolicy', name: 'photos-read' })).toBe('DeleteConflict');
      await value(ROOT, { op: 'setPolicy', name: '', user: 'readers', isGroup: true });
      await value(ROOT, { op: 'removePolicy', name: 'photos-read' });
      expect(await code(ROOT, { op: 'infoPolicy', name: 'photos-read' })).toBe('XMinioAdminNoSuchPolicy');
    }, 90_000);

    it("answers MinIO's codes for unknown policies, users and groups, and bad documents", async () => {
      const r = await madmin(ROOT, [
        { op: 'infoPolicy', name: 'nopolicy' },
        { op: 'removePolicy', name: 'nopolicy' },
        { op: 'setPolicy', name: 'nopolicy', user: 'alice' },
        { op: 'setPolicy', name: 'readonly', user: 'ghost' },
        { op: 'setPolicy', name: 'readonly', user: 'nogroup', isGroup: true },
        { op: 'attachPolicy', policies: ['nopolicy'], user: 'alice' },
        { op: 'attachPolicy', policies: ['readonly'], group: 'nogroup' },
        { op: 'addPolicy', name: 'broken', policy: { Version: '2012-10-17', Statement: 'nope' } },
        { op: 'addPolicy', name: 'readwrite', policy: { Version: '2012-10-17', Statement: [] } },
      ]);
      expect(r.map((x) => x.code)).toEqual([
        'XMinioAdminNoSuchPolicy',
        'XMinioAdminNoSuchPolicy',
        'XMinioAdminNoSuchPolicy',
        'XMinioAdminNoSuchUser',
        'XMinioAdminNoSuchGroup',
        'XMinioAdminNoSuchPolicy',
        'XMinioAdminNoSuchGroup',
        'MalformedPolicyDocument',
        'XMinioAdminInvalidArgument',
      ]);
    }, 60_000);
  });

  describe('service accounts', () => {
    it('a user manages its own (encrypted both ways); root makes one for a user', async () => {
      await value(ROOT, { op: 'addUser', name: 'sam', secret: 'sam-secret-1' });
      const sam = { accessKey: 'sam', secretKey: 'sam-secret-1' };
      const made = await value<{ accessKey: string; secretKey: string }>(sam, {
        op: 'addServiceAccount',
        comment: 'backups',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'] }],
        },
      });
      expect(made.accessKey).toMatch(/^\S{20}$/);
      expect(made.secretKey).toMatch(/^\S{40}$/);
      expect(await value(sam, { op: 'listServiceAccounts' })).toEqual({ accounts: [made.accessKey] });
      expect(await value(sam, { op: 'infoServiceAccount', name: made.accessKey })).toMatchObject({
        parentUser: 'sam',
        accountStatus: 'on',
        impliedPolicy: false,
        comment: 'backups',
      });
      await value(sam, { op: 'updateServiceAccount', name: made.accessKey, status: 'off', comment: 'old' });
      expect(await value(sam, { op: 'infoServiceAccount', name: made.accessKey })).toMatchObject({
        accountStatus: 'off',
        comment: 'old',
      });
      // A service account cannot make service accounts.
      await value(sam, { op: 'updateServiceAccount', name: made.accessKey, status: 'on' });
      expect(await code(made, { op: 'addServiceAccount' })).toBe('XMinioIAMActionNotAllowed');
      await value(sam, { op: 'deleteServiceAccount', name: made.accessKey });
      expect(await code(sam, { op: 'infoServiceAccount', name: made.accessKey })).toBe(
        'XMinioAdminServiceAccountNotFound',
      );

      const chosen = await value<{ accessKey: string }>(ROOT, {
        op: 'addServiceAccount',
        user: 'sam',
        name: 'SAMKEY0123456789ABCD',
        secret: 'sam-service-secret-1',
      });
      expect(chosen.accessKey).toBe('SAMKEY0123456789ABCD');
      expect(await value(sam, { op: 'infoServiceAccount', name: chosen.accessKey })).toMatchObject({
        parentUser: 'sam',
        impliedPolicy: true,
      });
      expect(await value(ROOT, { op: 'listServiceAccounts', user: 'sam' })).toEqual({
        accounts: ['SAMKEY0123456789ABCD'],
      });
    }, 90_000);

    it("takes newer madmin-go's name, description and expiration, and shows them", async () => {
      const expiration = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const request = { targetUser: 'sam', name: 'nightly', description: 'nightly backups', expiration };
      const made = await signedFetch(
        'PUT',
        '/minio/admin/v3/add-service-account',
        {},
        await encryptData(ROOT_PASSWORD, Buffer.from(JSON.stringify(request))),
      );
      expect(made.status).toBe(200);
      const { credentials } = JSON.parse((await decryptData(ROOT_PASSWORD, made.body)).toString()) as {
        credentials: { accessKey: string; expiration: string };
      };
      expect(credentials.expiration).toBe(expiration.replace('Z', '.000Z'));
      const info = await signedFetch('GET', '/minio/admin/v3/info-service-account', {
        accessKey: credentials.accessKey,
      });
      expect(JSON.parse((await decryptData(ROOT_PASSWORD, info.body)).toString())).toMatchObject({
        parentUser: 'sam',
        name: 'nightly',
        description: 'nightly backups',
        comment: 'nightly backups',
        expiration: credentials.expiration,
      });
      const bad = { targetUser: 'sam', expiration: 'tomorrow' };
      const refused = await signedFetch(
        'PUT',
        '/minio/admin/v3/add-service-account',
        {},
        await encryptData(ROOT_PASSWORD, Buffer.from(JSON.stringify(bad))),
      );
      expect([refused.status, JSON.parse(refused.body.toString()).Code]).toEqual([
        400,
        'XMinioAdminInvalidArgument',
      ]);
      await value(ROOT, { op: 'deleteServiceAccount', name: credentials.accessKey });
    }, 60_000);

    it("keeps users out of others' service accounts", async () => {
      const mallory = { accessKey: 'mallory', secretKey: 'mallory-secret-1' };
      const r = await madmin(mallory, [
        { op: 'listServiceAccounts', user: 'sam' },
        { op: 'addServiceAccount', user: 'sam' },
        { op: 'infoServiceAccount', name: 'SAMKEY0123456789ABCD' },
        { op: 'updateServiceAccount', name: 'SAMKEY0123456789ABCD', status: 'off' },
        { op: 'deleteServiceAccount', name: 'SAMKEY0123456789ABCD' },
        { op: 'infoServiceAccount', name: 'NOSUCHKEY' },
      ]);
      expect(r.map((x) => x.code)).toEqual([
        'AccessDenied',
        'AccessDenied',
        'XMinioAdminServiceAccountNotFound',
        'XMinioAdminServiceAccountNotFound',
        'XMinioAdminServiceAccountNotFound',
        'XMinioAdminServiceAccountNotFound',
      ]);
      expect(await value(ROOT, { op: 'infoServiceAccount', name: 'SAMKEY0123456789ABCD' })).toMatchObject({
        accountStatus: 'on',
      });
    }, 60_000);
  });

  describe('bad input', () => {
    /** PUT add-user?accessKey=zed signed by root with `body`. */
    const addUserRaw = (body: Buffer, path = '/minio/admin/v3/add-user') =>
      rawRequest(server.port, { method: 'PUT', path, query: { accessKey: 'zed' }, body });
    const codeOf = (r: { body: string }) => (JSON.parse(r.body) as { Code: string }).Code;
    const request = Buffer.from(JSON.stringify({ secretKey: 'zed-secret-1', status: 'enabled' }));

    it('refuses truncated, tampered, foreign-password, unknown-algorithm and plain bodies', async () => {
      const good = await encryptData(ROOT_PASSWORD, request);
      const tampered = Buffer.from(good);
      tampered[tampered.length - 3]! ^= 1;
      const unknownId = Buffer.from(good);
      unknownId[32] = 0x07;
      for (const body of [
        good.subarray(0, good.length - 1),
        good.subarray(0, 40),
        tampered,
        await encryptData('not-the-root-secret', request),
        unknownId,
        request,
        Buffer.alloc(0),
      ]) {
        const r = await addUserRaw(body);
        expect([r.status, codeOf(r)]).toEqual([400, 'XMinioAdminConfigBadJSON']);
        expect(JSON.parse(r.body)).toMatchObject({ Resource: '/minio/admin/v3/add-user' });
      }
      expect(await code(ROOT, { op: 'userInfo', name: 'zed' })).toBe('XMinioAdminNoSuchUser');
      // The same bytes, intact, work (over /v4 as well).
      const r = await addUserRaw(good, '/minio/admin/v4/add-user');
      expect(r.status).toBe(200);
      expect(await value(ROOT, { op: 'userInfo', name: 'zed' })).toMatchObject({ status: 'enabled' });
    }, 60_000);

    it('refuses an oversized body before reading it, and unsigned or wrongly-sent calls', async () => {
      const big = await addUserRaw(Buffer.alloc(300 * 1024, 1));
      expect([big.status, codeOf(big)]).toEqual([400, 'XMinioAdminConfigTooLarge']);
      const unsigned = await rawRequest(server.port, {
        method: 'GET',
        path: '/minio/admin/v3/list-users',
        unsigned: true,
      });
      expect([unsigned.status, codeOf(unsigned)]).toEqual([403, 'AccessDenied']);
      const method = await rawRequest(server.port, { method: 'POST', path: '/minio/admin/v3/list-users' });
      expect(method.status).toBe(405);
      const v4 = await rawRequest(server.port, {
        method: 'GET',
        path: '/minio/admin/v4/user-info',
        query: { accessKey: 'alice' },
      });
      expect([v4.status, JSON.parse(v4.body).status]).toEqual([200, 'enabled']);
      const later = await rawRequest(server.port, { method: 'GET', path: '/minio/admin/v3/storageinfo' });
      expect([later.status, codeOf(later)]).toEqual([501, 'NotImplemented']);
      const badJson = await rawRequest(server.port, {
        method: 'PUT',
        path: '/minio/admin/v3/update-group-members',
        body: '{"group":',
      });
      expect([badJson.status, codeOf(badJson)]).toEqual([400, 'InvalidRequest']);
      // An IAM-API check that the refused calls changed nothing.
      expect(await iamQuery(server.endpoint, { Action: 'ListGroups' })).not.toContain('<GroupName>{');
    }, 60_000);
  });
});
