import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  GetObjectTaggingCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgIamStore, openPgMetadataStore } from '../src/storage/index.js';
import { iamQuery } from './helpers/iam.js';
import { type Postgres, postgresMissing, startPostgres } from './helpers/postgres.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

// `tessera migrate` (docs/migrate.md): an embedded deployment built through the S3 and IAM APIs,
// moved into PostgreSQL, then served in shared mode from the same data directory. In CI a
// missing PostgreSQL fails, never skips.
const missing = postgresMissing();

const PASSWORD = 'Mig-Pw-7f3a9c';
const MiB = 1024 * 1024;

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the built CLI's `tessera migrate …` (stdin not a terminal). */
function migrate(args: string[]): Promise<Run> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [MAIN, 'migrate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('exit', (code) => res({ code, out, err }));
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException) return e.name;
    if (e instanceof Error && 'Code' in e) return String((e as { Code: unknown }).Code);
    return (e as Error).name;
  }
}

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const iamOf = (s: RunningServer) =>
  new IAMClient({
    endpoint: s.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
const stsOf = (s: RunningServer, credentials: Keys) =>
  new STSClient({ endpoint: s.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

/** Config answers, or the error code when there is none. */
async function orCode<T>(p: Promise<T>, pick: (v: T) => unknown): Promise<unknown> {
  try {
    return pick(await p);
  } catch (e) {
    return (e as Error).name;
  }
}

/** Everything a client can see of the deployment's objects and buckets (S3 API, as root). */
async function s3Snapshot(s3: S3Client): Promise<unknown> {
  const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).sort();
  const out: Record<string, unknown> = {};
  for (const Bucket of buckets) {
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    const objects = [];
    for (const v of versions.Versions ?? []) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: v.Key!, VersionId: v.VersionId! }));
      objects.push({
        key: v.Key,
        versionId: v.VersionId,
        latest: v.IsLatest,
        etag: v.ETag,
        size: v.Size,
        modified: v.LastModified?.toISOString(),
        sha: sha(await got.Body!.transformToByteArray()),
        type: got.ContentType,
        meta: got.Metadata,
        sse: got.ServerSideEncryption,
        tags: await orCode(
          s3.send(new GetObjectTaggingCommand({ Bucket, Key: v.Key!, VersionId: v.VersionId! })),
          (t) => t.TagSet,
        ),
        retention: await orCode(
          s3.send(new GetObjectRetentionCommand({ Bucket, Key: v.Key!, VersionId: v.VersionId! })),
          (r) => [r.Retention?.Mode, r.Retention?.RetainUntilDate?.toISOString()],
        ),
        hold: await orCode(
          s3.send(new GetObjectLegalHoldCommand({ Bucket, Key: v.Key!, VersionId: v.VersionId! })),
          (h) => h.LegalHold?.Status,
        ),
      });
    }
    const uploads = [];
    for (const u of (await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []) {
      const parts = await s3.send(new ListPartsCommand({ Bucket, Key: u.Key!, UploadId: u.UploadId! }));
      uploads.push({
        key: u.Key,
        id: u.UploadId,
        initiated: u.Initiated?.toISOString(),
        parts: (parts.Parts ?? []).map((p) => [p.PartNumber, p.ETag, p.Size, p.LastModified?.toISOString()]),
      });
    }
    out[Bucket] = {
      versioning: (await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status ?? null,
      tags: await orCode(s3.send(new GetBucketTaggingCommand({ Bucket })), (t) => t.TagSet),
      policy: await orCode(s3.send(new GetBucketPolicyCommand({ Bucket })), (p) => p.Policy),
      cors: await orCode(s3.send(new GetBucketCorsCommand({ Bucket })), (c) => c.CORSRules),
      lifecycle: await orCode(
        s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })),
        (l) => l.Rules,
      ),
      lock: await orCode(
        s3.send(new GetObjectLockConfigurationCommand({ Bucket })),
        (l) => l.ObjectLockConfiguration,
      ),
      objects,
      markers: (versions.DeleteMarkers ?? []).map((m) => [
        m.Key,
        m.VersionId,
        m.IsLatest,
        m.LastModified?.toISOString(),
      ]),
      uploads,
    };
  }
  return out;
}

