import { createHash } from 'node:crypto';
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
import { rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The authorization matrix: every implemented S3 operation × a set of principals → the expected
 * allow or deny, against the running server with real clients. Each cell is set up so that the
 * operation succeeds when authorized: an allowed cell must get the operation's success answer
 * (with the content it must carry) and have its effect; a denied cell must get AccessDenied (the
 * row's denial code; a bare 403 for HEAD) and have no effect. Anything else (404, 5xx, 501...)
 * fails the test.
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

/** Runs one operation as `client`; 'allow' on the operation's success, else what was answered. */
async function attempt(client: S3Client, op: Op, t: Target, who: string): Promise<string> {
  const cell = cells(t, who)[op];
  await cell.before?.();
  let outcome: string;
  try {
    await cell.run(client);
    outcome = 'allow';
  } catch (e) {
    if (e instanceof PerKeyError) outcome = `${e.message} (per key)`;
    else if (e instanceof WrongAnswer) outcome = `success with a wrong answer: ${e.message}`;
    else if (!(e instanceof S3ServiceException)) throw e;
    // A HEAD answer has no body, so no error code: only its status.
    else if (HEADS.has(op)) outcome = `HTTP ${e.$metadata.httpStatusCode}`;
    else outcome = `${e.name} (HTTP ${e.$metadata.httpStatusCode})`;
  }
  const effect = await cell.after?.(outcome === 'allow');
  return effect ? `${outcome}, but ${effect}` : outcome;
}

/** What a denied cell must answer. */
function denial(op: Op, row: Row): string[] {
  if (HEADS.has(op)) return ['HTTP 403'];
  const code = row.deniedAs ?? 'AccessDenied';
  // DeleteObjects may refuse the request, or answer 200 with AccessDenied for each key (as S3 does).
  return op === 'DeleteObjects' && code === 'AccessDenied'
    ? [`${code} (HTTP 403)`, `${code} (per key)`]
    : [`${code} (HTTP 403)`];
}

const HEADS = new Set<Op>(['HeadBucket', 'HeadObject']);
/** A success answer whose content is not what the operation returns. */
class WrongAnswer extends Error {}
/** DeleteObjects answered 200 with an error for the key. */
class PerKeyError extends Error {}
function check(ok: boolean, what: string): void {
  if (!ok) throw new WrongAnswer(what);
}
const etag = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;
/** An operation's effect as root sees it afterwards: undefined when it matches the decision. */
const effect = (allowed: boolean, happened: boolean, what: string) =>
  allowed === happened ? undefined : allowed ? `${what} did not happen` : `${what} happened anyway`;
/** Resolves to `ifOk` when `p` succeeds, `ifMissing` on a 404, else rethrows. */
const probe = <T>(p: Promise<unknown>, ifOk: T, ifMissing: T): Promise<T> =>
  p.then(
    () => ifOk,
    (e: unknown) => {
      if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404) return ifMissing;
      throw e;
    },
  );
const bucketExists = (bucket: string) =>
  probe(root.send(new HeadBucketCommand({ Bucket: bucket })), true, false);
const objectExists = (bucket: string, key: string) =>
  probe(root.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), true, false);
const rootBody = (bucket: string, key: string) =>
  root
    .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    .then((r) => r.Body!.transformToString())
    .catch((e: unknown) => {
      if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404) return undefined;
      throw e;
    });
const rootBucketTags = (bucket: string) =>
  root.send(new GetBucketTaggingCommand({ Bucket: bucket })).then(
    (r) => r.TagSet ?? [],
    (e: unknown) => {
      if (e instanceof S3ServiceException && e.name === 'NoSuchTagSet') return [];
      throw e;
    },
  );
const rootObjectTags = async (bucket: string, key: string) =>
  (await root.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet ?? [];
const rootPolicy = (bucket: string) =>
  root.send(new GetBucketPolicyCommand({ Bucket: bucket })).then(
    (r) => r.Policy,
    (e: unknown) => {
      if (e instanceof S3ServiceException && e.name === 'NoSuchBucketPolicy') return undefined;
      throw e;
    },
  );
const rootPut = (bucket: string, key: string, body: string) =>
  root.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
const rootUpload = async (bucket: string, key: string) =>
  (await root.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
const uploadGone = (bucket: string, key: string, uploadId: string) =>
  probe(root.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId })), false, true);

