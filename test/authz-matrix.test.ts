import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamQuery, xmlValue } from './helpers/iam.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The authorization matrix: every implemented S3 operation × a set of principals → the expected
 * allow or deny, against the running server with real clients. An operation counts as allowed
 * when it does not answer AccessDenied (it may still fail for other reasons, e.g. NoSuchBucket on
 * a scratch name — authorization comes first, so that proves the request was let through).
 */

const OPS = [
  'ListBuckets',
  'CreateBucket',
  'HeadBucket',
  'DeleteBucket',
  'GetBucketLocation',
  'GetBucketVersioning',
  'GetBucketTagging',
  'PutBucketTagging',
  'DeleteBucketTagging',
  'GetBucketPolicy',
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'GetBucketPolicyStatus',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectsV2Home',
  'ListMultipartUploads',
  'PutObject',
  'GetObject',
  'GetObjectOutsideHome',
  'HeadObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'CreateMultipartUpload',
  'UploadPart',
  'ListParts',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
] as const;
type Op = (typeof OPS)[number];

interface Target {
  bucket: string;
  uploadId: string;
}

let server: RunningServer;
let root: S3Client;
let iam: IAMClient;
const targets: Record<string, Target> = {};

/** Runs one operation as `client`; true when it was authorized (anything but AccessDenied). */
async function attempt(client: S3Client, op: Op, t: Target, who: string): Promise<boolean> {
  const b = t.bucket;
  const home = 'home/alice/';
  const scratch = `mx-scratch-${who}`.toLowerCase().slice(0, 60);
  const run: Record<Op, () => Promise<unknown>> = {
    ListBuckets: () => client.send(new ListBucketsCommand({})),
    CreateBucket: () => client.send(new CreateBucketCommand({ Bucket: scratch })),
    HeadBucket: () => client.send(new HeadBucketCommand({ Bucket: b })),
    DeleteBucket: () => client.send(new DeleteBucketCommand({ Bucket: 'mx-never-created' })),
    GetBucketLocation: () => client.send(new GetBucketLocationCommand({ Bucket: b })),
    GetBucketVersioning: () => client.send(new GetBucketVersioningCommand({ Bucket: b })),
    GetBucketTagging: () => client.send(new GetBucketTaggingCommand({ Bucket: b })),
    PutBucketTagging: () =>
      client.send(new PutBucketTaggingCommand({ Bucket: 'mx-never-created', Tagging: { TagSet: [] } })),
    DeleteBucketTagging: () => client.send(new DeleteBucketTaggingCommand({ Bucket: 'mx-never-created' })),
    GetBucketPolicy: () => client.send(new GetBucketPolicyCommand({ Bucket: b })),
    PutBucketPolicy: () =>
      client.send(new PutBucketPolicyCommand({ Bucket: 'mx-never-created', Policy: '{}' })),
    DeleteBucketPolicy: () => client.send(new DeleteBucketPolicyCommand({ Bucket: 'mx-never-created' })),
    GetBucketPolicyStatus: () => client.send(new GetBucketPolicyStatusCommand({ Bucket: b })),
    ListObjects: () => client.send(new ListObjectsCommand({ Bucket: b })),
    ListObjectsV2: () => client.send(new ListObjectsV2Command({ Bucket: b })),
    ListObjectsV2Home: () =>
      client.send(new ListObjectsV2Command({ Bucket: b, Prefix: home, Delimiter: '/' })),
    ListMultipartUploads: () => client.send(new ListMultipartUploadsCommand({ Bucket: b })),
    PutObject: () => client.send(new PutObjectCommand({ Bucket: b, Key: `${home}put-${who}`, Body: 'x' })),
    GetObject: () =>
      client
        .send(new GetObjectCommand({ Bucket: b, Key: `${home}x.txt` }))
        .then((r) => r.Body?.transformToString()),
    GetObjectOutsideHome: () =>
      client
        .send(new GetObjectCommand({ Bucket: b, Key: 'data/b.txt' }))
        .then((r) => r.Body?.transformToString()),
    HeadObject: () => client.send(new HeadObjectCommand({ Bucket: b, Key: `${home}x.txt` })),
    CopyObject: () =>
      client.send(
        new CopyObjectCommand({ Bucket: b, Key: `${home}copy-${who}`, CopySource: `${b}/${home}x.txt` }),
      ),
    DeleteObject: () => client.send(new DeleteObjectCommand({ Bucket: b, Key: `${home}never-${who}` })),
    DeleteObjects: async () => {
      const res = await client.send(
        new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: `${home}never-${who}` }] } }),
      );
      if (res.Errors?.some((e) => e.Code === 'AccessDenied'))
        throw Object.assign(new Error('per key'), { name: 'AccessDenied' });
    },
    GetObjectTagging: () => client.send(new GetObjectTaggingCommand({ Bucket: b, Key: `${home}x.txt` })),
    PutObjectTagging: () =>
      client.send(
        new PutObjectTaggingCommand({
          Bucket: b,
          Key: `${home}x.txt`,
          Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] },
        }),
      ),
    DeleteObjectTagging: () =>
      client.send(new DeleteObjectTaggingCommand({ Bucket: b, Key: `${home}never-${who}` })),
    CreateMultipartUpload: () =>
      client.send(new CreateMultipartUploadCommand({ Bucket: b, Key: `${home}mp-${who}` })),
    UploadPart: () =>
      client.send(
        new UploadPartCommand({
          Bucket: b,
          Key: `${home}mp`,
          UploadId: t.uploadId,
          PartNumber: 1,
          Body: 'p',
        }),
      ),
    ListParts: () => client.send(new ListPartsCommand({ Bucket: b, Key: `${home}mp`, UploadId: t.uploadId })),
    CompleteMultipartUpload: () =>
      client.send(
        new CompleteMultipartUploadCommand({
          Bucket: b,
          Key: `${home}mp`,
          UploadId: 'bogus',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] },
        }),
      ),
    AbortMultipartUpload: () =>
      client.send(new AbortMultipartUploadCommand({ Bucket: b, Key: `${home}mp`, UploadId: 'bogus' })),
  };
  try {
    await run[op]();
    return true;
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'AccessDenied' || name === 'Forbidden' || name === 'InvalidAccessKeyId') return false;
    if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 403) return false;
    if (e instanceof S3ServiceException) return true;
    throw e;
  }
}

