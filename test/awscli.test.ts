import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';

const run = promisify(execFile);
/** Debian's aws CLI (v2); a Python aws on PATH may shadow it. */
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

let server: RunningServer;
let work: string;

async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run(AWS, ['--endpoint-url', server.endpoint, ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: ROOT_USER,
      AWS_SECRET_ACCESS_KEY: ROOT_PASSWORD,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), 'tessera-awscli-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('aws CLI', () => {
  it('mb, cp (small and multipart), ls, sync, presign, rm, rb', async () => {
    await aws('s3', 'mb', 's3://cli-bucket');
    const small = join(work, 'small.txt');
    writeFileSync(small, 'hello from the aws cli');
    const big = join(work, 'big.bin');
    const bigData = randomBytes(20 * 1024 * 1024 + 11);
    writeFileSync(big, bigData);
    await aws('s3', 'cp', small, 's3://cli-bucket/docs/small.txt');
    await aws('s3', 'cp', big, 's3://cli-bucket/big.bin');
    const ls = await aws('s3', 'ls', 's3://cli-bucket/', '--recursive');
    expect(ls).toContain('docs/small.txt');
    expect(ls).toContain(String(bigData.length));
    const back = join(work, 'big.back');
    await aws('s3', 'cp', 's3://cli-bucket/big.bin', back);
    expect(readFileSync(back).equals(bigData)).toBe(true);

    const tree = join(work, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'a.txt'), 'a');
    writeFileSync(join(tree, 'sub', 'b b.txt'), 'b');
    await aws('s3', 'sync', tree, 's3://cli-bucket/tree');
    const down = join(work, 'down');
    await aws('s3', 'sync', 's3://cli-bucket/tree', down);
    expect(readFileSync(join(down, 'sub', 'b b.txt'), 'utf8')).toBe('b');

    const url = (await aws('s3', 'presign', 's3://cli-bucket/docs/small.txt', '--expires-in', '60')).trim();
    const res = await fetch(url);
    expect(await res.text()).toBe('hello from the aws cli');

    await aws('s3', 'rm', 's3://cli-bucket', '--recursive');
    expect((await aws('s3', 'ls', 's3://cli-bucket/', '--recursive')).trim()).toBe('');
    await aws('s3', 'rb', 's3://cli-bucket');
    expect(await aws('s3', 'ls')).not.toContain('cli-bucket');
  });
});
