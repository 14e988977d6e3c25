import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from './helpers/aws-cli.js';
import { errorCode, rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

const DAY = 86_400_000;

let server: RunningServer;
let s3: S3Client;
let iam: IAMClient;
let work: string;

async function aws(...args: string[]): Promise<string> {
  return awsCli(server.endpoint, args);
}

async function awsJson(...args: string[]): Promise<Record<string, unknown>> {
  const out = await aws(...args);
  return out.trim() === '' ? {} : (JSON.parse(out) as Record<string, unknown>);
}

/** The aws CLI's error output for a command that must fail. */
async function awsFails(...args: string[]): Promise<string> {
  try {
    await aws(...args);
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
  throw new Error(`aws ${args.join(' ')} succeeded`);
}

/** The S3 error a request fails with (undefined when it succeeds). */
async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; status: number; message: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    return { code: e.name, status: e.$metadata.httpStatusCode ?? 0, message: e.message };
  }
}

const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('base64');
const inDays = (days: number) => new Date(Date.now() + days * DAY);
/** A date as S3 keeps it (milliseconds), for comparing what comes back. */
const ms = (d: Date | undefined) => d?.getTime();

async function lockBucket(name: string, rule?: { Mode: 'GOVERNANCE' | 'COMPLIANCE'; Days: number }) {
  await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: true }));
  if (rule) {
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: name,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: rule } },
      }),
    );
  }
}

