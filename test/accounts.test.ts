import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteUserCommand,
  GetUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson } from './helpers/aws-cli.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

/**
 * Accounts (tenants, docs/accounts.md) end to end: accounts made with `tessera admin account`,
 * their roots and IAM users signing with @aws-sdk/client-s3 / client-iam and the aws CLI, against
 * the real server (two workers), beside the default account and anonymous callers.
 */
let server: RunningServer;
let dir: string;
let root: S3Client;

interface Account {
  id: string;
  name: string;
  rootAccessKey: string;
  rootSecretKey: string;
}
let acme: Account;
let globex: Account;

type Run = { code: number; out: string; err: string };

function tessera(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

async function ok(line: string): Promise<string> {
  const r = await tessera(line.split(' '));
  if (r.code !== 0) throw new Error(`tessera ${line} → ${r.code}: ${r.err}`);
  return r.out;
}

const s3As = (accessKeyId: string, secretAccessKey: string) =>
  s3Client(server, { credentials: { accessKeyId, secretAccessKey } });
const iamAs = (accessKeyId: string, secretAccessKey: string) =>
  new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });

/** 'ok' or the error name. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as Error).name;
  }
}

const getObject = (c: S3Client, Bucket: string, Key = 'k') =>
  outcome(c.send(new GetObjectCommand({ Bucket, Key })).then((r) => r.Body?.transformToString()));

/** Polls until `probe` gives `want`: policy changes reach every worker within about a second. */
async function until(probe: () => Promise<string>, want: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got = await probe();
  while (got !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    got = await probe();
  }
  expect(got).toBe(want);
}

