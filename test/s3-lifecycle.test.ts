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
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadObjectCommand,
  type LifecycleRule,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from './helpers/aws-cli.js';
import { errorCode, rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
let work: string;

beforeAll(async () => {
  server = await startServer({
    env: { TESSERA_LIFECYCLE_INTERVAL: '200ms', TESSERA_LIFECYCLE_DAY: '1s', TESSERA_LOG_REQUESTS: 'on' },
  });
  s3 = s3Client(server);
  work = mkdtempSync(join(tmpdir(), 'tessera-lifecycle-cli-'));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

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

const put = (Bucket: string, Rules: LifecycleRule[]) =>
  s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules } }));

/** Polls until `done` holds (the scanner runs every 200 ms); fails after a generous bound. */
async function eventually(what: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}\n${server.output().slice(-2000)}`);
}

describe('Put/Get/DeleteBucketLifecycleConfiguration (AWS SDK v3)', () => {
  const bucket = 'lc-api';
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('a bucket without a configuration: 404 NoSuchLifecycleConfiguration; a missing bucket: NoSuchBucket', async () => {
    expect(
      await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))),
    ).toMatchObject({
      code: 'NoSuchLifecycleConfiguration',
      status: 404,
    });
    expect(
      await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'lc-none' }))),
    ).toMatchObject({
      code: 'NoSuchBucket',
      status: 404,
    });
    expect(
      await failure(put('lc-none', [{ Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } }])),
    ).toMatchObject({
      code: 'NoSuchBucket',
    });
  });

  it('puts a configuration and gets it back as it was written', async () => {
    const rules: LifecycleRule[] = [
      {
        ID: 'logs',
        Status: 'Enabled',
        Filter: { Prefix: 'logs/' },
        Expiration: { Days: 30 },
        Transitions: [{ Days: 40, StorageClass: 'STANDARD_IA' }],
        NoncurrentVersionExpiration: { NoncurrentDays: 5, NewerNoncurrentVersions: 3 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
      },
      {
        ID: 'tagged',
        Status: 'Disabled',
        Filter: {
          And: {
            Prefix: 'tmp/',
            Tags: [{ Key: 'a', Value: '1' }],
            ObjectSizeGreaterThan: 10,
            ObjectSizeLessThan: 1000,
          },
        },
        Expiration: { Date: new Date('2030-01-01T00:00:00Z') },
      },
      { ID: 'markers', Status: 'Enabled', Filter: {}, Expiration: { ExpiredObjectDeleteMarker: true } },
    ];
    const res = await put(bucket, rules);
    expect(res.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K');
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(got.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K');
    expect(got.Rules).toEqual(rules);
  });

  it('GET answers in the S3 namespace; a rule without an ID gets one', async () => {
    await put(bucket, [{ Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }]);
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: `/${bucket}`,
      query: { lifecycle: '' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    const id = /<ID>([^<]+)<\/ID>/.exec(res.body)?.[1];
    expect(Buffer.from(id ?? '', 'base64').toString()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses what AWS refuses, with its codes', async () => {
    const cases: [LifecycleRule[], string][] = [
      [[{ Status: 'Enabled', Filter: {}, Expiration: { Days: 0 } }], 'InvalidArgument'],
      [[{ Status: 'Enabled', Filter: {} }], 'InvalidRequest'],
      [[{ Status: 'On' as 'Enabled', Filter: {}, Expiration: { Days: 1 } }], 'MalformedXML'],
      [
        [{ Status: 'Enabled', Filter: {}, Transitions: [{ Days: 40, StorageClass: 'COLD' as 'GLACIER' }] }],
        'InvalidStorageClass',
      ],
      [
        [
          { ID: 'x', Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } },
          { ID: 'x', Status: 'Enabled', Filter: {}, Expiration: { Days: 2 } },
        ],
        'InvalidArgument',
      ],
      [
        [
          {
            Status: 'Enabled',
            Filter: { Tag: { Key: 'k', Value: 'v' } },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
        'InvalidRequest',
      ],
    ];
    for (const [rules, code] of cases)
      expect(await failure(put(bucket, rules)), JSON.stringify(rules)).toMatchObject({ code, status: 400 });
    const noAction = await failure(put(bucket, [{ Status: 'Enabled', Filter: {} }]));
    expect(noAction?.message).toBe('At least one action needs to be specified in a rule');
    // The last good configuration is still there.
    expect(
      (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules,
    ).toHaveLength(1);
  });

  it('the body must carry Content-MD5 or a checksum', async () => {
    const body =
      '<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter/><Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>';
    const bare = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${bucket}`,
      query: { lifecycle: '' },
      body,
    });
    expect(bare.status).toBe(400);
    expect(errorCode(bare)).toBe('InvalidRequest');
    expect(bare.body).toContain('Missing required header for this request: Content-MD5');
    const md5 = createHash('md5').update(body).digest('base64');
    const ok = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${bucket}`,
      query: { lifecycle: '' },
      body,
      headers: {
        'content-md5': md5,
        'x-amz-transition-default-minimum-object-size': 'varies_by_storage_class',
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-amz-transition-default-minimum-object-size']).toBe('varies_by_storage_class');
    const wrong = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${bucket}`,
      query: { lifecycle: '' },
      body,
      headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
    });
    expect(errorCode(wrong)).toBe('BadDigest');
  });

  it('DELETE removes it (204, also when there is none)', async () => {
    await put(bucket, [{ Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } }]);
    const del = await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(
      await failure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))),
    ).toMatchObject({
      code: 'NoSuchLifecycleConfiguration',
    });
    expect(
      (await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }))).$metadata.httpStatusCode,
    ).toBe(204);
  });

  it('is authorized as s3:GetLifecycleConfiguration / s3:PutLifecycleConfiguration', async () => {
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'lc-read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetLifecycleConfiguration', Resource: `arn:aws:s3:::${bucket}` },
          ],
        }),
      }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'lc-reader' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'lc-reader', PolicyArn: policy.Policy!.Arn! }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'lc-reader' }))).AccessKey!;
    iam.destroy();
    await put(bucket, [{ ID: 'r', Status: 'Enabled', Filter: {}, Expiration: { Days: 9 } }]);
    const reader = s3Client(server, {
      credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! },
    });
    try {
      expect(
        (await reader.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules?.[0]?.ID,
      ).toBe('r');
      expect(await failure(reader.send(new DeleteBucketLifecycleCommand({ Bucket: bucket })))).toMatchObject({
        code: 'AccessDenied',
        status: 403,
      });
      expect(
        await failure(
          reader.send(
            new PutBucketLifecycleConfigurationCommand({
              Bucket: bucket,
              LifecycleConfiguration: { Rules: [{ Status: 'Enabled', Filter: {}, Expiration: { Days: 1 } }] },
            }),
          ),
        ),
      ).toMatchObject({ code: 'AccessDenied', status: 403 });
    } finally {
      reader.destroy();
    }
  });
});