async function putVersion(bucket: string, key: string, extra: Partial<PutObjectCommand['input']> = {}) {
  const r = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}`, ...extra }),
  );
  expect(r.VersionId).toBeDefined();
  return r.VersionId!;
}

async function userClient(name: string, statements: object[]): Promise<S3Client> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${name}-policy`,
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return s3Client(server, {
    credentials: {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  // One worker: IAM changes are seen at once (coherence across workers has its own tests).
  server = await startServer({ workers: 1 });
  s3 = s3Client(server);
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  work = mkdtempSync(join(tmpdir(), 'tessera-lock-'));
});
afterAll(async () => {
  s3?.destroy();
  iam?.destroy();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('aws CLI', () => {
  it('create-bucket --object-lock-enabled-for-bucket, configuration, retention, legal hold, bypass', async () => {
    await aws('s3api', 'create-bucket', '--bucket', 'cli-lock', '--object-lock-enabled-for-bucket');
    expect(await awsJson('s3api', 'get-bucket-versioning', '--bucket', 'cli-lock')).toMatchObject({
      Status: 'Enabled',
    });
    expect(await awsJson('s3api', 'get-object-lock-configuration', '--bucket', 'cli-lock')).toEqual({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    await aws(
      's3api',
      'put-object-lock-configuration',
      '--bucket',
      'cli-lock',
      '--object-lock-configuration',
      JSON.stringify({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      }),
    );
    expect(await awsJson('s3api', 'get-object-lock-configuration', '--bucket', 'cli-lock')).toEqual({
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
      },
    });

    const file = join(work, 'doc.txt');
    writeFileSync(file, 'locked by the cli');
    const put = await awsJson(
      's3api',
      'put-object',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--body',
      file,
      '--content-md5',
      md5('locked by the cli'),
    );
    const versionId = put['VersionId'] as string;
    expect(versionId).toBeTruthy();
    // The default retention: GOVERNANCE for a day from the write.
    const byDefault = await awsJson(
      's3api',
      'get-object-retention',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
    );
    const retention = byDefault['Retention'] as { Mode: string; RetainUntilDate: string };
    expect(retention.Mode).toBe('GOVERNANCE');
    const until = Date.parse(retention.RetainUntilDate);
    expect(until).toBeGreaterThan(Date.now());
    expect(until).toBeLessThanOrEqual(Date.now() + DAY);

    const later = new Date(Date.now() + 3 * DAY).toISOString();
    await aws(
      's3api',
      'put-object-retention',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
      '--retention',
      JSON.stringify({ Mode: 'GOVERNANCE', RetainUntilDate: later }),
    );
    const extended = await awsJson(
      's3api',
      'get-object-retention',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
    );
    expect(Date.parse((extended['Retention'] as { RetainUntilDate: string }).RetainUntilDate)).toBe(
      Date.parse(later),
    );

    await aws(
      's3api',
      'put-object-legal-hold',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
      '--legal-hold',
      'Status=ON',
    );
    expect(
      await awsJson(
        's3api',
        'get-object-legal-hold',
        '--bucket',
        'cli-lock',
        '--key',
        'doc.txt',
        '--version-id',
        versionId,
      ),
    ).toEqual({ LegalHold: { Status: 'ON' } });
    // A legal hold holds against the bypass too.
    const held = await awsFails(
      's3api',
      'delete-object',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
      '--bypass-governance-retention',
    );
    expect(held).toContain('AccessDenied');
    await aws(
      's3api',
      'put-object-legal-hold',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
      '--legal-hold',
      'Status=OFF',
    );
    const governed = await awsFails(
      's3api',
      'delete-object',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
    );
    expect(governed).toContain('AccessDenied');
    await aws(
      's3api',
      'delete-object',
      '--bucket',
      'cli-lock',
      '--key',
      'doc.txt',
      '--version-id',
      versionId,
      '--bypass-governance-retention',
    );
    expect(
      await failure(
        s3.send(new HeadObjectCommand({ Bucket: 'cli-lock', Key: 'doc.txt', VersionId: versionId })),
      ),
    ).toMatchObject({ status: 404 });
  });
});

describe('retention and legal hold', () => {
  beforeAll(async () => {
    await lockBucket('vault');
  });

  it('PutObject with COMPLIANCE: HEAD shows it; it can be extended, never shortened, removed or relaxed', async () => {
    const until = inDays(2);
    const v = await putVersion('vault', 'compliant', {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: until,
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'vault', Key: 'compliant', VersionId: v }));
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(ms(head.ObjectLockRetainUntilDate)).toBe(until.getTime());
    expect(head.ObjectLockLegalHoldStatus).toBeUndefined();

    const set = (Mode: 'GOVERNANCE' | 'COMPLIANCE', RetainUntilDate: Date, bypass = false) =>
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: 'vault',
          Key: 'compliant',
          VersionId: v,
          Retention: { Mode, RetainUntilDate },
          ...(bypass ? { BypassGovernanceRetention: true } : {}),
        }),
      );
    const locked = {
      code: 'AccessDenied',
      status: 403,
      message: 'Access Denied because object protected by object lock.',
    };
    expect(await failure(set('COMPLIANCE', inDays(1)))).toEqual(locked);
    expect(await failure(set('COMPLIANCE', inDays(1), true))).toEqual(locked);
    expect(await failure(set('GOVERNANCE', inDays(10), true))).toEqual(locked);
    const longer = inDays(5);
    await set('COMPLIANCE', longer);
    const got = await s3.send(
      new GetObjectRetentionCommand({ Bucket: 'vault', Key: 'compliant', VersionId: v }),
    );
    expect(got.Retention).toEqual({ Mode: 'COMPLIANCE', RetainUntilDate: longer });

    // Not even root removes a COMPLIANCE version, bypass or not; a delete without a version id
    // only puts a delete marker on top.
    for (const BypassGovernanceRetention of [false, true]) {
      expect(
        await failure(
          s3.send(
            new DeleteObjectCommand({
              Bucket: 'vault',
              Key: 'compliant',
              VersionId: v,
              BypassGovernanceRetention,
            }),
          ),
        ),
      ).toEqual(locked);
    }
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'vault', Key: 'compliant' }));
    expect(marker.DeleteMarker).toBe(true);
    // A delete marker has no lock: named by id it is 405, as the current version NoSuchKey.
    expect(
      await failure(
        s3.send(
          new GetObjectRetentionCommand({ Bucket: 'vault', Key: 'compliant', VersionId: marker.VersionId }),
        ),
      ),
    ).toMatchObject({ code: 'MethodNotAllowed', status: 405 });
    expect(
      await failure(s3.send(new GetObjectRetentionCommand({ Bucket: 'vault', Key: 'compliant' }))),
    ).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'vault', Key: 'compliant', VersionId: v })))
        .ObjectLockMode,
    ).toBe('COMPLIANCE');
  });

  it('GOVERNANCE yields to x-amz-bypass-governance-retention; a version without retention has none', async () => {
    const v = await putVersion('vault', 'governed', {
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: inDays(3),
    });
    const shorten = (bypass: boolean) =>
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: 'vault',
          Key: 'governed',
          VersionId: v,
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) },
          ...(bypass ? { BypassGovernanceRetention: true } : {}),
        }),
      );
    expect(await failure(shorten(false))).toMatchObject({ code: 'AccessDenied' });
    await shorten(true);
    expect(
      await failure(s3.send(new DeleteObjectCommand({ Bucket: 'vault', Key: 'governed', VersionId: v }))),
    ).toMatchObject({ code: 'AccessDenied' });
    await s3.send(
      new DeleteObjectCommand({
        Bucket: 'vault',
        Key: 'governed',
        VersionId: v,
        BypassGovernanceRetention: true,
      }),
    );

    const plain = await putVersion('vault', 'plain');
    expect(
      await failure(
        s3.send(new GetObjectRetentionCommand({ Bucket: 'vault', Key: 'plain', VersionId: plain })),
      ),
    ).toMatchObject({ code: 'NoSuchObjectLockConfiguration', status: 404 });
    expect(
      await failure(s3.send(new GetObjectLegalHoldCommand({ Bucket: 'vault', Key: 'plain' }))),
    ).toMatchObject({ code: 'NoSuchObjectLockConfiguration' });
    // Unlocked versions are removed as ever.
    await s3.send(new DeleteObjectCommand({ Bucket: 'vault', Key: 'plain', VersionId: plain }));
  });

  it('a legal hold from PutObject blocks removal until it is lifted', async () => {
    const v = await putVersion('vault', 'held', { ObjectLockLegalHoldStatus: 'ON' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'vault', Key: 'held' }));
    expect(head.ObjectLockLegalHoldStatus).toBe('ON');
    expect(head.ObjectLockMode).toBeUndefined();
    const remove = () =>
      s3.send(
        new DeleteObjectCommand({
          Bucket: 'vault',
          Key: 'held',
          VersionId: v,
          BypassGovernanceRetention: true,
        }),
      );
    expect(await failure(remove())).toMatchObject({ code: 'AccessDenied' });
    await s3.send(
      new PutObjectLegalHoldCommand({
        Bucket: 'vault',
        Key: 'held',
        VersionId: v,
        LegalHold: { Status: 'OFF' },
      }),
    );
    const off = await s3.send(new GetObjectLegalHoldCommand({ Bucket: 'vault', Key: 'held', VersionId: v }));
    expect(off.LegalHold?.Status).toBe('OFF');
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'vault', Key: 'held' }))).ObjectLockLegalHoldStatus,
    ).toBe('OFF');
    await remove();
  });

  it('DeleteObjects: locked versions are refused per key, the rest deleted; the bypass frees GOVERNANCE', async () => {
    const locked = await putVersion('vault', 'many-locked', {
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: inDays(1),
    });
    const free = await putVersion('vault', 'many-free');
    const first = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'vault',
        Delete: {
          Objects: [
            { Key: 'many-locked', VersionId: locked },
            { Key: 'many-free', VersionId: free },
          ],
        },
      }),
    );
    expect(first.Deleted?.map((d) => d.Key)).toEqual(['many-free']);
    expect(first.Errors?.map((e) => [e.Key, e.Code])).toEqual([['many-locked', 'AccessDenied']]);
    const second = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'vault',
        BypassGovernanceRetention: true,
        Delete: { Objects: [{ Key: 'many-locked', VersionId: locked }] },
      }),
    );
    expect(second.Errors ?? []).toEqual([]);
    expect(second.Deleted?.map((d) => d.VersionId)).toEqual([locked]);
  });

  it('multipart uploads and copies take the lock their headers ask for', async () => {
    const until = inDays(2);
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'vault',
        Key: 'big',
        ObjectLockMode: 'GOVERNANCE',
        ObjectLockRetainUntilDate: until,
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );
    const part = await s3.send(
      new UploadPartCommand({ Bucket: 'vault', Key: 'big', UploadId, PartNumber: 1, Body: 'one part' }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'vault',
        Key: 'big',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
      }),
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'vault', Key: 'big', VersionId: done.VersionId }),
    );
    expect([head.ObjectLockMode, ms(head.ObjectLockRetainUntilDate), head.ObjectLockLegalHoldStatus]).toEqual(
      ['GOVERNANCE', until.getTime(), 'ON'],
    );

    // The copy has its own lock, not the source's.
    const copyUntil = inDays(4);
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: 'vault',
        Key: 'big-copy',
        CopySource: 'vault/big',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: copyUntil,
      }),
    );
    const copied = await s3.send(
      new HeadObjectCommand({ Bucket: 'vault', Key: 'big-copy', VersionId: copy.VersionId }),
    );
    expect([
      copied.ObjectLockMode,
      ms(copied.ObjectLockRetainUntilDate),
      copied.ObjectLockLegalHoldStatus,
    ]).toEqual(['COMPLIANCE', copyUntil.getTime(), undefined]);
  });

  it("the bucket's default retention starts when a version is made: PutObject, CopyObject, CompleteMultipartUpload", async () => {
    await lockBucket('defaults', { Mode: 'GOVERNANCE', Days: 2 });
    const before = Date.now();
    const put = await putVersion('defaults', 'put');
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'defaults', Key: 'copy', CopySource: 'defaults/put' }),
    );
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'defaults', Key: 'mpu' }));
    const part = await s3.send(
      new UploadPartCommand({ Bucket: 'defaults', Key: 'mpu', UploadId, PartNumber: 1, Body: 'one part' }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'defaults',
        Key: 'mpu',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
      }),
    );
    const after = Date.now();
    for (const [Key, VersionId] of [
      ['put', put],
      ['copy', copy.VersionId],
      ['mpu', done.VersionId],
    ] as const) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'defaults', Key, VersionId }));
      expect(head.ObjectLockMode, Key).toBe('GOVERNANCE');
      const until = ms(head.ObjectLockRetainUntilDate)!;
      expect(until, Key).toBeGreaterThanOrEqual(before + 2 * DAY);
      expect(until, Key).toBeLessThanOrEqual(after + 2 * DAY);
    }
    // Headers win over the default.
    const own = await putVersion('defaults', 'own', {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: inDays(7),
    });
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'defaults', Key: 'own', VersionId: own })))
        .ObjectLockMode,
    ).toBe('COMPLIANCE');
  });

  it('checks the headers as AWS does', async () => {
    const put = (extra: Partial<PutObjectCommand['input']>) =>
      failure(s3.send(new PutObjectCommand({ Bucket: 'vault', Key: 'bad', Body: 'x', ...extra })));
    expect(await put({ ObjectLockMode: 'GOVERNANCE' })).toMatchObject({
      code: 'InvalidArgument',
      message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied.',
    });
    expect(
      await put({ ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: new Date(Date.now() - DAY) }),
    ).toMatchObject({
      code: 'InvalidArgument',
      message: 'The retain until date must be in the future!',
    });
    expect(
      await failure(
        s3.send(
          new PutObjectRetentionCommand({
            Bucket: 'vault',
            Key: 'nothing-here',
            Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) },
          }),
        ),
      ),
    ).toMatchObject({ code: 'NoSuchKey', status: 404 });
  });

  it('a locked write must carry Content-MD5 or a checksum; so must the lock documents', async () => {
    const until = new Date(Date.now() + DAY).toISOString();
    const bare = await rawRequest(server.port, {
      method: 'PUT',
      path: '/vault/raw',
      headers: { 'x-amz-object-lock-mode': 'GOVERNANCE', 'x-amz-object-lock-retain-until-date': until },
      body: 'raw body',
    });
    expect([bare.status, errorCode(bare)]).toEqual([400, 'InvalidRequest']);
    expect(bare.body).toContain(
      'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
    );
    const withMd5 = await rawRequest(server.port, {
      method: 'PUT',
      path: '/vault/raw',
      headers: {
        'x-amz-object-lock-mode': 'GOVERNANCE',
        'x-amz-object-lock-retain-until-date': until,
        'content-md5': md5('raw body'),
      },
      body: 'raw body',
    });
    expect(withMd5.status).toBe(200);

    const doc = `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>${new Date(Date.now() + 2 * DAY).toISOString()}</RetainUntilDate></Retention>`;
    const noDigest = await rawRequest(server.port, {
      method: 'PUT',
      path: '/vault/raw',
      query: { retention: '' },
      body: doc,
    });
    expect([noDigest.status, errorCode(noDigest)]).toEqual([400, 'InvalidRequest']);
    expect(noDigest.body).toContain(
      'Missing required header for this request: Content-MD5 OR x-amz-checksum-*',
    );
    const digested = await rawRequest(server.port, {
      method: 'PUT',
      path: '/vault/raw',
      query: { retention: '' },
      headers: { 'content-md5': md5(doc) },
      body: doc,
    });
    expect(digested.status).toBe(200);
  });
});