/** A bucket whose policy the bucket-policy writes change (the matrix buckets' policies decide rows). */
const SIDE = 'matrix-side';
const sidePolicy = (who: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `by${who.replace(/[^a-z0-9]/g, '')}`,
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam:::user/bob'] },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${SIDE}/*`,
      },
    ],
  });

interface Cell {
  /** Root sets up what the operation needs to succeed. */
  before?: () => Promise<unknown>;
  /** The operation as the row's principal: resolves on its success answer, checked against what it must contain. */
  run: (c: S3Client) => Promise<unknown>;
  /** Root checks the effect (allowed) or its absence (denied), cleans up, and names any mismatch. */
  after?: (allowed: boolean) => Promise<string | undefined>;
}

/**
 * Every operation, set up so that it succeeds when authorized: existing objects, tags, policies,
 * uploads and parts; scratch names per row so that rows do not disturb each other.
 */
function cells(t: Target, who: string): Record<Op, Cell> {
  const b = t.bucket;
  const home = 'home/alice/';
  const X = `${home}x.txt`;
  const key = (what: string) => `${home}${what}-${who}`;
  const scratch = `mx-${who}-new`;
  const doomed = `mx-${who}-del`;
  const tags = [{ Key: 'team', Value: 'mx' }];
  const mine = [{ Key: 'by', Value: who }];
  let uploadId: string | undefined;
  let partETag: string | undefined;
  return {
    ListBuckets: {
      run: async (c) => {
        const r = await c.send(new ListBucketsCommand({}));
        check(r.Buckets?.some((x) => x.Name === b) === true, `${b} not listed`);
      },
    },
    CreateBucket: {
      run: (c) => c.send(new CreateBucketCommand({ Bucket: scratch })),
      after: async (allowed) => {
        const created = await bucketExists(scratch);
        if (created) await root.send(new DeleteBucketCommand({ Bucket: scratch }));
        return effect(allowed, created, 'the bucket creation');
      },
    },
    HeadBucket: { run: (c) => c.send(new HeadBucketCommand({ Bucket: b })) },
    DeleteBucket: {
      before: () => root.send(new CreateBucketCommand({ Bucket: doomed })),
      run: (c) => c.send(new DeleteBucketCommand({ Bucket: doomed })),
      after: async (allowed) => {
        const left = await bucketExists(doomed);
        if (left) await root.send(new DeleteBucketCommand({ Bucket: doomed }));
        return effect(allowed, !left, 'the bucket deletion');
      },
    },
    GetBucketLocation: { run: (c) => c.send(new GetBucketLocationCommand({ Bucket: b })) },
    GetBucketVersioning: {
      run: async (c) => {
        const r = await c.send(new GetBucketVersioningCommand({ Bucket: b }));
        check(r.Status === undefined, `versioning ${r.Status}`);
      },
    },
    GetBucketTagging: {
      before: () => root.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: tags } })),
      run: async (c) => {
        const r = await c.send(new GetBucketTaggingCommand({ Bucket: b }));
        check(JSON.stringify(r.TagSet) === JSON.stringify(tags), `tags ${JSON.stringify(r.TagSet)}`);
      },
    },
    PutBucketTagging: {
      run: (c) => c.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: mine } })),
      after: async (allowed) =>
        effect(
          allowed,
          (await rootBucketTags(b)).some((x) => x.Value === who),
          'the tagging',
        ),
    },
    DeleteBucketTagging: {
      before: () => root.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: tags } })),
      run: (c) => c.send(new DeleteBucketTaggingCommand({ Bucket: b })),
      after: async (allowed) => effect(allowed, (await rootBucketTags(b)).length === 0, 'the tag deletion'),
    },
    GetBucketPolicy: {
      run: async (c) => {
        const r = await c.send(new GetBucketPolicyCommand({ Bucket: b }));
        check(JSON.parse(r.Policy ?? '{}').Statement?.length > 0, `policy ${r.Policy}`);
      },
    },
    PutBucketPolicy: {
      before: () => root.send(new DeleteBucketPolicyCommand({ Bucket: SIDE })),
      run: (c) => c.send(new PutBucketPolicyCommand({ Bucket: SIDE, Policy: sidePolicy(who) })),
      after: async (allowed) =>
        effect(
          allowed,
          (await rootPolicy(SIDE))?.includes(who.replace(/[^a-z0-9]/g, '')) === true,
          'the policy',
        ),
    },
    DeleteBucketPolicy: {
      before: () => root.send(new PutBucketPolicyCommand({ Bucket: SIDE, Policy: sidePolicy('root') })),
      run: (c) => c.send(new DeleteBucketPolicyCommand({ Bucket: SIDE })),
      after: async (allowed) =>
        effect(allowed, (await rootPolicy(SIDE)) === undefined, 'the policy deletion'),
    },
    GetBucketPolicyStatus: {
      run: async (c) => {
        const r = await c.send(new GetBucketPolicyStatusCommand({ Bucket: b }));
        check(r.PolicyStatus?.IsPublic === (b === 'matrix-pub'), `IsPublic ${r.PolicyStatus?.IsPublic}`);
      },
    },
    ListObjects: {
      run: async (c) => {
        const r = await c.send(new ListObjectsCommand({ Bucket: b }));
        check(r.Contents?.some((o) => o.Key === 'data/b.txt') === true, 'data/b.txt not listed');
      },
    },
    ListObjectsV2: {
      run: async (c) => {
        const r = await c.send(new ListObjectsV2Command({ Bucket: b }));
        check(r.Contents?.some((o) => o.Key === 'data/b.txt') === true, 'data/b.txt not listed');
      },
    },
    ListObjectsV2Home: {
      run: async (c) => {
        const r = await c.send(new ListObjectsV2Command({ Bucket: b, Prefix: home, Delimiter: '/' }));
        check(r.Contents?.some((o) => o.Key === X) === true, `${X} not listed`);
      },
    },
    ListMultipartUploads: {
      run: async (c) => {
        const r = await c.send(new ListMultipartUploadsCommand({ Bucket: b }));
        check(r.Uploads?.some((u) => u.UploadId === t.uploadId) === true, 'the upload not listed');
      },
    },
    PutObject: {
      before: () => root.send(new DeleteObjectCommand({ Bucket: b, Key: key('put') })),
      run: async (c) => {
        const r = await c.send(new PutObjectCommand({ Bucket: b, Key: key('put'), Body: who }));
        check(r.ETag === etag(who), `ETag ${r.ETag}`);
      },
      after: async (allowed) => effect(allowed, (await rootBody(b, key('put'))) === who, 'the write'),
    },
    GetObject: {
      run: async (c) => {
        const r = await c.send(new GetObjectCommand({ Bucket: b, Key: X }));
        const body = await r.Body?.transformToString();
        check(body === X, `body ${body}`);
      },
    },
    GetObjectOutsideHome: {
      run: async (c) => {
        const r = await c.send(new GetObjectCommand({ Bucket: b, Key: 'data/b.txt' }));
        const body = await r.Body?.transformToString();
        check(body === 'data/b.txt', `body ${body}`);
      },
    },
    HeadObject: {
      run: async (c) => {
        const r = await c.send(new HeadObjectCommand({ Bucket: b, Key: X }));
        check(r.ContentLength === X.length && r.ETag === etag(X), `${r.ContentLength} bytes, ETag ${r.ETag}`);
      },
    },
    CopyObject: {
      before: () => root.send(new DeleteObjectCommand({ Bucket: b, Key: key('copy') })),
      run: async (c) => {
        const r = await c.send(
          new CopyObjectCommand({ Bucket: b, Key: key('copy'), CopySource: `${b}/${X}` }),
        );
        check(r.CopyObjectResult?.ETag === etag(X), `ETag ${r.CopyObjectResult?.ETag}`);
      },
      after: async (allowed) => effect(allowed, (await rootBody(b, key('copy'))) === X, 'the copy'),
    },
    DeleteObject: {
      before: () => rootPut(b, key('del'), 'doomed'),
      run: (c) => c.send(new DeleteObjectCommand({ Bucket: b, Key: key('del') })),
      after: async (allowed) => effect(allowed, !(await objectExists(b, key('del'))), 'the deletion'),
    },
    DeleteObjects: {
      before: () => rootPut(b, key('dels'), 'doomed'),
      run: async (c) => {
        const r = await c.send(
          new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: key('dels') }] } }),
        );
        if (r.Errors?.length) throw new PerKeyError(r.Errors.map((e) => e.Code).join(','));
        check(r.Deleted?.some((d) => d.Key === key('dels')) === true, 'the key not in Deleted');
      },
      after: async (allowed) => effect(allowed, !(await objectExists(b, key('dels'))), 'the deletion'),
    },
    GetObjectTagging: {
      before: () => root.send(new PutObjectTaggingCommand({ Bucket: b, Key: X, Tagging: { TagSet: tags } })),
      run: async (c) => {
        const r = await c.send(new GetObjectTaggingCommand({ Bucket: b, Key: X }));
        check(JSON.stringify(r.TagSet) === JSON.stringify(tags), `tags ${JSON.stringify(r.TagSet)}`);
      },
    },
    PutObjectTagging: {
      run: (c) => c.send(new PutObjectTaggingCommand({ Bucket: b, Key: X, Tagging: { TagSet: mine } })),
      after: async (allowed) =>
        effect(
          allowed,
          (await rootObjectTags(b, X)).some((x) => x.Value === who),
          'the tagging',
        ),
    },
    DeleteObjectTagging: {
      before: () => root.send(new PutObjectTaggingCommand({ Bucket: b, Key: X, Tagging: { TagSet: tags } })),
      run: (c) => c.send(new DeleteObjectTaggingCommand({ Bucket: b, Key: X })),
      after: async (allowed) =>
        effect(allowed, (await rootObjectTags(b, X)).length === 0, 'the tag deletion'),
    },
    CreateMultipartUpload: {
      run: async (c) => {
        uploadId = (await c.send(new CreateMultipartUploadCommand({ Bucket: b, Key: key('mp') }))).UploadId;
        check(uploadId !== undefined, 'no UploadId');
      },
      after: async (allowed) => {
        if (uploadId === undefined) return effect(allowed, false, 'the upload');
        await root.send(new AbortMultipartUploadCommand({ Bucket: b, Key: key('mp'), UploadId: uploadId }));
        return effect(allowed, true, 'the upload');
      },
    },
    UploadPart: {
      run: async (c) => {
        const r = await c.send(
          new UploadPartCommand({
            Bucket: b,
            Key: `${home}mp`,
            UploadId: t.uploadId,
            PartNumber: 2,
            Body: who,
          }),
        );
        check(r.ETag === etag(who), `ETag ${r.ETag}`);
      },
    },
    ListParts: {
      run: async (c) => {
        const r = await c.send(new ListPartsCommand({ Bucket: b, Key: `${home}mp`, UploadId: t.uploadId }));
        check(r.Parts?.[0]?.PartNumber === 1 && r.Parts[0].ETag === etag('part one'), 'part 1 not listed');
      },
    },
    CompleteMultipartUpload: {
      before: async () => {
        uploadId = await rootUpload(b, key('cmp'));
        partETag = (
          await root.send(
            new UploadPartCommand({
              Bucket: b,
              Key: key('cmp'),
              UploadId: uploadId,
              PartNumber: 1,
              Body: who,
            }),
          )
        ).ETag;
      },
      run: async (c) => {
        const r = await c.send(
          new CompleteMultipartUploadCommand({
            Bucket: b,
            Key: key('cmp'),
            UploadId: uploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: partETag }] },
          }),
        );
        check(
          r.Key === key('cmp') && /^"[0-9a-f]{32}-1"$/.test(r.ETag ?? ''),
          `Key ${r.Key}, ETag ${r.ETag}`,
        );
      },
      after: async (allowed) => {
        const body = await rootBody(b, key('cmp'));
        if (body === undefined)
          await root.send(
            new AbortMultipartUploadCommand({ Bucket: b, Key: key('cmp'), UploadId: uploadId }),
          );
        return effect(allowed, body === who, 'the completion');
      },
    },
    AbortMultipartUpload: {
      before: async () => {
        uploadId = await rootUpload(b, key('abort'));
      },
      run: (c) =>
        c.send(new AbortMultipartUploadCommand({ Bucket: b, Key: key('abort'), UploadId: uploadId })),
      after: async (allowed) => {
        const gone = await uploadGone(b, key('abort'), uploadId!);
        if (!gone)
          await root.send(
            new AbortMultipartUploadCommand({ Bucket: b, Key: key('abort'), UploadId: uploadId }),
          );
        return effect(allowed, gone, 'the abort');
      },
    },
  };
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
  /** The code of every denial (default AccessDenied). */
  deniedAs?: string;
  /** Cells not run: another account's ListBuckets lists its own buckets, CreateBucket makes one there. */
  skip?: Set<Op>;
}
const rows: Row[] = [];
let other: { id: string; rootAccessKey: string; rootSecretKey: string };

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
    await root.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'home/alice/mp',
        UploadId: mp.UploadId!,
        PartNumber: 1,
        Body: 'part one',
      }),
    );
    targets[bucket] = { bucket, uploadId: mp.UploadId! };
  }
  await root.send(new CreateBucketCommand({ Bucket: SIDE }));
  // Another account (docs/accounts.md): its principals act on the default account's buckets.
  const made = await rawRequest(server.port, {
    method: 'POST',
    path: '/minio/admin/v3/tessera/accounts',
    query: { name: 'matrix-other' },
  });
  other = JSON.parse(made.body) as typeof other;
  const named = ['x-both', 'x-policy-only'].map((u) => `arn:aws:iam::${other.id}:user/${u}`);
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
            Principal: { AWS: ['arn:aws:iam:::user/bob', ...named] },
            Action: ['s3:GetObject'],
            Resource: 'arn:aws:s3:::matrix/*',
          },
          {
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam:::user/bob', ...named] },
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
    {
      who: 'disabled-user',
      client: s3Of(disabled),
      bucket: 'matrix',
      allowed: NONE,
      deniedAs: 'InvalidAccessKeyId',
    },
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
    {
      who: 'svc-expired',
      client: () => clientFor(...key(expiringXml)),
      bucket: 'matrix',
      allowed: NONE,
      deniedAs: 'InvalidAccessKeyId',
    },
    { who: 'anonymous', client: anonymousClient, bucket: 'matrix', allowed: NONE },
    {
      who: 'anonymous-public',
      client: anonymousClient,
      bucket: 'matrix-pub',
      allowed: only('GetObject', 'GetObjectOutsideHome', 'HeadObject'),
    },
    { who: 'bob-bucket-policy', client: s3Of(bob), bucket: 'matrix', allowed: BOB_OPS },
  );
  // Cross-account: both the caller's identity policies and the bucket policy must allow.
  const otherIam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: other.rootAccessKey, secretAccessKey: other.rootSecretKey },
  });
  const otherUser = async (name: string, policies: string[]) => {
    await otherIam.send(new CreateUserCommand({ UserName: name }));
    for (const p of policies)
      await otherIam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: p }));
    const k = await otherIam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { key: k.AccessKey!.AccessKeyId!, secret: k.AccessKey!.SecretAccessKey! };
  };
  const xBoth = await otherUser('x-both', [builtin('readwrite')]);
  const xPolicyOnly = await otherUser('x-policy-only', []);
  const xIdentityOnly = await otherUser('x-identity-only', [builtin('readwrite')]);
  otherIam.destroy();
  const OWN = only('ListBuckets', 'CreateBucket');
  rows.push(
    { who: 'x-both', client: s3Of(xBoth), bucket: 'matrix', allowed: BOB_OPS, skip: OWN },
    { who: 'x-policy-only', client: s3Of(xPolicyOnly), bucket: 'matrix', allowed: NONE },
    { who: 'x-identity-only', client: s3Of(xIdentityOnly), bucket: 'matrix', allowed: NONE, skip: OWN },
    {
      who: 'x-root',
      client: () => clientFor(other.rootAccessKey, other.rootSecretKey),
      bucket: 'matrix',
      allowed: NONE,
      skip: OWN,
    },
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
        if (row.skip?.has(op)) continue;
        const expected = row.allowed.has(op) ? ['allow'] : denial(op, row);
        const actual = await attempt(client, op, targets[row.bucket]!, row.who);
        if (!expected.includes(actual))
          mismatches.push(`${row.who} × ${op}: expected ${expected.join(' or ')}, got ${actual}`);
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