async function names(c: S3Client): Promise<string[]> {
  return ((await c.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
}

const allow = (principal: string | string[], action: string, resource: string, effect = 'Allow') => ({
  Effect: effect,
  Principal: { AWS: principal },
  Action: action,
  Resource: resource,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-accounts-'));
  server = await startServer();
  root = s3Client(server);
  await ok(`alias set local ${server.endpoint} ${ROOT_USER} ${ROOT_PASSWORD}`);
});
afterAll(async () => {
  root?.destroy();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera admin account', () => {
  it('add prints the root credentials once; list and info; names are unique without regard to case', async () => {
    acme = JSON.parse(await ok('admin account add local acme --json')) as Account;
    globex = JSON.parse(await ok('admin account add local Globex --json')) as Account;
    expect(acme.id).toMatch(/^\d{12}$/);
    expect(globex.id).not.toBe(acme.id);
    expect(acme.rootSecretKey.length).toBeGreaterThanOrEqual(32);
    const human = await ok('admin account add local initech');
    expect(human).toMatch(/^Account:\s+initech$/m);
    expect(human).toMatch(/^SecretKey:\s+\S{32,}$/m);
    const listed = await ok('admin account list local');
    expect(listed).toMatch(/^NAME\s+ID\s+ROOT ACCESS KEY\s+CREATED\n/);
    expect(listed).toContain(acme.id);
    expect(listed).not.toContain(acme.rootSecretKey);
    const info = JSON.parse(await ok('admin account info local ACME --json'));
    expect(info).toMatchObject({ id: acme.id, name: 'acme', owns: { buckets: 0, users: 0 } });
    expect(info.rootSecretKey).toBeUndefined();
    const dup = await tessera(['admin', 'account', 'add', 'local', 'GLOBEX']);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/EntityAlreadyExists/);
    expect((await ok('admin account remove local initech')).trim()).toMatch(/^Removed account initech/);
  });

  it('only the deployment root may manage accounts', async () => {
    await ok(`alias set acme ${server.endpoint} ${acme.rootAccessKey} ${acme.rootSecretKey}`);
    const r = await tessera(['admin', 'account', 'list', 'acme']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/AccessDenied/);
    expect((await tessera(['admin', 'account', 'add', 'acme', 'evil'])).err).toMatch(/AccessDenied/);
    // MinIO admin calls are the deployment's too.
    expect((await tessera(['admin', 'scan', 'acme'])).err).toMatch(/AccessDenied/);
  });
});

describe('buckets and IAM per account', () => {
  let acmeS3: S3Client;
  let globexS3: S3Client;

  beforeAll(() => {
    acmeS3 = s3As(acme.rootAccessKey, acme.rootSecretKey);
    globexS3 = s3As(globex.rootAccessKey, globex.rootSecretKey);
  });

  it('each root creates buckets; ListBuckets shows only its account’s, owned by its account', async () => {
    await root.send(new CreateBucketCommand({ Bucket: 'acct-default' }));
    await acmeS3.send(new CreateBucketCommand({ Bucket: 'acct-acme' }));
    await globexS3.send(new CreateBucketCommand({ Bucket: 'acct-globex' }));
    for (const [c, b] of [
      [root, 'acct-default'],
      [acmeS3, 'acct-acme'],
      [globexS3, 'acct-globex'],
    ] as const)
      await c.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: b }));
    expect(await names(acmeS3)).toEqual(['acct-acme']);
    expect(await names(globexS3)).toEqual(['acct-globex']);
    expect(await names(root)).toContain('acct-default');
    expect(await names(root)).not.toContain('acct-acme');
    const owners = await Promise.all(
      [root, acmeS3, globexS3].map(async (c) => (await c.send(new ListBucketsCommand({}))).Owner),
    );
    expect(owners[1]).toEqual({ ID: expect.stringMatching(/^[0-9a-f]{64}$/), DisplayName: 'acme' });
    expect(owners[2]?.DisplayName).toBe('Globex');
    expect(new Set(owners.map((o) => o?.ID)).size).toBe(3);
    // The aws CLI sees the same.
    const cli = await awsCliJson(server.endpoint, ['s3api', 'list-buckets'], {
      accessKeyId: globex.rootAccessKey,
      secretAccessKey: globex.rootSecretKey,
    });
    expect((cli['Buckets'] as { Name: string }[]).map((b) => b.Name)).toEqual(['acct-globex']);
    expect(await names(s3As(acme.rootAccessKey, acme.rootSecretKey))).toEqual(['acct-acme']);
  });

  it('listings show the bucket’s account as the Owner of objects, versions and uploads', async () => {
    const owner = (await acmeS3.send(new ListBucketsCommand({}))).Owner;
    const v1 = await acmeS3.send(new ListObjectsCommand({ Bucket: 'acct-acme' }));
    expect(v1.Contents?.[0]?.Owner).toEqual(owner);
    const v2 = await acmeS3.send(new ListObjectsV2Command({ Bucket: 'acct-acme', FetchOwner: true }));
    expect(v2.Contents?.[0]?.Owner).toEqual(owner);
    const versions = await acmeS3.send(new ListObjectVersionsCommand({ Bucket: 'acct-acme' }));
    expect(versions.Versions?.[0]?.Owner).toEqual(owner);
    const { UploadId } = await acmeS3.send(
      new CreateMultipartUploadCommand({ Bucket: 'acct-acme', Key: 'mp' }),
    );
    const uploads = await acmeS3.send(new ListMultipartUploadsCommand({ Bucket: 'acct-acme' }));
    expect(uploads.Uploads?.[0]?.Owner).toEqual(owner);
    const parts = await acmeS3.send(new ListPartsCommand({ Bucket: 'acct-acme', Key: 'mp', UploadId }));
    expect(parts.Owner).toEqual(owner);
    await acmeS3.send(new AbortMultipartUploadCommand({ Bucket: 'acct-acme', Key: 'mp', UploadId }));
    // The default account's listings keep the deployment's owner.
    const mine = await root.send(new ListObjectsCommand({ Bucket: 'acct-default' }));
    expect(mine.Contents?.[0]?.Owner).toEqual((await root.send(new ListBucketsCommand({}))).Owner);
    expect(mine.Contents?.[0]?.Owner?.ID).not.toBe(owner?.ID);
  });

  it('a bucket name taken by another account is BucketAlreadyExists; by its own, as before', async () => {
    expect(await outcome(globexS3.send(new CreateBucketCommand({ Bucket: 'acct-acme' })))).toBe(
      'BucketAlreadyExists',
    );
    expect(await outcome(root.send(new CreateBucketCommand({ Bucket: 'acct-acme' })))).toBe(
      'BucketAlreadyExists',
    );
    expect(await outcome(acmeS3.send(new CreateBucketCommand({ Bucket: 'acct-default' })))).toBe(
      'BucketAlreadyExists',
    );
    // us-east-1's legacy answer to re-creating one's own bucket: 200.
    expect(await outcome(acmeS3.send(new CreateBucketCommand({ Bucket: 'acct-acme' })))).toBe('ok');
  });

  it('accounts cannot read each other’s buckets without a bucket policy; nor can the deployment root or anonymous', async () => {
    expect(await getObject(acmeS3, 'acct-acme')).toBe('ok');
    expect(await getObject(acmeS3, 'acct-globex')).toBe('AccessDenied');
    expect(await getObject(globexS3, 'acct-acme')).toBe('AccessDenied');
    expect(await getObject(acmeS3, 'acct-default')).toBe('AccessDenied');
    expect(await getObject(root, 'acct-acme')).toBe('AccessDenied');
    expect(await outcome(acmeS3.send(new DeleteObjectCommand({ Bucket: 'acct-globex', Key: 'k' })))).toBe(
      'AccessDenied',
    );
    expect((await fetch(`${server.endpoint}/acct-acme/k`)).status).toBe(403);
    // A bucket with ACLs enabled but no grant to anyone else: still nobody else's.
    await acmeS3.send(new CreateBucketCommand({ Bucket: 'acct-acme-acl', ObjectOwnership: 'ObjectWriter' }));
    await acmeS3.send(new PutObjectCommand({ Bucket: 'acct-acme-acl', Key: 'k', Body: 'acl' }));
    expect(await getObject(acmeS3, 'acct-acme-acl')).toBe('ok');
    expect(await getObject(root, 'acct-acme-acl')).toBe('AccessDenied');
    expect(await getObject(globexS3, 'acct-acme-acl')).toBe('AccessDenied');
    const list = (c: S3Client) => outcome(c.send(new ListObjectsV2Command({ Bucket: 'acct-acme-acl' })));
    expect(await list(acmeS3)).toBe('ok');
    expect(await list(root)).toBe('AccessDenied');
    expect(await list(globexS3)).toBe('AccessDenied');
  });

  it('IAM works inside the caller’s account: names per account, ARNs with its id, GetUser of the root', async () => {
    const acmeIam = iamAs(acme.rootAccessKey, acme.rootSecretKey);
    const globexIam = iamAs(globex.rootAccessKey, globex.rootSecretKey);
    const me = (await acmeIam.send(new GetUserCommand({}))).User!;
    expect(me.Arn).toBe(`arn:aws:iam::${acme.id}:root`);
    expect(me.UserId).toBe(acme.id);
    const a = (await acmeIam.send(new CreateUserCommand({ UserName: 'alice' }))).User!;
    const g = (await globexIam.send(new CreateUserCommand({ UserName: 'alice' }))).User!;
    expect(a.Arn).toBe(`arn:aws:iam::${acme.id}:user/alice`);
    expect(g.Arn).toBe(`arn:aws:iam::${globex.id}:user/alice`);
    expect(await outcome(acmeIam.send(new CreateUserCommand({ UserName: 'ALICE' })))).toBe(
      'EntityAlreadyExistsException',
    );
    // The default account does not see them.
    expect(
      await outcome(iamAs(ROOT_USER, ROOT_PASSWORD).send(new GetUserCommand({ UserName: 'alice' }))),
    ).toBe('NoSuchEntityException');
    acmeIam.destroy();
    globexIam.destroy();
  });
});