function clientFor(accessKeyId: string, secretAccessKey: string): S3Client {
  return s3Client(server, { credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

function anonymousClient(): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: '', secretAccessKey: '' },
    signer: { sign: async (request) => request },
  });
}

async function userWithKey(name: string, policies: string[] = []): Promise<{ key: string; secret: string }> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  for (const p of policies) await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: p }));
  const k = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { key: k.AccessKey!.AccessKeyId!, secret: k.AccessKey!.SecretAccessKey! };
}

const builtin = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const all = new Set<Op>(OPS);
const only = (...ops: Op[]) => new Set<Op>(ops);
const except = (...ops: Op[]) => new Set<Op>(OPS.filter((o) => !ops.includes(o)));
const NONE = new Set<Op>();
const ALICE_OPS = only(
  'ListObjectsV2Home',
  'PutObject',
  'GetObject',
  'HeadObject',
  'CopyObject',
  'DeleteObject',
  'DeleteObjects',
  'GetObjectTagging',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'CreateMultipartUpload',
  'UploadPart',
  'ListParts',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
);
const PUTS: Op[] = [
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
];

interface Row {
  who: string;
  client: () => S3Client;
  bucket: string;
  allowed: Set<Op>;
}
const rows: Row[] = [];

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  root = s3Client(server);
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  for (const bucket of ['matrix', 'matrix-pub']) {
    await root.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['home/alice/x.txt', 'data/b.txt'])
      await root.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    const mp = await root.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'home/alice/mp' }));
    targets[bucket] = { bucket, uploadId: mp.UploadId! };
  }
  await root.send(
    new PutBucketPolicyCommand({
      Bucket: 'matrix-pub',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::matrix-pub/*' },
        ],
      }),
    }),
  );
  await root.send(
    new PutBucketPolicyCommand({
      Bucket: 'matrix',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam:::user/bob' },
            Action: ['s3:GetObject'],
            Resource: 'arn:aws:s3:::matrix/*',
          },
          {
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam:::user/bob'] },
            Action: 's3:ListBucket',
            Resource: 'arn:aws:s3:::matrix',
          },
        ],
      }),
    }),
  );
  const prefix = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'home-prefix',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: 'arn:aws:s3:::matrix',
            Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'home/${aws:username}/'] } },
          },
          {
            Effect: 'Allow',
            Action: [
              's3:GetObject',
              's3:PutObject',
              's3:DeleteObject',
              's3:*ObjectTagging',
              's3:AbortMultipartUpload',
              's3:ListMultipartUploadParts',
            ],
            Resource: 'arn:aws:s3:::matrix/home/${aws:username}/*',
          },
        ],
      }),
    }),
  );
  const rw = await userWithKey('rw-user', [builtin('readwrite')]);
  const ro = await userWithKey('ro-user', [builtin('readonly')]);
  const wo = await userWithKey('wo-user', [builtin('writeonly')]);
  const alice = await userWithKey('alice', [prefix.Policy!.Arn!]);
  const bob = await userWithKey('bob');
  // A user whose group denies writes, on top of readwrite.
  const denied = await userWithKey('grp-denied', [builtin('readwrite')]);
  await iam.send(new CreateGroupCommand({ GroupName: 'no-writes' }));
  await iam.send(
    new PutGroupPolicyCommand({
      GroupName: 'no-writes',
      PolicyName: 'deny-put',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }],
      }),
    }),
  );
  await iam.send(new AddUserToGroupCommand({ GroupName: 'no-writes', UserName: 'grp-denied' }));
  // A user whose only permissions come from a disabled group.
  const inDisabled = await userWithKey('grp-disabled');
  await iam.send(new CreateGroupCommand({ GroupName: 'writers' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'writers', PolicyArn: builtin('readwrite') }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'writers', UserName: 'grp-disabled' }));
  await iamQuery(server.endpoint, { Action: 'UpdateGroup', GroupName: 'writers', Status: 'Inactive' });
  // A disabled user.
  const disabled = await userWithKey('disabled-user', [builtin('readwrite')]);
  await iamQuery(server.endpoint, { Action: 'UpdateUser', UserName: 'disabled-user', Status: 'Inactive' });
  // Service accounts of a readwrite user: one narrowed by its embedded policy, one about to expire.
  await userWithKey('svc-parent', [builtin('readwrite')]);
  const narrowedXml = await iamQuery(server.endpoint, {
    Action: 'CreateAccessKey',
    UserName: 'svc-parent',
    Policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::matrix', 'arn:aws:s3:::matrix/*'],
        },
      ],
    }),
  });
  const expiringXml = await iamQuery(server.endpoint, {
    Action: 'CreateAccessKey',
    UserName: 'svc-parent',
    Expiration: new Date(Date.now() + 1500).toISOString(),
  });
  const key = (xml: string) => [xmlValue(xml, 'AccessKeyId')!, xmlValue(xml, 'SecretAccessKey')!] as const;

  const s3Of = (c: { key: string; secret: string }) => () => clientFor(c.key, c.secret);
  const BOB_OPS = only(
    'HeadBucket',
    'ListObjects',
    'ListObjectsV2',
    'ListObjectsV2Home',
    'GetObject',
    'GetObjectOutsideHome',
    'HeadObject',
  );
  rows.push(
    { who: 'root', client: () => root, bucket: 'matrix', allowed: all },
    { who: 'readwrite', client: s3Of(rw), bucket: 'matrix', allowed: all },
    {
      who: 'readonly',
      client: s3Of(ro),
      bucket: 'matrix',
      allowed: only('GetBucketLocation', 'GetObject', 'GetObjectOutsideHome', 'HeadObject'),
    },
    {
      who: 'writeonly',
      client: s3Of(wo),
      bucket: 'matrix',
      allowed: only('PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload'),
    },
    { who: 'alice-prefix', client: s3Of(alice), bucket: 'matrix', allowed: ALICE_OPS },
    { who: 'group-deny', client: s3Of(denied), bucket: 'matrix', allowed: except(...PUTS) },
    { who: 'disabled-group', client: s3Of(inDisabled), bucket: 'matrix', allowed: NONE },
    { who: 'disabled-user', client: s3Of(disabled), bucket: 'matrix', allowed: NONE },
    {
      who: 'svc-narrowed',
      client: () => clientFor(...key(narrowedXml)),
      bucket: 'matrix',
      allowed: only(
        'HeadBucket',
        'ListObjects',
        'ListObjectsV2',
        'ListObjectsV2Home',
        'GetObject',
        'GetObjectOutsideHome',
        'HeadObject',
      ),
    },
    { who: 'svc-expired', client: () => clientFor(...key(expiringXml)), bucket: 'matrix', allowed: NONE },
    { who: 'anonymous', client: anonymousClient, bucket: 'matrix', allowed: NONE },
    {
      who: 'anonymous-public',
      client: anonymousClient,
      bucket: 'matrix-pub',
      allowed: only('GetObject', 'GetObjectOutsideHome', 'HeadObject'),
    },
    { who: 'bob-bucket-policy', client: s3Of(bob), bucket: 'matrix', allowed: BOB_OPS },
  );
  // Let every worker see the changes (change feed) and the expiring key expire.
  await new Promise((r) => setTimeout(r, 2000));
}, 120_000);

afterAll(async () => {
  root?.destroy();
  iam?.destroy();
  await server?.stop();
});

describe('authorization matrix: every S3 operation × principals', () => {
  it('allows and denies exactly as AWS would', async () => {
    const mismatches: string[] = [];
    for (const row of rows) {
      const client = row.client();
      for (const op of OPS) {
        const expected = row.allowed.has(op);
        const actual = await attempt(client, op, targets[row.bucket]!, row.who);
        if (actual !== expected)
          mismatches.push(
            `${row.who} × ${op}: expected ${expected ? 'allow' : 'deny'}, got ${actual ? 'allow' : 'deny'}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);

  it('answers a denial with AccessDenied and no data', async () => {
    const ro = rows.find((r) => r.who === 'writeonly')!.client();
    const err = await ro.send(new GetObjectCommand({ Bucket: 'matrix', Key: 'home/alice/x.txt' })).then(
      () => undefined,
      (e: unknown) => e as S3ServiceException,
    );
    expect(err?.name).toBe('AccessDenied');
    expect(err?.$metadata.httpStatusCode).toBe(403);
    expect(err?.message).not.toContain('home/alice/x.txt');
    // A denied caller cannot tell an existing bucket from a missing one.
    const missing = await ro.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-anywhere' })).then(
      () => 200,
      (e: unknown) => (e as S3ServiceException).$metadata.httpStatusCode,
    );
    const existing = await ro.send(new HeadBucketCommand({ Bucket: 'matrix' })).then(
      () => 200,
      (e: unknown) => (e as S3ServiceException).$metadata.httpStatusCode,
    );
    expect([missing, existing]).toEqual([403, 403]);
  });
});