describe('buckets', () => {
  it('a bucket without Object Lock refuses lock requests', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'x' }));
    expect(await failure(s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'plain' })))).toMatchObject({
      code: 'ObjectLockConfigurationNotFoundError',
      status: 404,
    });
    expect(
      await failure(
        s3.send(
          new PutObjectRetentionCommand({
            Bucket: 'plain',
            Key: 'k',
            Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(1) },
          }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidRequest', message: 'Bucket is missing Object Lock Configuration' });
    expect(
      await failure(s3.send(new GetObjectLegalHoldCommand({ Bucket: 'plain', Key: 'k' }))),
    ).toMatchObject({
      code: 'InvalidRequest',
      message: 'Bucket is missing Object Lock Configuration',
    });
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({ Bucket: 'plain', Key: 'k2', Body: 'x', ObjectLockLegalHoldStatus: 'ON' }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidRequest', message: 'Bucket is missing ObjectLockConfiguration' });
  });

  it('Object Lock on an existing bucket needs versioning Enabled, and then versioning stays Enabled', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'later' }));
    const enable = () =>
      s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: 'later',
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
        }),
      );
    expect(await failure(enable())).toMatchObject({
      code: 'InvalidBucketState',
      status: 409,
      message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
    });
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'later', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await enable();
    expect(
      (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'later' }))).ObjectLockConfiguration,
    ).toEqual({
      ObjectLockEnabled: 'Enabled',
    });
    expect(
      await failure(
        s3.send(
          new PutBucketVersioningCommand({
            Bucket: 'later',
            VersioningConfiguration: { Status: 'Suspended' },
          }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidBucketState', status: 409 });
  });

  it('refuses a malformed configuration', async () => {
    await lockBucket('strict');
    const put = (DefaultRetention: Record<string, unknown>) =>
      failure(
        s3.send(
          new PutObjectLockConfigurationCommand({
            Bucket: 'strict',
            ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention } },
          }),
        ),
      );
    expect(await put({ Mode: 'GOVERNANCE', Days: 1, Years: 1 })).toMatchObject({ code: 'MalformedXML' });
    expect(await put({ Mode: 'GOVERNANCE' })).toMatchObject({ code: 'MalformedXML' });
    expect(await put({ Mode: 'GOVERNANCE', Days: 0 })).toMatchObject({
      code: 'InvalidArgument',
      message: 'Default retention period must be a positive integer value.',
    });
  });
});