/** The IAM directory as the IAM API lists it. */
async function iamSnapshot(iam: IAMClient): Promise<unknown> {
  const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
  const keys: Record<string, unknown> = {};
  for (const u of users) {
    keys[u.UserName!] = (
      (await iam.send(new ListAccessKeysCommand({ UserName: u.UserName! }))).AccessKeyMetadata ?? []
    )
      .map((k) => [k.AccessKeyId, k.Status, k.CreateDate?.toISOString()])
      .sort();
  }
  const group = await iam.send(new GetGroupCommand({ GroupName: 'readers' }));
  return {
    users: users.map((u) => [u.UserName, u.UserId, u.Arn, u.CreateDate?.toISOString()]),
    keys,
    group: [group.Group?.GroupId, group.Users?.map((u) => u.UserName)],
    policies: ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => [
      p.PolicyName,
      p.PolicyId,
      p.DefaultVersionId,
      p.AttachmentCount,
      p.CreateDate?.toISOString(),
    ]),
    roles: ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => [
      r.RoleName,
      r.RoleId,
      r.CreateDate?.toISOString(),
      r.AssumeRolePolicyDocument,
    ]),
  };
}

describe.skipIf(missing !== undefined)('tessera migrate: an embedded deployment into PostgreSQL', () => {
  let cluster: Postgres;
  let dataDir: string;
  let url: string;
  let embedded: RunningServer | undefined;
  let shared: RunningServer | undefined;
  let s3Before: unknown;
  let iamBefore: unknown;
  let alice: Keys;
  let bobService: Keys;
  let carol: Keys;
  let session: Keys;
  let pending: { key: string; uploadId: string };
  const runs: Run[] = [];
  const tessera = async (args: string[]) => {
    const r = await migrate(args);
    runs.push(r);
    return r;
  };
  const tables = async (): Promise<number> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: string }>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      return Number(rows[0]!.n);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    cluster = await startPostgres();
    const plain = new URL(await cluster.createDatabase('migrate'));
    plain.password = PASSWORD; // trust authentication: accepted, and never to be printed
    url = plain.toString();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-migrate-'));
    embedded = await startServer({ dataDir, keepData: true, workers: 1 });
    const s3 = s3Client(embedded);
    const iam = iamOf(embedded);

    // A versioned bucket with its configuration, several versions and delete markers.
    await s3.send(new CreateBucketCommand({ Bucket: 'versioned' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: 'versioned',
        Tagging: { TagSet: [{ Key: 'team', Value: 'data' }] },
      }),
    );
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'versioned',
        CORSConfiguration: {
          CORSRules: [
            { AllowedMethods: ['GET'], AllowedOrigins: ['https://app.example.com'], MaxAgeSeconds: 60 },
          ],
        },
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'versioned',
        LifecycleConfiguration: {
          Rules: [{ ID: 'old', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 30 } }],
        },
      }),
    );
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'versioned',
        Policy: doc([
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::versioned/public/*',
          },
        ]),
      }),
    );
    for (const body of ['one', 'two', 'three']) {
      await s3.send(
        new PutObjectCommand({ Bucket: 'versioned', Key: 'doc.txt', Body: body, ContentType: 'text/plain' }),
      );
    }
    await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'doc.txt' }));
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'doc.txt', Body: 'four' }));
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'gone.txt', Body: 'x' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'gone.txt' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'versioned',
        Key: 'ünï/ключ 🔑.bin',
        Body: Buffer.alloc(300_000, 7), // a blob file, not inline bytes
        Metadata: { origin: 'migrate-test' },
        Tagging: 'a=1&b=2',
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'public/hello', Body: 'public' }));

    // Object Lock: a default retention, a version with retention and a legal hold.
    await s3.send(new CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: 'locked',
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
        },
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: 'locked',
        Key: 'kept',
        Body: 'kept',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000),
        ObjectLockLegalHoldStatus: 'ON',
      }),
    );

    // Multipart: one completed, one left in progress with two parts; an SSE-S3 object.
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    const done = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'plain', Key: 'mp-done' }));
    const p1 = await s3.send(
      new UploadPartCommand({
        Bucket: 'plain',
        Key: 'mp-done',
        UploadId: done.UploadId!,
        PartNumber: 1,
        Body: Buffer.alloc(5 * MiB, 1),
      }),
    );
    const p2 = await s3.send(
      new UploadPartCommand({
        Bucket: 'plain',
        Key: 'mp-done',
        UploadId: done.UploadId!,
        PartNumber: 2,
        Body: 'end',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'plain',
        Key: 'mp-done',
        UploadId: done.UploadId!,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag! },
            { PartNumber: 2, ETag: p2.ETag! },
          ],
        },
      }),
    );
    const open = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'plain',
        Key: 'mp-open',
        ContentType: 'application/x-test',
      }),
    );
    pending = { key: 'mp-open', uploadId: open.UploadId! };
    await s3.send(
      new UploadPartCommand({
        Bucket: 'plain',
        Key: 'mp-open',
        UploadId: open.UploadId!,
        PartNumber: 1,
        Body: Buffer.alloc(5 * MiB, 2),
      }),
    );
    await s3.send(
      new UploadPartCommand({
        Bucket: 'plain',
        Key: 'mp-open',
        UploadId: open.UploadId!,
        PartNumber: 2,
        Body: 'tail',
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: 'plain',
        Key: 'sealed',
        Body: 'secret '.repeat(30_000),
        ServerSideEncryption: 'AES256',
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'readme', Body: 'for readers' }));

    // IAM: a user with a secret of her own and an access key, in a group whose managed policy
    // lets it read `plain`; a user with a narrowed service account; a role.
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'alice-own-secret-123' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    alice = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'alice' }));
    const read = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'read-plain',
        PolicyDocument: doc([
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: ['arn:aws:s3:::plain', 'arn:aws:s3:::plain/*'],
          },
        ]),
      }),
    );
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: read.Policy!.Arn! }));
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'bob' }));
    const svc = await iamQuery(embedded.endpoint, {
      Action: 'CreateAccessKey',
      UserName: 'bob',
      Name: 'ci',
      Policy: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::plain/readme' }]),
    });
    bobService = {
      accessKeyId: /<AccessKeyId>([^<]+)</.exec(svc)![1]!,
      secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(svc)![1]!,
    };
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'auditor',
        AssumeRolePolicyDocument: doc([
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::root' }, Action: 'sts:AssumeRole' },
        ]),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'auditor',
        PolicyName: 'read-locked',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::locked/*' }]),
      }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'carol',
        PolicyName: 'may-audit',
        PolicyDocument: doc([
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam:::role/auditor' },
        ]),
      }),
    );
    const ck = (await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }))).AccessKey!;
    carol = { accessKeyId: ck.AccessKeyId!, secretAccessKey: ck.SecretAccessKey! };
    const assumed = await stsOf(embedded, carol).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam:::role/auditor', RoleSessionName: 'before' }),
    );
    session = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
    s3Before = await s3Snapshot(s3);
    iamBefore = await iamSnapshot(iam);
    s3.destroy();
    iam.destroy();
  }, 180_000);

  afterAll(async () => {
    await embedded?.stop();
    await shared?.stop();
    await cluster?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses while a server holds the data directory, and writes nothing', async () => {
    const r = await tessera([dataDir, '--to', url, '--yes']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a server is using .*stop every server on it first/);
    expect(await tables()).toBe(0);
    await embedded!.stop();
    embedded = undefined;
  });

  it('refuses to run unconfirmed when stdin is not a terminal', async () => {
    const r = await tessera([dataDir, '--to', url]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--yes/);
    expect(await tables()).toBe(0);
  });

  it('--dry-run reports what would move and leaves the database empty', async () => {
    const r = await tessera([dataDir, '--to', url, '--dry-run']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Dry run: nothing was written/);
    expect(r.out).toMatch(/^metadata\s+buckets\s+3\s/m);
    expect(r.out).toMatch(/^iam\s+iam_users\s+3\s/m);
    expect(r.out).toMatch(/^iam\s+iam_roles\s+1\s/m);
    expect(r.out).toMatch(/^metadata\s+uploads\s+1\s/m);
    expect(await tables()).toBe(0);
  });

  it('a difference found by the verification stops it (exit 3) and commits nothing', async () => {
    // A target whose schema exists (empty) and whose objects table alters what it is given.
    const other = new URL(await cluster.createDatabase('migrate_altered'));
    other.password = PASSWORD;
    const meta = await openPgMetadataStore({ url: other.toString(), poolSize: 1 });
    await meta.close();
    const iam = await openPgIamStore({ url: other.toString(), poolSize: 1 });
    await iam.close();
    const c = new pg.Client({ connectionString: other.toString() });
    await c.connect();
    try {
      await c.query(`CREATE FUNCTION alter_etag() RETURNS trigger AS $$
        BEGIN NEW.etag := NEW.etag || 'x'; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await c.query(
        'CREATE TRIGGER alter_etag BEFORE INSERT ON objects FOR EACH ROW EXECUTE FUNCTION alter_etag()',
      );
      const r = await tessera([dataDir, '--to', other.toString(), '--yes']);
      expect(r.code).toBe(3);
      expect(r.err).toMatch(
        /verification failed, nothing was committed:\n {2}objects: the rows' contents differ/,
      );
      expect(r.out).toMatch(/^metadata\s+objects\s+\d+\s+DIFFERS/m);
      expect(r.out).toMatch(/^metadata\s+buckets\s+3\s+verified$/m);
      for (const table of ['objects', 'buckets', 'iam_users', 'iam_changes']) {
        const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        expect([table, rows[0]!.n]).toEqual([table, '0']);
      }
      const head = await c.query<{ seq: string }>('SELECT seq FROM iam_feed_head');
      expect(head.rows[0]!.seq).toBe('0');
    } finally {
      await c.end();
    }
  });

  it('on a terminal, stderr shows a progress bar redrawn in place', async () => {
    const other = new URL(await cluster.createDatabase('migrate_tty'));
    other.password = PASSWORD;
    // util-linux's script(1) runs the command on a pseudo-terminal (stdout and stderr both).
    const command = [process.execPath, MAIN, 'migrate', dataDir, '--to', other.toString(), '--yes']
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const r = await new Promise<Run>((res) => {
      const p = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.once('exit', (code) => res({ code, out, err: '' }));
    });
    runs.push(r);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\r\x1b\[Kcopying objects +\[#{30}\] (\d+)\/\1\r?\n/);
    expect(r.out).toMatch(/\r\x1b\[Kverifying iam_users +\[#{30}\] 3\/3/);
    expect(r.out).not.toMatch(/copying objects: /); // no plain progress lines on a terminal
  });

  it('migrates, verifies every table, and prints progress and a summary', async () => {
    const r = await tessera([dataDir, '--to', url, '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/copying objects: \d+\/\d+ rows/);
    expect(r.err).toMatch(/verifying iam_users: 3\/3 rows/);
    expect(r.out).toMatch(/Copied and verified/);
    expect(r.out).not.toMatch(/DIFFERS/);
    expect(r.out).toMatch(/^metadata\s+objects\s+\d+\s+verified$/m);
    expect(r.out).toMatch(/^iam\s+iam_service_accounts\s+3\s+verified$/m);
  });

  it('a shared-mode server on the same data directory serves the same deployment', async () => {
    shared = await startServer({ dataDir, keepData: true, workers: 1, env: { TESSERA_METADATA_URL: url } });
    const s3 = s3Client(shared);
    const iam = iamOf(shared);
    // What is compared holds what was built (versions, markers, lock state, encryption, uploads).
    const built = JSON.stringify(s3Before);
    for (const part of ['"COMPLIANCE"', '"ON"', '"AES256"', '"mp-open"', 'ünï/ключ 🔑.bin', '"GOVERNANCE"'])
      expect(built).toContain(part);
    const versioned = s3Before as Record<string, { objects: { key: string }[]; markers: unknown[] }>;
    expect(versioned.versioned!.objects.filter((o) => o.key === 'doc.txt').length).toBe(4);
    expect(versioned.versioned!.markers.length).toBe(2);
    expect(await s3Snapshot(s3)).toEqual(s3Before);
    expect(await iamSnapshot(iam)).toEqual(iamBefore);

    // A new version after the migration is the newest: ids continue after the copied ones.
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'doc.txt', Body: 'five' }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned', Prefix: 'doc.txt' }));
    const latest = listed.Versions!.find((v) => v.IsLatest)!;
    const got = await s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc.txt' }));
    expect(await got.Body!.transformToString()).toBe('five');
    expect(latest.VersionId).toBe(got.VersionId);
    expect(listed.Versions!.length).toBe(5);

    // The upload left in progress completes from its migrated parts.
    const parts = await s3.send(
      new ListPartsCommand({ Bucket: 'plain', Key: pending.key, UploadId: pending.uploadId }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'plain',
        Key: pending.key,
        UploadId: pending.uploadId,
        MultipartUpload: { Parts: parts.Parts!.map((p) => ({ PartNumber: p.PartNumber!, ETag: p.ETag! })) },
      }),
    );
    const mp = await s3.send(new GetObjectCommand({ Bucket: 'plain', Key: pending.key }));
    const body = Buffer.from(await mp.Body!.transformToByteArray());
    expect(mp.ContentType).toBe('application/x-test');
    expect(body.length).toBe(5 * MiB + 4);
    expect(sha(body)).toBe(sha(Buffer.concat([Buffer.alloc(5 * MiB, 2), Buffer.from('tail')])));
    s3.destroy();
    iam.destroy();
  }, 120_000);

  it('keys still authenticate and their policies still apply; the role is assumed, and an old session works', async () => {
    const as = (k: Keys) => s3Client(shared!, { credentials: k, maxAttempts: 1 });
    const own = as({ accessKeyId: 'alice', secretAccessKey: 'alice-own-secret-123' });
    const key = as(alice);
    const svc = as(bobService);
    const get = (c: S3Client, Bucket: string, Key: string) =>
      code(c.send(new GetObjectCommand({ Bucket, Key })));
    expect(await get(own, 'plain', 'readme')).toBe('ok');
    expect(await get(key, 'plain', 'readme')).toBe('ok');
    expect(await get(key, 'locked', 'kept')).toBe('AccessDenied');
    expect(await code(key.send(new PutObjectCommand({ Bucket: 'plain', Key: 'x', Body: 'x' })))).toBe(
      'AccessDenied',
    );
    expect(await get(svc, 'plain', 'readme')).toBe('ok');
    expect(await get(svc, 'plain', 'sealed')).toBe('AccessDenied'); // its policy narrows the group's
    expect(
      await get(as({ accessKeyId: 'alice', secretAccessKey: 'wrong-secret-0000000' }), 'plain', 'readme'),
    ).toBe('SignatureDoesNotMatch');

    const assumed = await stsOf(shared!, carol).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam:::role/auditor', RoleSessionName: 'after' }),
    );
    const fresh = as({
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    });
    expect(await get(fresh, 'locked', 'kept')).toBe('ok');
    expect(await get(fresh, 'plain', 'readme')).toBe('AccessDenied');
    // A session issued by the embedded server names the role by its id, which the copy kept.
    expect(await get(as(session), 'locked', 'kept')).toBe('ok');
    for (const c of [own, key, svc, fresh]) c.destroy();
  });

  it('a second migrate into the now non-empty database is refused', async () => {
    await shared!.stop();
    shared = undefined;
    for (const args of [
      [dataDir, '--to', url, '--yes'],
      [dataDir, '--to', url, '--dry-run'],
    ]) {
      const r = await tessera(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/already holds Tessera data \(.*buckets \(3 rows\)/);
      expect(r.err).toMatch(/postgres:\/\/tessera:\*\*\*\*@127\.0\.0\.1/);
    }
  });

  it('an embedded server refuses the migrated data directory (its recovery would delete shared-mode blobs)', async () => {
    const args = [MAIN, 'server', dataDir, '--address', '127.0.0.1:0', '--console-address', 'off'];
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, TESSERA_METADATA_URL: '', TESSERA_WORKERS: '1' },
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((res) => proc.once('exit', res));
    expect(code).not.toBe(0);
    expect(err).toMatch(/was migrated to postgres:\/\/tessera:\*\*\*\*@127\.0\.0\.1/);
    expect(err).toMatch(/TESSERA_METADATA_URL/);
    expect(err).not.toContain(PASSWORD);
  });

  it('refuses a target whose schema is newer than this tessera knows', async () => {
    const other = new URL(await cluster.createDatabase('migrate_newer'));
    other.password = PASSWORD;
    const c = new pg.Client({ connectionString: other.toString() });
    await c.connect();
    try {
      await c.query(`CREATE TABLE meta_schema_migrations (
        version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      await c.query("INSERT INTO meta_schema_migrations VALUES (99, 'from the future', 0)");
      for (const flag of ['--dry-run', '--yes']) {
        const r = await tessera([dataDir, '--to', other.toString(), flag]);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(/the metadata schema of .* has version 99, newer than this tessera knows/);
      }
    } finally {
      await c.end();
    }
  });

  it('--tls-ca verifies the database against that CA (verify-full)', async () => {
    const tls = await startPostgres({ tls: true });
    try {
      const target = new URL(await tls.createDatabase('migrate_tls'));
      target.password = PASSWORD;
      target.searchParams.set('sslmode', 'verify-full');
      const withCa = await tessera([
        dataDir,
        '--to',
        target.toString(),
        '--dry-run',
        '--tls-ca',
        tls.caFile!,
      ]);
      expect(withCa.code, withCa.err).toBe(0);
      expect(withCa.out).toMatch(/The target is reachable and empty/);
      const withoutCa = await tessera([dataDir, '--to', target.toString(), '--dry-run']);
      expect(withoutCa.code).toBe(1);
      expect(withoutCa.err).toMatch(/cannot reach .*certificate/);
    } finally {
      await tls.stop();
    }
  });

  it('never prints the database password', async () => {
    const bad = await tessera([dataDir, '--to', url.replace(/\/[^/]*$/, '/no_such_db'), '--dry-run']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot reach postgres:\/\/tessera:\*\*\*\*@/);
    expect(runs.length).toBeGreaterThanOrEqual(13);
    for (const r of runs) {
      expect(r.out).not.toContain(PASSWORD);
      expect(r.err).not.toContain(PASSWORD);
    }
  });
});