describe('cross-account access', () => {
  let acmeS3: S3Client;
  let globexS3: S3Client;
  let bob: S3Client;
  let carol: S3Client;
  const obj = 'arn:aws:s3:::acct-acme/k';

  beforeAll(async () => {
    acmeS3 = s3As(acme.rootAccessKey, acme.rootSecretKey);
    globexS3 = s3As(globex.rootAccessKey, globex.rootSecretKey);
    const globexIam = iamAs(globex.rootAccessKey, globex.rootSecretKey);
    await globexIam.send(new CreateUserCommand({ UserName: 'bob' }));
    const key = (await globexIam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!;
    bob = s3As(key.AccessKeyId!, key.SecretAccessKey!);
    const acmeIam = iamAs(acme.rootAccessKey, acme.rootSecretKey);
    await acmeIam.send(new CreateUserCommand({ UserName: 'carol' }));
    const ck = (await acmeIam.send(new CreateAccessKeyCommand({ UserName: 'carol' }))).AccessKey!;
    carol = s3As(ck.AccessKeyId!, ck.SecretAccessKey!);
    globexIam.destroy();
    acmeIam.destroy();
  });

  const bucketPolicy = (...Statement: unknown[]) =>
    acmeS3.send(
      new PutBucketPolicyCommand({
        Bucket: 'acct-acme',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement }),
      }),
    );

  it('needs both the bucket policy and the caller’s identity policy; within one account either suffices', async () => {
    const bobArn = `arn:aws:iam::${globex.id}:user/bob`;
    await bucketPolicy(
      allow(bobArn, 's3:GetObject', obj),
      allow(`arn:aws:iam::${acme.id}:user/carol`, 's3:GetObject', obj),
    );
    // carol (same account): the bucket policy alone allows.
    await until(() => getObject(carol, 'acct-acme'), 'ok');
    // bob (other account): the bucket policy alone is not enough.
    expect(await getObject(bob, 'acct-acme')).toBe('AccessDenied');
    const globexIam = iamAs(globex.rootAccessKey, globex.rootSecretKey);
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: obj }],
    };
    const p = await globexIam.send(
      new CreatePolicyCommand({ PolicyName: 'read-acme', PolicyDocument: JSON.stringify(doc) }),
    );
    expect(p.Policy?.Arn).toBe(`arn:aws:iam::${globex.id}:policy/read-acme`);
    await globexIam.send(new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: p.Policy!.Arn! }));
    await until(() => getObject(bob, 'acct-acme'), 'ok');
    // The identity policy alone is not enough either: without the bucket policy bob is refused.
    await bucketPolicy(allow(`arn:aws:iam::${acme.id}:user/carol`, 's3:GetObject', obj));
    await until(() => getObject(bob, 'acct-acme'), 'AccessDenied');
    // The globex root: its identity side allows everything, the bucket policy must still allow.
    expect(await getObject(globexS3, 'acct-acme')).toBe('AccessDenied');
    globexIam.destroy();
  });

  it('a grant to the other account (its root ARN) delegates to that account’s identity policies; explicit deny wins', async () => {
    await bucketPolicy(allow(`arn:aws:iam::${globex.id}:root`, 's3:GetObject', obj));
    await until(() => getObject(globexS3, 'acct-acme'), 'ok');
    await until(() => getObject(bob, 'acct-acme'), 'ok');
    // Not the deployment root, nor acme's other accounts' principals.
    expect(await getObject(root, 'acct-acme')).toBe('AccessDenied');
    await bucketPolicy(
      allow(`arn:aws:iam::${globex.id}:root`, 's3:GetObject', obj),
      allow(`arn:aws:iam::${globex.id}:user/bob`, 's3:GetObject', obj, 'Deny'),
    );
    await until(() => getObject(bob, 'acct-acme'), 'AccessDenied');
    expect(await getObject(globexS3, 'acct-acme')).toBe('ok');
    // Still nothing but reads: the policy grants GetObject only.
    expect(
      await outcome(globexS3.send(new PutObjectCommand({ Bucket: 'acct-acme', Key: 'x', Body: 'x' }))),
    ).toBe('AccessDenied');
  });
});

