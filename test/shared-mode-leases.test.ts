import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Postgres, postgresMissing, startPostgres } from './helpers/postgres.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

// Shared mode's cluster leases and cross-server STS and versioning (docs/shared-mode.md): two real
// server processes on one PostgreSQL database and one data directory. In CI a missing PostgreSQL
// fails, never skips.
const missing = postgresMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TTL_MS = 3000;
const BUCKET = 'leased';

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Polls `check` until it is true; the deadline only bounds the wait. Returns the time it took. */
async function until(check: () => Promise<boolean>, ms: number): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await sleep(50);
  }
  return Date.now() - start;
}

describe.skipIf(missing !== undefined)('shared mode: leases, STS and versions across two servers', () => {
  let cluster: Postgres;
  let dataDir: string;
  let url: string;
  let one: RunningServer;
  let two: RunningServer;

  beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase('shared_leases');
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-leases-'));
    const env = { TESSERA_METADATA_URL: url, TESSERA_METADATA_POOL_SIZE: '4', TESSERA_LEASE_TTL: '3s' };
    // One after the other: the first creates the master key file both use.
    one = await startServer({ dataDir, workers: 1, env });
    two = await startServer({ dataDir, workers: 1, env });
    const root = s3Client(one);
    await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'words' }));
    root.destroy();
  }, 90_000);

  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await cluster?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  async function leases(): Promise<Map<string, { holder: string; expiresAt: number; now: number }>> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT name, holder, expires_at,
           (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now FROM meta_leases`,
      );
      return new Map(
        rows.map((r) => [r.name, { holder: r.holder, expiresAt: Number(r.expires_at), now: Number(r.now) }]),
      );
    } finally {
      await c.end();
    }
  }

  /** The pid in a holder id (host:pid:random). */
  const pidOf = (holder: string | undefined) => Number(holder?.split(':').at(-2));

  function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve) => {
      const env = { ...process.env, TESSERA_CONFIG_DIR: join(dataDir, 'cli-config') };
      execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
      });
    });
  }

  async function get(server: RunningServer, keys: Keys): Promise<string> {
    const client = s3Client(server, { credentials: keys, maxAttempts: 1 });
    try {
      await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }));
      return 'ok';
    } catch (e) {
      if (e instanceof S3ServiceException) return e.name;
      throw e;
    } finally {
      client.destroy();
    }
  }

  it('an AssumeRole session from one server works on the other; revoking it through one stops it on the other', async () => {
    const iam = new IAMClient({
      endpoint: one.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    const doc = (s: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });
    await iam.send(new CreateUserCommand({ UserName: 'app' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'app',
        PolicyName: 'assume',
        PolicyDocument: doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'app' }))).AccessKey!;
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'reader',
        AssumeRolePolicyDocument: doc([
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/app' }, Action: 'sts:AssumeRole' },
        ]),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'reader',
        PolicyName: 'read',
        PolicyDocument: doc([
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
        ]),
      }),
    );
    iam.destroy();
    // The new user and role reach server two through the change feed; then assume the role there.
    const app = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const sts = new STSClient({
      endpoint: two.endpoint,
      region: 'us-east-1',
      credentials: app,
      maxAttempts: 1,
    });
    let creds: Keys | undefined;
    let last: unknown;
    await until(async () => {
      try {
        const c = (
          await sts.send(
            new AssumeRoleCommand({ RoleArn: 'arn:aws:iam:::role/reader', RoleSessionName: 'session' }),
          )
        ).Credentials!;
        creds = {
          accessKeyId: c.AccessKeyId!,
          secretAccessKey: c.SecretAccessKey!,
          sessionToken: c.SessionToken!,
        };
        return true;
      } catch (e) {
        last = e;
        return false;
      }
    }, 10_000).catch((e) => {
      throw new Error(`AssumeRole through two kept failing: ${String(last)}`, { cause: e });
    });
    sts.destroy();
    // Issued by server two, accepted by server one (and two).
    expect(await get(one, creds!)).toBe('ok');
    expect(await get(two, creds!)).toBe('ok');
    expect((await tessera(['alias', 'set', 'one', one.endpoint, ROOT_USER, ROOT_PASSWORD])).code).toBe(0);
    const r = await tessera(['admin', 'sts', 'revoke', 'one', 'reader', '--role']);
    expect(r.err).toBe('');
    expect(r).toMatchObject({ code: 0 });
    // Revoked through server one: server two refuses it soon (NOTIFY), bounded at 10 s here.
    const took = await until(async () => (await get(two, creds!)) === 'AccessDenied', 10_000);
    expect(await get(one, creds!)).toBe('AccessDenied');
    expect(await get(two, creds!)).toBe('AccessDenied');
    process.stdout.write(`revocation through one reached two after ${took} ms\n`);
  });

  it('a versioned key written concurrently through both servers has one consistent version list', async () => {
    const c1 = s3Client(one);
    const c2 = s3Client(two);
    await c1.send(new CreateBucketCommand({ Bucket: 'versions' }));
    await c1.send(
      new PutBucketVersioningCommand({ Bucket: 'versions', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const puts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? c1 : c2).send(new PutObjectCommand({ Bucket: 'versions', Key: 'k', Body: `body ${i}` })),
      ),
    );
    const written = new Set(puts.map((p) => p.VersionId));
    expect(written.size).toBe(20);
    const list = async (c: typeof c1) =>
      (await c.send(new ListObjectVersionsCommand({ Bucket: 'versions' }))).Versions!.map((v) => ({
        id: v.VersionId,
        latest: v.IsLatest,
      }));
    const [l1, l2] = [await list(c1), await list(c2)];
    expect(l1).toEqual(l2);
    expect(new Set(l1.map((v) => v.id))).toEqual(written);
    expect(l1.filter((v) => v.latest)).toHaveLength(1);
    expect(l1[0]!.latest).toBe(true);
    // Both servers read the newest version as the object.
    const latest = l1[0]!.id;
    for (const c of [c1, c2]) {
      const got = await c.send(new GetObjectCommand({ Bucket: 'versions', Key: 'k' }));
      expect(got.VersionId).toBe(latest);
      await got.Body!.transformToString();
    }
    c1.destroy();
    c2.destroy();
  });

  it('exactly one server holds the lifecycle lease; after kill -9 of it the other takes it', async () => {
    const pids = [one.proc.pid, two.proc.pid];
    await until(async () => {
      const l = await leases();
      return l.has('lifecycle') && l.has('blob-gc');
    }, 10_000);
    // Held by one of the two primaries, and stays with it while it renews (every ttl/3).
    const first = (await leases()).get('lifecycle')!;
    expect(pids).toContain(pidOf(first.holder));
    expect(first.expiresAt).toBeGreaterThan(first.now);
    await sleep(TTL_MS + 500);
    const later = (await leases()).get('lifecycle')!;
    expect(later.holder).toBe(first.holder);
    expect(later.expiresAt).toBeGreaterThan(first.expiresAt);
    const [holder, other] = pidOf(first.holder) === one.proc.pid ? [one, two] : [two, one];
    await holder.kill9();
    const took = await until(
      async () => pidOf((await leases()).get('lifecycle')?.holder) === other.proc.pid,
      TTL_MS + 10_000,
    );
    const taken = (await leases()).get('lifecycle')!;
    expect(taken.expiresAt).toBeGreaterThan(taken.now);
    // The blob collection lease too ends up on the survivor.
    await until(
      async () => pidOf((await leases()).get('blob-gc')?.holder) === other.proc.pid,
      TTL_MS + 10_000,
    );
    // The survivor still serves.
    const c = s3Client(other);
    expect((await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }))).Body).toBeDefined();
    c.destroy();
    process.stdout.write(`lifecycle lease taken over ${took} ms after kill -9 (ttl ${TTL_MS} ms)\n`);
  }, 60_000);
});
