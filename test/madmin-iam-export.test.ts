import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMadminClient,
  haveGo,
  type MadminKeys as Keys,
  type MadminResult,
  type MadminStep,
  runMadmin,
} from './helpers/madmin.js';
import { rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';

/**
 * MinIO's export-iam / import-iam driven by madmin-go 2.0.7 (test/go/madmin-client): an export
 * from one Tessera imports into a fresh one with the same users, groups, policies, service
 * accounts and mappings (and their secrets sign there); Go's archive/zip reads Tessera's archive
 * and writes the one a MinIO export looks like; bad archives and callers are refused.
 */
type Step = MadminStep;
const ROOT: Keys = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const doc = (action: string, bucket: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: [action], Resource: [`arn:aws:s3:::${bucket}/*`] }],
});

describe.skipIf(!haveGo)('export-iam / import-iam through madmin-go', () => {
  let source: RunningServer;
  let target: RunningServer;
  let work: string;
  let client: string;

  function madmin(server: RunningServer, keys: Keys, steps: Step[]): Promise<MadminResult[]> {
    return runMadmin(client, server.endpoint, keys, steps);
  }
  async function value<T>(server: RunningServer, keys: Keys, step: Step): Promise<T> {
    const [r] = await madmin(server, keys, [step]);
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    return r!.value as T;
  }
  const code = async (server: RunningServer, keys: Keys, step: Step) =>
    (await madmin(server, keys, [step]))[0]!.code;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tessera-madmin-iam-'));
    client = await buildMadminClient(work);
    [source, target] = await Promise.all([startServer({ workers: 1 }), startServer({ workers: 1 })]);
    const setup = await madmin(source, ROOT, [
      { op: 'addPolicy', name: 'photos-read', policy: doc('s3:GetObject', 'photos') },
      { op: 'addPolicy', name: 'logs-write', policy: doc('s3:PutObject', 'logs') },
      { op: 'addUser', name: 'alice', secret: 'alice-secret-1' },
      { op: 'addUser', name: 'bob', secret: 'bob-secret-1' },
      { op: 'setUserStatus', name: 'bob', status: 'disabled' },
      { op: 'updateGroupMembers', group: 'devs', members: ['alice', 'bob'] },
      { op: 'attachPolicy', policies: ['photos-read'], user: 'alice' },
      { op: 'attachPolicy', policies: ['logs-write', 'readonly'], group: 'devs' },
      {
        op: 'addServiceAccount',
        user: 'alice',
        name: 'alicesvc1',
        secret: 'alice-svc-secret-1',
        policy: doc('s3:GetObject', 'photos'),
      },
    ]);
    for (const r of setup) expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  }, 360_000);

  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  let archive = '';

  it("exports MinIO's layout, which Go's archive/zip reads", async () => {
    archive = await value<string>(source, ROOT, { op: 'exportIAM' });
    const files = await value<Record<string, string>>(source, ROOT, { op: 'zipRead', data: archive });
    expect(Object.keys(files).sort()).toEqual(
      [
        'group_mappings.json',
        'groups.json',
        'policies.json',
        'stsgroup_mappings.json',
        'stsuser_mappings.json',
        'svcaccts.json',
        'user_mappings.json',
        'users.json',
      ].map((f) => `iam-assets/${f}`),
    );
    const json = (f: string) => JSON.parse(files[`iam-assets/${f}`]!);
    expect(json('users.json')).toEqual({
      alice: { secretKey: 'alice-secret-1', status: 'enabled' },
      bob: { secretKey: 'bob-secret-1', status: 'disabled' },
    });
    expect(json('policies.json')['photos-read']).toEqual(doc('s3:GetObject', 'photos'));
    expect(json('groups.json').devs).toMatchObject({ status: 'enabled', members: ['alice', 'bob'] });
    expect(json('user_mappings.json').alice).toMatchObject({ policy: 'photos-read' });
    expect(json('group_mappings.json').devs.policy.split(',').sort()).toEqual(['logs-write', 'readonly']);
    expect(json('svcaccts.json').alicesvc1).toMatchObject({
      parent: 'alice',
      accessKey: 'alicesvc1',
      secretKey: 'alice-svc-secret-1',
      status: 'on',
      sessionPolicy: doc('s3:GetObject', 'photos'),
    });
  }, 60_000);

  it('imports into a fresh Tessera: the same users, groups, policies, mappings and keys', async () => {
    expect(await madmin(target, ROOT, [{ op: 'importIAM', data: archive }])).toEqual([{ ok: true }]);
    const users = await value<Record<string, { status: string; policyName?: string; memberOf?: string[] }>>(
      target,
      ROOT,
      { op: 'listUsers' },
    );
    expect(users.alice).toMatchObject({ status: 'enabled', policyName: 'photos-read', memberOf: ['devs'] });
    expect(users.bob).toMatchObject({ status: 'disabled', memberOf: ['devs'] });
    const group = await value<{ members: string[]; policy: string }>(target, ROOT, {
      op: 'groupInfo',
      group: 'devs',
    });
    expect(group.members).toEqual(['alice', 'bob']);
    expect(group.policy.split(',').sort()).toEqual(['logs-write', 'readonly']);
    expect(await value(target, ROOT, { op: 'infoPolicy', name: 'logs-write' })).toEqual(
      doc('s3:PutObject', 'logs'),
    );
    // The secrets came along: alice and her service account sign on the new server.
    const alice = { accessKey: 'alice', secretKey: 'alice-secret-1' };
    expect(await value(target, alice, { op: 'userInfo', name: 'alice' })).toMatchObject({
      status: 'enabled',
    });
    const svc = { accessKey: 'alicesvc1', secretKey: 'alice-svc-secret-1' };
    expect(await value(target, svc, { op: 'accountInfo' })).toMatchObject({ AccountName: 'alice' });
    expect(await value(target, ROOT, { op: 'infoServiceAccount', name: 'alicesvc1' })).toMatchObject({
      parentUser: 'alice',
      accountStatus: 'on',
      impliedPolicy: false,
    });
    // Importing again changes nothing and does not fail (existing entities are updated).
    expect(await madmin(target, ROOT, [{ op: 'importIAM', data: archive }])).toEqual([{ ok: true }]);
  }, 60_000);

  it('imports an archive as Go writes it (MinIO layout, built-in policies skipped)', async () => {
    const files = {
      'iam-assets/policies.json': JSON.stringify({
        'minio-made': doc('s3:ListBucket', 'shared'),
        readwrite: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:::*'] }],
        },
      }),
      'iam-assets/users.json': JSON.stringify({ carol: { secretKey: 'carol-secret-1', status: 'enabled' } }),
      'iam-assets/groups.json': JSON.stringify({
        ops: {
          version: 1,
          status: 'enabled',
          members: ['carol'],
          updatedAt: '2024-04-23T21:34:43.587429659Z',
        },
      }),
      'iam-assets/user_mappings.json': JSON.stringify({
        carol: { version: 1, policy: 'minio-made', updatedAt: '2024-04-23T21:34:43Z' },
      }),
    };
    const zip = await value<string>(target, ROOT, { op: 'zipWrite', files });
    expect(await madmin(target, ROOT, [{ op: 'importIAM', data: zip }])).toEqual([{ ok: true }]);
    expect(await value(target, ROOT, { op: 'userInfo', name: 'carol' })).toMatchObject({
      policyName: 'minio-made',
      memberOf: ['ops'],
    });
  }, 60_000);

  it('refuses callers without admin:ExportIAM / admin:ImportIAM, damaged archives and bad JSON', async () => {
    const alice = { accessKey: 'alice', secretKey: 'alice-secret-1' };
    // madmin-go 2.0.7's ExportIAM closes the body before reading the error: check the raw answer too.
    expect((await madmin(source, alice, [{ op: 'exportIAM' }]))[0]).toMatchObject({
      ok: false,
      message: /403/,
    });
    const raw = await rawRequest(source.port, {
      method: 'GET',
      path: '/minio/admin/v3/export-iam',
      credentials: { accessKeyId: 'alice', secretAccessKey: 'alice-secret-1' },
    });
    expect(raw.status).toBe(403);
    expect(JSON.parse(raw.body)).toMatchObject({ Code: 'AccessDenied' });
    expect(await code(source, alice, { op: 'importIAM', data: archive })).toBe('AccessDenied');
    const garbage = await rawRequest(target.port, {
      method: 'PUT',
      path: '/minio/admin/v3/import-iam',
      body: 'not a zip at all',
      headers: { 'content-length': '16' },
    });
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({ Code: 'InvalidRequest' });
    const truncated = Buffer.from(archive, 'base64').subarray(0, 200).toString('base64');
    expect(await code(target, ROOT, { op: 'importIAM', data: truncated })).toBe('InvalidRequest');
    const badJson = await value<string>(target, ROOT, {
      op: 'zipWrite',
      files: { 'iam-assets/users.json': '{"dave": ' },
    });
    expect(await code(target, ROOT, { op: 'importIAM', data: badJson })).toBe('XMinioAdminConfigBadJSON');
    const badUser = await value<string>(target, ROOT, {
      op: 'zipWrite',
      files: {
        'iam-assets/users.json': JSON.stringify({
          'bad name!': { secretKey: 'long-enough-1', status: 'enabled' },
        }),
      },
    });
    const r = (await madmin(target, ROOT, [{ op: 'importIAM', data: badUser }]))[0]!;
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/users\.json/);
  }, 60_000);
});