describe('IAM', () => {
  beforeAll(async () => {
    await lockBucket('iam-lock');
  });

  const base = [
    's3:PutObject',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
  ];

  it('the bypass needs s3:BypassGovernanceRetention; the lock headers need s3:PutObjectRetention and s3:PutObjectLegalHold', async () => {
    const plainUser = await userClient('locker', [
      { Effect: 'Allow', Action: [...base, 's3:PutObjectRetention'], Resource: 'arn:aws:s3:::iam-lock/*' },
    ]);
    const bypasser = await userClient('bypasser', [
      {
        Effect: 'Allow',
        Action: [...base, 's3:PutObjectRetention', 's3:BypassGovernanceRetention'],
        Resource: 'arn:aws:s3:::iam-lock/*',
      },
    ]);
    try {
      const lock = { ObjectLockMode: 'GOVERNANCE' as const, ObjectLockRetainUntilDate: inDays(1) };
      const v = (
        await plainUser.send(new PutObjectCommand({ Bucket: 'iam-lock', Key: 'g', Body: 'x', ...lock }))
      ).VersionId!;
      // Without s3:PutObjectLegalHold the legal-hold header is refused.
      expect(
        await failure(
          plainUser.send(
            new PutObjectCommand({
              Bucket: 'iam-lock',
              Key: 'h',
              Body: 'x',
              ObjectLockLegalHoldStatus: 'ON',
            }),
          ),
        ),
      ).toMatchObject({ code: 'AccessDenied' });
      // Without s3:BypassGovernanceRetention the header does not help.
      expect(
        await failure(
          plainUser.send(
            new DeleteObjectCommand({
              Bucket: 'iam-lock',
              Key: 'g',
              VersionId: v,
              BypassGovernanceRetention: true,
            }),
          ),
        ),
      ).toMatchObject({
        code: 'AccessDenied',
        message: 'Access Denied because object protected by object lock.',
      });
      const removed = await bypasser.send(
        new DeleteObjectsCommand({
          Bucket: 'iam-lock',
          BypassGovernanceRetention: true,
          Delete: { Objects: [{ Key: 'g', VersionId: v }] },
        }),
      );
      expect(removed.Errors ?? []).toEqual([]);
    } finally {
      plainUser.destroy();
      bypasser.destroy();
    }
  });

  it('s3:object-lock-remaining-retention-days bounds PutObjectRetention; lock headers are shown only to readers of retention', async () => {
    const bounded = await userClient('bounded', [
      { Effect: 'Allow', Action: base, Resource: 'arn:aws:s3:::iam-lock/*' },
      {
        Effect: 'Allow',
        Action: 's3:PutObjectRetention',
        Resource: 'arn:aws:s3:::iam-lock/*',
        Condition: { NumericLessThanEquals: { 's3:object-lock-remaining-retention-days': '30' } },
      },
    ]);
    try {
      const v = (await bounded.send(new PutObjectCommand({ Bucket: 'iam-lock', Key: 'b', Body: 'x' })))
        .VersionId!;
      const set = (days: number) =>
        bounded.send(
          new PutObjectRetentionCommand({
            Bucket: 'iam-lock',
            Key: 'b',
            VersionId: v,
            Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(days) },
          }),
        );
      expect(await failure(set(60))).toMatchObject({ code: 'AccessDenied' });
      await set(10);
      // The retention is set, but this user may not read it: HEAD leaves the headers out.
      const head = await bounded.send(new HeadObjectCommand({ Bucket: 'iam-lock', Key: 'b', VersionId: v }));
      expect(head.ObjectLockMode).toBeUndefined();
      const asRoot = await s3.send(new HeadObjectCommand({ Bucket: 'iam-lock', Key: 'b', VersionId: v }));
      expect(asRoot.ObjectLockMode).toBe('GOVERNANCE');
    } finally {
      bounded.destroy();
    }
  });
});

