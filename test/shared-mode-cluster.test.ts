import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliJson, type CliCredentials } from './helpers/aws-cli.js';
import { type Postgres, postgresMissing, startPostgres } from './helpers/postgres.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

// Shared mode as a cluster (docs/shared-mode.md): three server processes on one PostgreSQL
// database and one data directory, clients (AWS SDK, aws CLI) alternating between them. What two
// servers already show (test/shared-mode.test.ts, test/shared-mode-leases.test.ts) is not repeated.
// In CI a missing PostgreSQL fails, never skips.
const missing = postgresMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BUCKET = 'cluster';
const MiB = 1024 * 1024;
const doc = (s: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });

/** Polls `check` until it is true; the deadline only bounds the wait. Returns the ms it took. */
async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
  return Date.now() - start;
}

/** 'ok', or the S3 error code a call fails with. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException) return e.name;
    throw e;
  }
}

/** Files of at least `min` bytes in the data directory's tmp/ (uploads in progress). */
function bigTmpFiles(dataDir: string, min: number): string[] {
  const dir = join(dataDir, '.tessera', 'tmp');
  return readdirSync(dir).filter((f) => {
    try {
      return statSync(join(dir, f)).size >= min;
    } catch {
      return false;
    }
  });
}

/** A body that sends `first` bytes of `total` and then waits forever (its server is to die). */
function stalledBody(first: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < first) {
        sent += 256 * 1024;
        this.push(Buffer.alloc(256 * 1024, 0x5a));
      }
    },
  });
}