describe('the aws CLI', () => {
  async function aws(...args: string[]): Promise<string> {
    return awsCli(server.endpoint, args);
  }

  it('put-, get- and delete-bucket-lifecycle-configuration', async () => {
    await aws('s3api', 'create-bucket', '--bucket', 'lc-cli');
    const config = {
      Rules: [
        {
          ID: 'cli rule',
          Status: 'Enabled',
          Filter: { Prefix: 'cache/' },
          Expiration: { Days: 7 },
          NoncurrentVersionExpiration: { NoncurrentDays: 3 },
        },
      ],
    };
    const file = join(work, 'lifecycle.json');
    writeFileSync(file, JSON.stringify(config));
    await aws(
      's3api',
      'put-bucket-lifecycle-configuration',
      '--bucket',
      'lc-cli',
      '--lifecycle-configuration',
      `file://${file}`,
    );
    const got = JSON.parse(await aws('s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'lc-cli'));
    expect(got.Rules).toEqual(config.Rules);
    await aws('s3api', 'delete-bucket-lifecycle', '--bucket', 'lc-cli');
    const gone = await aws('s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'lc-cli').then(
      () => 'found',
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(gone).toContain('NoSuchLifecycleConfiguration');
  });
});

describe('the scanner, end to end (a lifecycle day of 1 s)', () => {
  it('expires old objects under the prefix and aborts stale uploads; logs each as the request log does', async () => {
    const bucket = 'lc-e2e';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tmp/a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep/b', Body: 'b' }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'tmp/upload' }));
    await put(bucket, [
      {
        ID: 'tmp',
        Status: 'Enabled',
        Filter: { Prefix: 'tmp/' },
        Expiration: { Days: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    await eventually(
      'tmp/a expires',
      async () =>
        (await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'tmp/a' }))))?.status === 404,
    );
    await eventually('the upload is aborted', async () => {
      const list = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      return (list.Uploads ?? []).length === 0;
    });
    const keys = (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key);
    expect(keys).toEqual(['keep/b']);
    await eventually('the log has both actions', async () => {
      const lines = server
        .output()
        .split('\n')
        .filter((l) => l.includes('"lifecycle"'))
        .map((l) => JSON.parse(l) as { api: string; bucket: string; key: string; uploadId?: string });
      return (
        lines.some((l) => l.api === 'S3.EXPIRE.OBJECT' && l.bucket === bucket && l.key === 'tmp/a') &&
        lines.some((l) => l.api === 'S3.DELETE.UPLOAD' && l.uploadId === upload.UploadId)
      );
    });
  });

  it('in a versioned bucket: a delete marker over the expired object, then the noncurrent version goes', async () => {
    const bucket = 'lc-e2e-versions';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const v = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v1' }));
    expect(v.VersionId).toBeDefined();
    await put(bucket, [
      {
        ID: 'all',
        Status: 'Enabled',
        Filter: {},
        Expiration: { Days: 1 },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
    ]);
    // Days also removes the lone delete marker once it is old enough: everything goes in the end.
    await eventually('every version is gone', async () => {
      const list = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      return (list.Versions ?? []).length === 0 && (list.DeleteMarkers ?? []).length === 0;
    });
    const log = server.output();
    expect(log).toContain('"api":"S3.CREATE.DELETEMARKER"');
    expect(log).toMatch(
      new RegExp(`"api":"S3.EXPIRE.OBJECT","bucket":"${bucket}","key":"k","versionId":"${v.VersionId}"`),
    );
  });
});