describe('restarts', () => {
  it('retention and the default rule are in the store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-lock-restart-'));
    let other = await startServer({ dataDir, workers: 1 });
    let client = s3Client(other);
    try {
      await client.send(new CreateBucketCommand({ Bucket: 'kept', ObjectLockEnabledForBucket: true }));
      await client.send(
        new PutObjectLockConfigurationCommand({
          Bucket: 'kept',
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } },
          },
        }),
      );
      const v = (await client.send(new PutObjectCommand({ Bucket: 'kept', Key: 'k', Body: 'x' }))).VersionId!;
      const before = await client.send(
        new GetObjectRetentionCommand({ Bucket: 'kept', Key: 'k', VersionId: v }),
      );
      client.destroy();
      await other.stop();
      other = await startServer({ dataDir, workers: 1 });
      client = s3Client(other);
      const after = await client.send(
        new GetObjectRetentionCommand({ Bucket: 'kept', Key: 'k', VersionId: v }),
      );
      expect(after.Retention).toEqual(before.Retention);
      expect(after.Retention?.Mode).toBe('COMPLIANCE');
      expect(
        (await client.send(new GetObjectLockConfigurationCommand({ Bucket: 'kept' })))
          .ObjectLockConfiguration,
      ).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 1 } },
      });
      expect(
        await failure(client.send(new DeleteObjectCommand({ Bucket: 'kept', Key: 'k', VersionId: v }))),
      ).toMatchObject({ code: 'AccessDenied' });
    } finally {
      client.destroy();
      await other.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
