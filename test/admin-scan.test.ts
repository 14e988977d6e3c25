import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobBySize, flipByte } from './helpers/blobs.js';
import { iamQuery, xmlValue } from './helpers/iam.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

/**
 * `tessera admin scan` end to end: the built CLI against the real server, over objects whose
 * blob files the test damages on disk (docs/operations.md "tessera admin scan").
 */
let server: RunningServer;
let s3: S3Client;
let dir: string;
const BUCKET = 'scanned';
const versions: Record<string, string> = {};
let uploadId = '';

type Run = { code: number; out: string; err: string };

function tessera(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    // A generous bound: a scan that hangs is the bug.
    execFile(process.execPath, [MAIN, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON report is checked field by field
async function scan(...args: string[]): Promise<{ code: number; report: any; err: string }> {
  const r = await tessera('admin', 'scan', ...args, '--json');
  if (r.code !== 0 && r.code !== 2) throw new Error(`scan ${args.join(' ')} → ${r.code}: ${r.err}`);
  return { code: r.code, report: JSON.parse(r.out), err: r.err };
}

/** A finding as the test names it: kind and object (or `orphan blobId`). */
// biome-ignore lint/suspicious/noExplicitAny: findings are JSON
const named = (f: any) =>
  f.kind === 'orphan'
    ? `orphan ${f.blobId}`
    : `${f.kind} ${f.key}${f.uploadId ? ` part ${f.partNumber}` : ''}${f.versionId !== undefined && f.versionId === versions[f.key] ? ' v1' : ''}`;

async function put(key: string, size: number): Promise<string> {
  const r = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: randomBytes(size) }));
  return r.VersionId!;
}

async function getStatus(key: string): Promise<string> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    await r.Body!.transformToByteArray();
    return '200';
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return `${err.$metadata?.httpStatusCode} ${err.name}: ${err.message}`;
  }
}

const blob = (size: number) => blobBySize(server.dataDir, size);