describe.skipIf(missing !== undefined)('shared mode: three servers, one database, one directory', () => {
  let cluster: Postgres;
  let dataDir: string;
  let url: string;
  let servers: RunningServer[];
  let root: S3Client[];
  const names = ['A', 'B', 'C'];

  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase('shared_cluster');
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-cluster-'));
    // Short leases and a short blob-collection grace (TESSERA_BLOB_GC_*) so that the kill -9
    // case sees its leftovers collected within seconds.
    const env = {
      TESSERA_METADATA_URL: url,
      TESSERA_METADATA_POOL_SIZE: '4',
      TESSERA_LEASE_TTL: '2s',
      TESSERA_BLOB_GC_INTERVAL: '1s',
      TESSERA_BLOB_GC_GRACE: '4s',
      TESSERA_CONSOLE_ADDRESS: 'off', // three servers on one host: no console ports to share
    };
    // One after the other: the first creates the master key file the others read.
    servers = [];
    for (let i = 0; i < 3; i++) servers.push(await startServer({ dataDir, workers: 1, env }));
    root = servers.map((s) => s3Client(s, { maxAttempts: 1 }));
    await root[0]!.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await root[1]!.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'words' }));
  }, 120_000);

  afterAll(async () => {
    for (const c of root ?? []) c.destroy();
    for (const s of servers ?? []) await s.stop();
    await cluster?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  const iam = (i: number) =>
    new IAMClient({
      endpoint: servers[i]!.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });

  function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve) => {
      const env = { ...process.env, TESSERA_CONFIG_DIR: join(dataDir, 'cli-config') };
      execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
      });
    });
  }

  async function newUser(name: string, statements: object[]): Promise<CliCredentials> {
    const c = iam(0);
    await c.send(new CreateUserCommand({ UserName: name }));
    await c.send(
      new PutUserPolicyCommand({ UserName: name, PolicyName: 'base', PolicyDocument: doc(statements) }),
    );
    const k = (await c.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    c.destroy();
    return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  }

  /** GET doc.txt through server `i` with `keys`: 'ok' or the error code. */
  async function read(i: number, keys: CliCredentials, key = 'doc.txt'): Promise<string> {
    const c = s3Client(servers[i]!, { credentials: keys, maxAttempts: 1 });
    try {
      return await outcome(
        c.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then((o) => o.Body!.transformToString()),
      );
    } finally {
      c.destroy();
    }
  }

  it('the AWS SDK and the aws CLI alternate between the servers and see one store', async () => {
    const local = join(dataDir, 'cli-upload.bin');
    const big = randomBytes(20 * MiB); // the CLI uploads it in 8 MiB parts
    writeFileSync(local, big);
    await awsCli(servers[1]!.endpoint, ['s3', 'cp', local, `s3://${BUCKET}/alt/cli.bin`]);
    const head = await awsCliJson(servers[2]!.endpoint, [
      's3api',
      'head-object',
      '--bucket',
      BUCKET,
      '--key',
      'alt/cli.bin',
    ]);
    expect(head.ContentLength).toBe(big.length);
    expect(head.ETag).toMatch(/-3"$/);
    const got = await root[0]!.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'alt/cli.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(big)).toBe(true);
    // Small objects through each server in turn; every server lists the same keys at once.
    for (let i = 0; i < 6; i++)
      await root[i % 3]!.send(new PutObjectCommand({ Bucket: BUCKET, Key: `alt/k${i}`, Body: `v${i}` }));
    const listings = await Promise.all(
      servers.map(async (s) => {
        const out = await awsCliJson(s.endpoint, ['s3api', 'list-objects-v2', '--bucket', BUCKET]);
        return (out.Contents as { Key: string }[]).map((o) => o.Key).filter((k) => k.startsWith('alt/'));
      }),
    );
    const want = ['alt/cli.bin', ...Array.from({ length: 6 }, (_, i) => `alt/k${i}`)];
    expect(listings).toEqual([want, want, want]);
    // A delete through the CLI on one: the other two answer 404 at once.
    await awsCli(servers[0]!.endpoint, ['s3', 'rm', `s3://${BUCKET}/alt/k4`]);
    for (const i of [1, 2])
      expect(await outcome(root[i]!.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'alt/k4' })))).toBe(
        'NotFound',
      );
  }, 60_000);

  it('multipart parts uploaded to two servers (one part replaced on the third) complete on the third', async () => {
    const part = (n: number) => Buffer.alloc(5 * MiB, n);
    const { UploadId } = await root[0]!.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp3' }),
    );
    const up = (i: number, PartNumber: number, Body: Buffer) =>
      root[i]!.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp3', UploadId, PartNumber, Body }));
    const [p1, first2] = await Promise.all([up(0, 1, part(1)), up(1, 2, part(2))]);
    // Part 2 uploaded again through C: the later upload is the part.
    const p2 = await up(2, 2, Buffer.from('the last part'));
    expect(p2.ETag).not.toBe(first2.ETag);
    const parts = await root[2]!.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp3', UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual([
      [1, p1.ETag, 5 * MiB],
      [2, p2.ETag, 13],
    ]);
    await root[2]!.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'mp3',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag! },
            { PartNumber: 2, ETag: p2.ETag! },
          ],
        },
      }),
    );
    for (const c of root) {
      const out = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp3' }));
      const body = Buffer.from(await out.Body!.transformToByteArray());
      expect(body.equals(Buffer.concat([part(1), Buffer.from('the last part')]))).toBe(true);
    }
  }, 60_000);

  it('a policy change made through one server is enforced by the other two (managed and bucket policies)', async () => {
    const bob = await newUser('bob', [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }]);
    const c = iam(0);
    const arn = (
      await c.send(
        new CreatePolicyCommand({
          PolicyName: 'bob-read',
          PolicyDocument: doc([
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
          ]),
        }),
      )
    ).Policy!.Arn!;
    await c.send(new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: arn }));
    c.destroy();
    for (const i of [0, 1, 2])
      await until(`bob reads through ${names[i]}`, async () => (await read(i, bob)) === 'ok');
    /** After a change made through server `by`, how long until every other server gives `want`. */
    const seen = async (by: number, want: string, check: (i: number) => Promise<string>) => {
      const others = [0, 1, 2].filter((i) => i !== by);
      const delays = await Promise.all(
        others.map((i) =>
          until(`the change through ${names[by]} on ${names[i]}`, async () => (await check(i)) === want),
        ),
      );
      return others.map((i, n) => `${names[i]} ${delays[n]} ms`).join(', ');
    };
    // A new default version of the managed policy (the compiled policy cache), through the CLI on A.
    const v2 = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/other/*` }]);
    await awsCli(servers[0]!.endpoint, [
      'iam',
      'create-policy-version',
      '--policy-arn',
      arn,
      '--policy-document',
      v2,
      '--set-as-default',
    ]);
    const managed = await seen(0, 'AccessDenied', (i) => read(i, bob));
    expect(await read(0, bob)).toBe('AccessDenied');
    // A bucket policy put through B lets bob list; deleted through C (the CLI), it no longer does.
    const list = (i: number) => {
      const s3 = s3Client(servers[i]!, { credentials: bob, maxAttempts: 1 });
      return outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).finally(() => s3.destroy());
    };
    expect(await list(1)).toBe('AccessDenied');
    await root[1]!.send(
      new PutBucketPolicyCommand({
        Bucket: BUCKET,
        Policy: doc([
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam:::user/bob' },
            Action: 's3:ListBucket',
            Resource: `arn:aws:s3:::${BUCKET}`,
          },
        ]),
      }),
    );
    const granted = await seen(1, 'ok', list);
    await awsCli(servers[2]!.endpoint, ['s3api', 'delete-bucket-policy', '--bucket', BUCKET]);
    const removed = await seen(2, 'AccessDenied', list);
    process.stdout.write(
      `policy coherence: managed policy version through A seen on ${managed}; bucket policy through B on ${granted}; its removal through C on ${removed}\n`,
    );
  }, 60_000);

  it('STS sessions minted on one server work on all; one revoked session, then all of them, are refused everywhere', async () => {
    const carol = await newUser('carol', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
    ]);
    // The new user reaches B and C through the change feed.
    for (const i of [1, 2]) await until(`carol on ${names[i]}`, async () => (await read(i, carol)) === 'ok');
    const minted = (await awsCliJson(servers[0]!.endpoint, ['sts', 'get-session-token'], carol)) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    };
    const s1: CliCredentials = {
      accessKeyId: minted.Credentials.AccessKeyId,
      secretAccessKey: minted.Credentials.SecretAccessKey,
      sessionToken: minted.Credentials.SessionToken,
    };
    const mint = async (i: number): Promise<CliCredentials> => {
      const sts = new STSClient({ endpoint: servers[i]!.endpoint, region: 'us-east-1', credentials: carol });
      const k = (await sts.send(new GetSessionTokenCommand({}))).Credentials!;
      sts.destroy();
      return {
        accessKeyId: k.AccessKeyId!,
        secretAccessKey: k.SecretAccessKey!,
        sessionToken: k.SessionToken!,
      };
    };
    const s2 = await mint(1);
    const cliRead = (i: number, keys: CliCredentials) =>
      awsCli(
        servers[i]!.endpoint,
        ['s3api', 'get-object', '--bucket', BUCKET, '--key', 'doc.txt', '/dev/null'],
        keys,
      ).then(
        () => 'ok',
        (e: { stderr?: string }) => (/AccessDenied/.test(e.stderr ?? '') ? 'AccessDenied' : String(e.stderr)),
      );
    const everywhere = async (keys: CliCredentials) => [
      await read(0, keys),
      await read(1, keys),
      await cliRead(2, keys),
    ];
    expect(await everywhere(s1)).toEqual(['ok', 'ok', 'ok']);
    expect(await everywhere(s2)).toEqual(['ok', 'ok', 'ok']);
    // One session revoked through C: refused on all three; the other session still works.
    expect((await tessera(['alias', 'set', 'c', servers[2]!.endpoint, ROOT_USER, ROOT_PASSWORD])).code).toBe(
      0,
    );
    const one = await tessera(['admin', 'sts', 'revoke', 'c', 'carol', '--session', s1.accessKeyId]);
    expect(one).toMatchObject({ code: 0, err: '' });
    const t1 = await Promise.all(
      [0, 1].map((i) =>
        until(`s1 refused on ${names[i]}`, async () => (await read(i, s1)) === 'AccessDenied'),
      ),
    );
    expect(await everywhere(s1)).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied']);
    expect(await everywhere(s2)).toEqual(['ok', 'ok', 'ok']);
    // Every session of carol revoked through A: s2 (minted on B) refused everywhere; a new one works.
    expect((await tessera(['alias', 'set', 'a', servers[0]!.endpoint, ROOT_USER, ROOT_PASSWORD])).code).toBe(
      0,
    );
    expect(await tessera(['admin', 'sts', 'revoke', 'a', 'carol'])).toMatchObject({ code: 0, err: '' });
    const t2 = await Promise.all(
      [1, 2].map((i) =>
        until(`s2 refused on ${names[i]}`, async () => (await read(i, s2)) === 'AccessDenied'),
      ),
    );
    expect(await everywhere(s2)).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied']);
    await sleep(20); // issued strictly after the revocation time
    const s3 = await mint(1);
    expect(await everywhere(s3)).toEqual(['ok', 'ok', 'ok']);
    process.stdout.write(
      `sts coherence: session revoked through C refused on A ${t1[0]} ms, B ${t1[1]} ms; all revoked through A refused on B ${t2[0]} ms, C ${t2[1]} ms\n`,
    );
  }, 60_000);

  it('a versioned key written and deleted concurrently through all three has one version list, the same from each', async () => {
    await root[0]!.send(new CreateBucketCommand({ Bucket: 'versions3' }));
    await root[1]!.send(
      new PutBucketVersioningCommand({ Bucket: 'versions3', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const PUTS = 30;
    const DELETES = 6;
    const writes = await Promise.all([
      ...Array.from({ length: PUTS }, (_, i) =>
        root[i % 3]!.send(new PutObjectCommand({ Bucket: 'versions3', Key: 'k', Body: `body ${i}` })),
      ),
      ...Array.from({ length: DELETES }, (_, i) =>
        root[i % 3]!.send(new DeleteObjectCommand({ Bucket: 'versions3', Key: 'k' })),
      ),
    ]);
    const ids = new Set(writes.map((w) => w.VersionId));
    expect(ids.size).toBe(PUTS + DELETES);
    const listing = async (i: number) => {
      const out = await root[i]!.send(new ListObjectVersionsCommand({ Bucket: 'versions3' }));
      return {
        versions: out.Versions!.map((v) => [v.VersionId, v.IsLatest]),
        markers: (out.DeleteMarkers ?? []).map((m) => [m.VersionId, m.IsLatest]),
      };
    };
    const lists = await Promise.all([0, 1, 2].map(listing));
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
    const { versions, markers } = lists[0]!;
    expect(versions).toHaveLength(PUTS);
    expect(markers).toHaveLength(DELETES);
    expect(new Set([...versions, ...markers].map(([id]) => id))).toEqual(ids);
    const latest = [...versions, ...markers].filter(([, l]) => l);
    expect(latest).toHaveLength(1);
    // The aws CLI through C lists the same interleaved order the SDK saw.
    const cli = await awsCliJson(servers[2]!.endpoint, [
      's3api',
      'list-object-versions',
      '--bucket',
      'versions3',
    ]);
    expect((cli.Versions as { VersionId: string }[]).map((v) => v.VersionId)).toEqual(
      versions.map(([id]) => id),
    );
    // What the latest entry is, every server answers for the key.
    const latestId = latest[0]![0];
    const isMarker = markers.some(([id]) => id === latestId);
    for (const c of root) {
      const got = await outcome(c.send(new HeadObjectCommand({ Bucket: 'versions3', Key: 'k' })));
      if (isMarker) expect(got).toBe('NotFound');
      else
        expect((await c.send(new HeadObjectCommand({ Bucket: 'versions3', Key: 'k' }))).VersionId).toBe(
          latestId,
        );
    }
  }, 60_000);

  it('kill -9 of a server mid-upload: acknowledged objects survive, no partial object, leftovers collected', async () => {
    const leaseHolder = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const { rows } = await c.query("SELECT holder FROM meta_leases WHERE name = 'blob-gc'");
        return Number(
          String(rows[0]?.holder ?? '')
            .split(':')
            .at(-2),
        );
      } finally {
        await c.end();
      }
    };
    // The victim is the blob-gc lease holder: a survivor must take the lease to collect.
    await until('a blob-gc lease holder', async () => {
      const pid = await leaseHolder();
      return servers.some((s) => s.proc.pid === pid);
    });
    const holderPid = await leaseHolder();
    const v = servers.findIndex((s) => s.proc.pid === holderPid);
    const [s1, s2] = [0, 1, 2].filter((i) => i !== v) as [number, number];
    const victim = root[v]!;
    // A multipart upload with parts acknowledged by the two survivors.
    const part = (n: number) => Buffer.alloc(5 * MiB, n);
    const { UploadId } = await root[s1]!.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp-dead' }),
    );
    const up = (c: S3Client, PartNumber: number, Body: Buffer | Readable, ContentLength?: number) =>
      c.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'mp-dead',
          UploadId,
          PartNumber,
          Body,
          ...(ContentLength ? { ContentLength } : {}),
        }),
      );
    const p1 = await up(root[s1]!, 1, part(1));
    const p2 = await up(root[s2]!, 2, part(2));
    // PUTs acknowledged by the victim until it dies (200 KiB each: blob files, not inline).
    const tried = new Map<string, Buffer>();
    const acked = new Set<string>();
    let stopped = false;
    const writer = async (w: number) => {
      for (let i = 0; !stopped; i++) {
        const key = `acked/${w}/${i}`;
        const body = randomBytes(200 * 1024);
        tried.set(key, body);
        try {
          await victim.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
          acked.add(key);
        } catch {
          return;
        }
      }
    };
    const writers = Promise.all([0, 1, 2].map(writer));
    await until('PUTs acknowledged by the victim', async () => acked.size >= 5, 20_000);
    // A large streaming PUT and a part upload, both stalled mid-body on the victim (for less
    // than the collection grace: their files are still "in progress" when it dies).
    const before = new Set(bigTmpFiles(dataDir, 0));
    // Their server dies: they fail (socket errors, not S3 answers); caught now, looked at later.
    const failure = (e: unknown) => (e as Error).name;
    const streaming = outcome(
      victim.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'big-dead',
          Body: stalledBody(6 * MiB),
          ContentLength: 64 * MiB,
        }),
      ),
    ).catch(failure);
    const partial = outcome(up(victim, 3, stalledBody(3 * MiB), 5 * MiB)).catch(failure);
    let leftovers: string[] = [];
    await until(
      'two uploads in progress in tmp/',
      async () => {
        leftovers = bigTmpFiles(dataDir, MiB).filter((f) => !before.has(f));
        return leftovers.length >= 2;
      },
      20_000,
    );
    // Mid-upload, the survivors show neither the object nor the part.
    expect(await outcome(root[s1]!.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big-dead' })))).toBe(
      'NotFound',
    );
    const midParts = await root[s2]!.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp-dead', UploadId }));
    expect(midParts.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    await servers[v]!.kill9();
    stopped = true;
    await writers;
    expect(await streaming).not.toBe('ok');
    expect(await partial).not.toBe('ok');
    // Every acknowledged PUT is there, byte-exact, on both survivors; the others are absent or whole.
    let n = 0;
    for (const [key, body] of tried) {
      const c = root[n++ % 2 === 0 ? s1 : s2]!;
      const got = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then(
        async (o) => Buffer.from(await o.Body!.transformToByteArray()),
        (e: unknown) => (e instanceof S3ServiceException ? e.name : Promise.reject(e)),
      );
      if (acked.has(key)) expect([key, Buffer.isBuffer(got) && got.equals(body)]).toEqual([key, true]);
      else
        expect([key, got === 'NoSuchKey' || (Buffer.isBuffer(got) && got.equals(body))]).toEqual([key, true]);
    }
    for (const i of [s1, s2]) {
      expect(await outcome(root[i]!.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big-dead' })))).toBe(
        'NotFound',
      );
      const keys = (await root[i]!.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'big' })))
        .Contents;
      expect(keys ?? []).toEqual([]);
    }
    // The dead part never appears; the upload completes on a survivor with the acknowledged ones.
    const parts = await root[s1]!.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp-dead', UploadId }));
    expect(parts.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    await root[s2]!.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'mp-dead',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag! },
            { PartNumber: 2, ETag: p2.ETag! },
          ],
        },
      }),
    );
    const mp = await root[s1]!.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mp-dead' }));
    expect(Buffer.from(await mp.Body!.transformToByteArray()).equals(Buffer.concat([part(1), part(2)]))).toBe(
      true,
    );
    // The dead uploads' temporary files are collected by the survivor that took the blob-gc lease.
    const tmp = join(dataDir, '.tessera', 'tmp');
    // (The pass reports what it removed once it has finished: the files go first, the line after.)
    const took = await until(
      'the leftovers collected and the pass reported',
      async () =>
        leftovers.every((f) => !readdirSync(tmp).includes(f)) &&
        /Removed \d+ unreferenced file/.test(servers[s1]!.output() + servers[s2]!.output()),
      30_000,
    );
    expect([servers[s1]!.proc.pid, servers[s2]!.proc.pid]).toContain(await leaseHolder());
    process.stdout.write(
      `kill -9 of ${names[v]}: ${acked.size} acknowledged PUTs kept, ${leftovers.length} leftovers collected ${took} ms after the kill\n`,
    );
  }, 90_000);
});