describe('ACL grants across accounts', () => {
  it('a grant to another account’s canonical id lets it in, with its own identity policies; explicit deny wins', async () => {
    const acmeS3 = s3As(acme.rootAccessKey, acme.rootSecretKey);
    const globexS3 = s3As(globex.rootAccessKey, globex.rootSecretKey);
    const Bucket = 'acct-acme-acl';
    const acmeId = (await acmeS3.send(new ListBucketsCommand({}))).Owner!.ID!;
    const globexId = (await globexS3.send(new ListBucketsCommand({}))).Owner!.ID!;
    // The owner of a tenant's bucket, and of its objects, is the tenant's account.
    const before = await acmeS3.send(new GetBucketAclCommand({ Bucket }));
    expect(before.Owner).toEqual({ ID: acmeId, DisplayName: 'acme' });
    expect(before.Grants).toEqual([
      { Grantee: { Type: 'CanonicalUser', ID: acmeId, DisplayName: 'acme' }, Permission: 'FULL_CONTROL' },
    ]);
    // A canonical id no account has is still refused.
    const unknown = 'ab'.repeat(32);
    expect(
      await outcome(acmeS3.send(new PutBucketAclCommand({ Bucket, GrantRead: `id="${unknown}"` }))),
    ).toBe('InvalidArgument');
    await acmeS3.send(
      new PutBucketAclCommand({ Bucket, GrantRead: `id="${globexId}"`, GrantFullControl: `id="${acmeId}"` }),
    );
    const after = await awsCliJson(server.endpoint, ['s3api', 'get-bucket-acl', '--bucket', Bucket], {
      accessKeyId: acme.rootAccessKey,
      secretAccessKey: acme.rootSecretKey,
    });
    expect(after.Grants).toContainEqual({
      Grantee: { Type: 'CanonicalUser', ID: globexId, DisplayName: 'Globex' },
      Permission: 'READ',
    });
    const list = (c: S3Client) => outcome(c.send(new ListObjectsV2Command({ Bucket })));
    // Bucket READ lets globex list; the object's ACL is still acme's alone.
    await until(() => list(globexS3), 'ok');
    expect(await getObject(globexS3, Bucket)).toBe('AccessDenied');
    await acmeS3.send(new PutObjectAclCommand({ Bucket, Key: 'k', GrantRead: `id="${globexId}"` }));
    expect(await getObject(globexS3, Bucket)).toBe('ok');
    // Neither the deployment root nor another account the grants do not name.
    expect(await getObject(root, Bucket)).toBe('AccessDenied');
    expect(await list(root)).toBe('AccessDenied');
    // A globex user needs globex's identity policy too.
    const globexIam = iamAs(globex.rootAccessKey, globex.rootSecretKey);
    await globexIam.send(new CreateUserCommand({ UserName: 'dave' }));
    const dk = (await globexIam.send(new CreateAccessKeyCommand({ UserName: 'dave' }))).AccessKey!;
    const dave = s3As(dk.AccessKeyId!, dk.SecretAccessKey!);
    expect(await getObject(dave, Bucket)).toBe('AccessDenied');
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` }],
    };
    const p = await globexIam.send(
      new CreatePolicyCommand({ PolicyName: 'read-acme-acl', PolicyDocument: JSON.stringify(doc) }),
    );
    await globexIam.send(new AttachUserPolicyCommand({ UserName: 'dave', PolicyArn: p.Policy!.Arn! }));
    await until(() => getObject(dave, Bucket), 'ok');
    // Its identity policy grants no listing: the bucket grant alone does not let dave list.
    expect(await list(dave)).toBe('AccessDenied');
    // An explicit Deny in the bucket policy wins over the grant.
    await acmeS3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            allow(`arn:aws:iam::${globex.id}:root`, 's3:GetObject', `arn:aws:s3:::${Bucket}/*`, 'Deny'),
          ],
        }),
      }),
    );
    await until(() => getObject(globexS3, Bucket), 'AccessDenied');
    await until(() => getObject(dave, Bucket), 'AccessDenied');
    expect(await list(globexS3)).toBe('ok');
    for (const c of [acmeS3, globexS3, dave]) c.destroy();
    globexIam.destroy();
  });
});

describe('removing an account', () => {
  it('refuses while it owns buckets or IAM entities, then removes it and its root key stops working', async () => {
    const hooli = JSON.parse(await ok('admin account add local hooli --json')) as Account;
    const s3 = s3As(hooli.rootAccessKey, hooli.rootSecretKey);
    const iam = iamAs(hooli.rootAccessKey, hooli.rootSecretKey);
    await s3.send(new CreateBucketCommand({ Bucket: 'acct-hooli' }));
    const busy = await tessera(['admin', 'account', 'remove', 'local', 'hooli']);
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/DeleteConflict: .*1 bucket/);
    await s3.send(new DeleteBucketCommand({ Bucket: 'acct-hooli' }));
    await iam.send(new CreateUserCommand({ UserName: 'gavin' }));
    expect((await tessera(['admin', 'account', 'remove', 'local', 'hooli'])).err).toMatch(
      /DeleteConflict: .*1 users/,
    );
    await iam.send(new DeleteUserCommand({ UserName: 'gavin' }));
    expect(await ok('admin account remove local hooli')).toMatch(/^Removed account hooli/);
    await until(() => outcome(s3.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
    expect(await ok('admin account list local')).not.toContain('hooli');
    s3.destroy();
    iam.destroy();
  });
});