/** Waits for a server log line (workers' output arrives through pipes); the deadline only bounds the wait. */
async function logged(line: RegExp): Promise<void> {
  for (let i = 0; i < 50 && !line.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(server.output()).toMatch(line);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-scan-cli-'));
  server = await startServer({ workers: 2, env: { TESSERA_PROMETHEUS_AUTH_TYPE: 'public' } });
  s3 = s3Client(server, { maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  // Two versions of one key: the older one is cut short.
  versions['versioned'] = await put('versioned', 200_001);
  await put('versioned', 200_002);
  truncateSync(blob(200_001), 10);
  await put('gone', 200_003);
  unlinkSync(blob(200_003));
  await put('flipped', 200_004);
  flipByte(blob(200_004), 100_000);
  await put('intact', 200_005);
  await put('small', 100); // inline in the metadata
  // An upload in progress whose part lost its tail.
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'uploading' }));
  uploadId = up.UploadId!;
  await s3.send(
    new UploadPartCommand({
      Bucket: BUCKET,
      Key: 'uploading',
      UploadId: uploadId,
      PartNumber: 1,
      Body: randomBytes(200_006),
    }),
  );
  truncateSync(blob(200_006), 6);
  // Orphaned blob files: an old one is reported; a fresh one may be a write in progress.
  const shard = join(server.dataDir, '.tessera', 'blobs', 'ab');
  mkdirSync(shard, { recursive: true });
  writeFileSync(join(shard, `ab${'0'.repeat(30)}`), 'left behind');
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(join(shard, `ab${'0'.repeat(30)}`), hourAgo, hourAgo);
  writeFileSync(join(shard, `ab${'1'.repeat(30)}`), 'being written');
  const ok = await tessera('alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD);
  expect(ok.code).toBe(0);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera admin scan', () => {
  it('reports missing and short blobs of every version and of upload parts, read-only, exit 2', async () => {
    const { code, report, err } = await scan('local', BUCKET);
    expect(code).toBe(2);
    expect(report.findings.map(named).sort()).toEqual([
      'missing gone',
      'short uploading part 1',
      'short versioned v1',
    ]);
    expect(report.scanned).toMatchObject({ versions: 6, parts: 1, bytesVerified: 0 });
    expect(report.findings.every((f: { quarantined?: boolean }) => f.quarantined !== true)).toBe(true);
    // Not a terminal: a count per page on stderr.
    expect(err).toMatch(/^scan: \w+: \d+ versions/m);
    // Without --json: a table of findings and a summary.
    const table = await tessera('admin', 'scan', 'local', BUCKET);
    expect(table.code).toBe(2);
    expect(table.out).toMatch(/^KIND +OBJECT +BLOB +DETAIL +QUARANTINED$/m);
    expect(table.out).toMatch(
      /^missing +scanned\/gone \(version \S+\) +[0-9a-f]{32} +the file is gone +no$/m,
    );
    expect(table.out).toMatch(
      /^Checked 6 versions, 1 upload parts, \d+ blobs: 3 damaged, 0 orphaned blobs\.$/m,
    );
    // Read-only: the intact objects and the undamaged latest version read as before.
    expect(await getStatus('intact')).toBe('200');
    expect(await getStatus('versioned')).toBe('200');
    await logged(/damaged object scanned\/uploading upload \S+ part 1: blob \w+ short/);
  });

  it('--verify-checksums reads whole blobs: altered bytes are found too; paging gives the same report', async () => {
    const { report } = await scan('local', BUCKET, '--verify-checksums');
    expect(report.findings.map(named).sort()).toEqual([
      'checksum flipped',
      'missing gone',
      'short uploading part 1',
      'short versioned v1',
    ]);
    expect(report.findings.find((f: { kind: string }) => f.kind === 'checksum').detail).toMatch(/^MD5 /);
    expect(report.scanned.bytesVerified).toBeGreaterThan(600_000);
    const paged = await scan('local', BUCKET, '--verify-checksums', '--limit', '1');
    expect(paged.report.findings.map(named).sort()).toEqual(report.findings.map(named).sort());
    expect(paged.err.split('\n').filter((l) => l.startsWith('scan:')).length).toBeGreaterThan(3);
  });

  it('without a bucket, orphaned blob files older than the threshold are reported (never deleted)', async () => {
    const { report } = await scan('local');
    const orphans = report.findings.filter((f: { kind: string }) => f.kind === 'orphan');
    expect(orphans.map(named)).toEqual([`orphan ab${'0'.repeat(30)}`]);
    expect(orphans[0]).toMatchObject({ size: 11 });
    expect(report.orphans).toBe(1);
    const again = await scan('local');
    expect(again.report.orphans).toBe(1);
  });

  it('the damage is counted in the metrics, by kind and source', async () => {
    const text = await (await fetch(`${server.endpoint}/minio/v2/metrics/cluster`)).text();
    expect(text).toMatch(/^tessera_damaged_objects_total\{kind="short",source="scan"\} [1-9]/m);
    expect(text).toMatch(/^tessera_damaged_objects_total\{kind="checksum",source="scan"\} [1-9]/m);
  });

  it('needs admin:ServerInfo, and admin:Heal to quarantine; unsigned calls are refused', async () => {
    const unsigned = await fetch(`${server.endpoint}/minio/admin/v3/tessera/scan`, { method: 'POST' });
    expect([unsigned.status, ((await unsigned.json()) as { Code: string }).Code]).toEqual([
      403,
      'AccessDenied',
    ]);
    await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'auditor' });
    const key = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: 'auditor' });
    await iamQuery(server.endpoint, {
      Action: 'PutUserPolicy',
      UserName: 'auditor',
      PolicyName: 'scan',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'admin:ServerInfo' }],
      }),
    });
    const id = xmlValue(key, 'AccessKeyId')!;
    const secret = xmlValue(key, 'SecretAccessKey')!;
    expect((await tessera('alias', 'set', 'auditor', server.endpoint, id, secret)).code).toBe(0);
    let r: Run = { code: -1, out: '', err: '' };
    // A new user reaches every worker within about a second: polled.
    for (let i = 0; i < 30 && r.code !== 2; i++) {
      r = await tessera('admin', 'scan', 'auditor', BUCKET);
      if (r.code !== 2) await new Promise((res) => setTimeout(res, 200));
    }
    expect(r.code).toBe(2);
    const heal = await tessera('admin', 'scan', 'auditor', BUCKET, '--quarantine');
    expect([heal.code, heal.err]).toEqual([1, expect.stringMatching(/^tessera: AccessDenied: /)]);
    expect(await getStatus('intact')).toBe('200');
  });

  it('--quarantine marks damaged versions: GET and HEAD answer a clean 500, a new write lifts it', async () => {
    const { report } = await scan('local', BUCKET, '--verify-checksums', '--quarantine');
    const byName = Object.fromEntries(report.findings.map((f: { quarantined?: boolean }) => [named(f), f]));
    expect(byName['missing gone'].quarantined).toBe(true);
    expect(byName['checksum flipped'].quarantined).toBe(true);
    expect(byName['short versioned v1'].quarantined).toBe(true);
    // Upload parts are reported only (abort the upload to get rid of them).
    expect(byName['short uploading part 1'].quarantined).toBeUndefined();
    // A 5xx answer carries the catalog's words only; the log names the damage.
    expect(await getStatus('gone')).toBe(
      '500 InternalError: We encountered an internal error, please try again.',
    );
    await logged(/damaged object scanned\/gone version \S+ is quarantined \(missing: blob \w+/);
    expect(await getStatus('flipped')).toMatch(/^500 InternalError/);
    await logged(/damaged object scanned\/flipped version \S+ is quarantined \(checksum: blob/);
    const head = s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'flipped' }));
    await expect(head).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    const old = s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'versioned', VersionId: versions['versioned'] }),
    );
    await expect(old).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    // Intact objects and the latest version are unaffected.
    expect(await getStatus('intact')).toBe('200');
    expect(await getStatus('small')).toBe('200');
    expect(await getStatus('versioned')).toBe('200');
    // A later scan shows them as quarantined already.
    const again = await scan('local', BUCKET);
    expect(again.report.findings.find((f: { key: string }) => f.key === 'gone').quarantined).toBe(true);
    // Overwriting the key makes a new, readable version.
    await put('flipped', 1000);
    expect(await getStatus('flipped')).toBe('200');
  });

  it('bad input is a clean error: an unknown bucket, a forged marker, a bad limit', async () => {
    const none = await tessera('admin', 'scan', 'local', 'no-such-bucket');
    expect([none.code, none.err]).toEqual([1, expect.stringMatching(/^tessera: NoSuchBucket: /)]);
    const limit = await tessera('admin', 'scan', 'local', BUCKET, '--limit', '0');
    expect([limit.code, limit.err]).toEqual([1, expect.stringMatching(/^tessera: InvalidArgument: /)]);
    const forged = await fetch(`${server.endpoint}/minio/admin/v3/tessera/scan?marker=%7B%7D`, {
      method: 'POST',
    });
    expect(forged.status).toBe(403); // unsigned: refused before anything is read
    // Everything else of MinIO's admin API is still NotImplemented.
    const later = await fetch(`${server.endpoint}/minio/admin/v3/storageinfo`);
    expect(later.status).toBe(501);
  });
});
