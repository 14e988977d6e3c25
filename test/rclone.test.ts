import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * Debian's rclone (Go, aws-sdk-go): it writes CompleteMultipartUpload ETags as `&#34;…&#34;`
 * (encoding/xml) and checks multipart ETags. `.ci/run` installs it; without it this test fails.
 */
const run = promisify(execFile);
const RCLONE = existsSync('/usr/bin/rclone') ? '/usr/bin/rclone' : 'rclone';

let server: RunningServer;
let s3: S3Client;
let work: string;

/** The caller's environment without AWS_* (aws-sdk-go would read AWS_CA_BUNDLE, AWS_PROFILE, …). */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
}

async function rclone(...args: string[]): Promise<string> {
  const { stdout } = await run(RCLONE, args, {
    env: {
      ...baseEnv(),
      RCLONE_CONFIG: join(work, 'rclone.conf'),
      RCLONE_CONFIG_TS_TYPE: 's3',
      RCLONE_CONFIG_TS_PROVIDER: 'Minio',
      RCLONE_CONFIG_TS_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_TS_ACCESS_KEY_ID: ROOT_USER,
      RCLONE_CONFIG_TS_SECRET_ACCESS_KEY: ROOT_PASSWORD,
      RCLONE_CONFIG_TS_REGION: 'us-east-1',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  work = mkdtempSync(join(tmpdir(), 'tessera-rclone-'));
  await s3.send(new CreateBucketCommand({ Bucket: 'rclone' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('rclone', () => {
  it('copyto of 20 MiB in 5 MiB chunks (multipart), then check, then delete', async () => {
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'big.bin'), randomBytes(20 * 1024 * 1024));
    await rclone(
      'copyto',
      join(src, 'big.bin'),
      'ts:rclone/big.bin',
      '--s3-chunk-size',
      '5M',
      '--s3-upload-cutoff',
      '5M',
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'rclone', Key: 'big.bin' }));
    expect(head.ContentLength).toBe(20 * 1024 * 1024);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-4"$/);
    // Exits non-zero (and execFile rejects) on any difference.
    await rclone('check', src, 'ts:rclone');
    await rclone('delete', 'ts:rclone');
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'rclone' }));
    expect(left.KeyCount).toBe(0);
  });
});
