import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamCall, iamQuery } from './helpers/iam.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

/** A small tmpfs of its own (the tests run as root, in CI too), so filling it harms nothing else. */
let mount: string;
let dataDir: string;
let server: RunningServer;
let s3: S3Client;
const BUCKET = 'full';
const MiB = 1024 * 1024;
const acked = new Map<string, Buffer>();

function freeBytes(): number {
  const s = statfsSync(mount);
  return s.bavail * s.bsize;
}

/** Writes zeros into a ballast file until the file system is full (ENOSPC). */
function fillWithBallast(name: string): void {
  const fd = openSync(join(mount, name), 'a');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  }
  // The last blocks, byte by byte at the end.
  try {
    for (;;) writeSync(fd, chunk, 0, 512);
  } catch {}
  try {
    for (;;) writeSync(fd, chunk, 0, 1);
  } catch {}
  closeSync(fd);
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException) return `${e.$metadata.httpStatusCode} ${e.name}`;
    throw e;
  }
}

async function start(): Promise<void> {
  server = await startServer({
    dataDir,
    keepData: true,
    workers: 1,
    env: { TESSERA_MIN_FREE_SPACE: '8MiB' },
  });
  s3 = s3Client(server, { maxAttempts: 1 });
}

beforeAll(async () => {
  mount = mkdtempSync(join(tmpdir(), 'tessera-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mount]);
  dataDir = join(mount, 'data');
  mkdirSync(dataDir);
  await start();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // IAM entities to remove once the disk is full.
  await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'keeper' });
  await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: 'keeper' });
  await iamQuery(server.endpoint, { Action: 'AttachUserPolicy', UserName: 'keeper', PolicyArn: READONLY });
  await iamQuery(server.endpoint, {
    Action: 'PutUserPolicy',
    UserName: 'keeper',
    PolicyName: 'inline',
    PolicyDocument: POLICY,
  });
});

const READONLY = 'arn:aws:iam::aws:policy/readonly';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::full/*' }],
});

/** `200` or `<status> <code>` of an IAM Query API call (as root). */
async function iam(params: Record<string, string>): Promise<string> {
  const r = await iamCall(server.endpoint, params);
  return r.status === 200 ? '200' : `${r.status} ${r.code}`;
}
afterAll(async () => {
  await server?.stop();
  try {
    execFileSync('umount', [mount]);
  } finally {
    rmSync(mount, { recursive: true, force: true });
  }
});

describe('a full disk', () => {
  it('refuses writes below the threshold with 507 XMinioStorageFull, and deletes always work', async () => {
    // Fill through the API until the threshold refuses.
    let refused = '';
    for (let i = 0; i < 60 && refused === ''; i++) {
      const body = randomBytes(MiB);
      const result = await code(
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `obj-${i}`, Body: body })),
      );
      if (result === 'ok') acked.set(`obj-${i}`, body);
      else refused = result;
    }
    expect(refused).toBe('507 XMinioStorageFull');
    expect(acked.size).toBeGreaterThan(10);
    // Then to the last byte with a ballast file.
    fillWithBallast('ballast');
    expect(freeBytes()).toBe(0);
    expect(await code(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: '' })))).toBe(
      '507 XMinioStorageFull',
    );
    // Every delete kind works at 0 bytes free.
    expect(await code(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'obj-0' })))).toBe('ok');
    acked.delete('obj-0');
    const many = await s3.send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'obj-1' }, { Key: 'obj-2' }] } }),
    );
    expect(many.Errors ?? []).toEqual([]);
    acked.delete('obj-1');
    acked.delete('obj-2');
    // Reads go on.
    const [key, body] = [...acked][0]!;
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('refuses IAM writes below the threshold with 507 XMinioStorageFull; IAM deletes work', async () => {
    // Still below the threshold: the deletes above freed a few MiB, less than it asks for.
    expect(freeBytes()).toBeLessThan(8 * MiB);
    const full = '507 XMinioStorageFull';
    expect(await iam({ Action: 'CreateUser', UserName: 'newcomer' })).toBe(full);
    expect(await iam({ Action: 'CreateGroup', GroupName: 'newcomers' })).toBe(full);
    expect(await iam({ Action: 'CreateAccessKey', UserName: 'keeper' })).toBe(full);
    expect(await iam({ Action: 'CreatePolicy', PolicyName: 'p', PolicyDocument: POLICY })).toBe(full);
    expect(
      await iam({ Action: 'PutUserPolicy', UserName: 'keeper', PolicyName: 'more', PolicyDocument: POLICY }),
    ).toBe(full);
    expect(
      await iam({
        Action: 'TagUser',
        UserName: 'keeper',
        'Tags.member.1.Key': 'k',
        'Tags.member.1.Value': 'v',
      }),
    ).toBe(full);
    // A session revocation is a row too (docs/sts.md "Revocation"); deleting the user below revokes at once.
    expect(await iam({ Action: 'RevokeSessions', UserName: 'keeper' })).toBe(full);
    // Reads go on, and nothing was half-written.
    expect(await iam({ Action: 'GetUser', UserName: 'newcomer' })).toBe('404 NoSuchEntity');
    expect(await iam({ Action: 'ListUsers' })).toBe('200');
    // Every kind of removal works.
    expect(await iam({ Action: 'DeleteUserPolicy', UserName: 'keeper', PolicyName: 'inline' })).toBe('200');
    expect(await iam({ Action: 'DetachUserPolicy', UserName: 'keeper', PolicyArn: READONLY })).toBe('200');
    const keys = await iamQuery(server.endpoint, { Action: 'ListAccessKeys', UserName: 'keeper' });
    for (const [, id] of keys.matchAll(/<AccessKeyId>([^<]+)<\/AccessKeyId>/g)) {
      expect(await iam({ Action: 'DeleteAccessKey', UserName: 'keeper', AccessKeyId: id! })).toBe('200');
    }
    expect(await iam({ Action: 'DeleteUser', UserName: 'keeper' })).toBe('200');
    expect(await iam({ Action: 'GetUser', UserName: 'keeper' })).toBe('404 NoSuchEntity');
  });

  it('restarts on the full disk, and writes succeed again once space is freed', async () => {
    fillWithBallast('ballast-2');
    expect(freeBytes()).toBe(0);
    await server.stop();
    await start();
    expect(await code(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'obj-3' })))).toBe('ok');
    acked.delete('obj-3');
    unlinkSync(join(mount, 'ballast'));
    unlinkSync(join(mount, 'ballast-2'));
    const body = randomBytes(MiB);
    // The free-space reading is reused for half a second: a write soon after succeeds.
    let result = '';
    for (let i = 0; i < 20 && result !== 'ok'; i++) {
      result = await code(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after', Body: body })));
      if (result !== 'ok') await new Promise((r) => setTimeout(r, 200));
    }
    expect(result).toBe('ok');
    acked.set('after', body);
    // Nothing acknowledged was lost (Buffer.equals: deep equality of MiB buffers is slow).
    for (const [k, b] of acked) {
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: k }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(b), k).toBe(true);
    }
  });
});
