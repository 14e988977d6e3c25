import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliJson } from './helpers/aws-cli.js';
import { buildGoProgram, haveGo } from './helpers/madmin.js';
import {
  MAIN,
  ROOT_PASSWORD,
  ROOT_USER,
  type RunningServer,
  s3Client,
  startServer,
} from './helpers/server.js';

const MASTER = `sse-master:${randomBytes(32).toString('base64')}`;
let server: RunningServer;
let s3: S3Client;
let dir: string;

function tessera(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, TESSERA_CONFIG_DIR: join(dir, 'config') };
    execFile(process.execPath, [MAIN, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), out: stdout, err: stderr });
    });
  });
}

async function body(out: { Body?: unknown }): Promise<Buffer> {
  return Buffer.from(
    await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException) return { name: e.name, status: e.$metadata.httpStatusCode };
    throw e;
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-sse-kms-'));
  server = await startServer({
    env: { TESSERA_KMS_SECRET_KEY: MASTER, TESSERA_SSE_C_ALLOW_INSECURE_LOOPBACK: 'on' },
  });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'kms' }));
  const r = await tessera(['alias', 'set', 'local', server.endpoint, ROOT_USER, ROOT_PASSWORD]);
  expect(r.code).toBe(0);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera admin kms', () => {
  it('creates, lists and checks keys; status names the default key', async () => {
    const status = JSON.parse((await tessera(['admin', 'kms', 'status', 'local', '--json'])).out);
    expect(status['default-key-id']).toBe('sse-master');
    const created = await tessera(['admin', 'kms', 'key', 'create', 'local', 'app-key']);
    expect(created.code).toBe(0);
    expect(created.out).toContain('app-key');
    const list = JSON.parse((await tessera(['admin', 'kms', 'key', 'list', 'local', '--json'])).out) as {
      name: string;
    }[];
    expect(list.map((k) => k.name)).toEqual(['sse-master', 'app-key']);
    const only = JSON.parse(
      (await tessera(['admin', 'kms', 'key', 'list', 'local', 'app-*', '--json'])).out,
    ) as {
      name: string;
    }[];
    expect(only.map((k) => k.name)).toEqual(['app-key']);
    const st = JSON.parse(
      (await tessera(['admin', 'kms', 'key', 'status', 'local', 'app-key', '--json'])).out,
    );
    expect(st).toEqual({ 'key-id': 'app-key' });
    const missing = await tessera(['admin', 'kms', 'key', 'status', 'local', 'nope']);
    expect(missing.code).not.toBe(0);
    const bad = await tessera(['admin', 'kms', 'key', 'create', 'local', 'bad/name']);
    expect(bad.code).not.toBe(0);
  });
});

describe('SSE-KMS (x-amz-server-side-encryption: aws:kms)', () => {
  it('encrypts under a named key with a context; ETag is not the MD5; copy re-encrypts', async () => {
    const plain = randomBytes(200_000);
    const context = Buffer.from(JSON.stringify({ project: 'x' })).toString('base64');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'kms',
        Key: 'named',
        Body: plain,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'app-key',
        SSEKMSEncryptionContext: context,
      }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe('arn:aws:kms:app-key');
    expect(put.ETag).not.toBe(`"${createHash('md5').update(plain).digest('hex')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'kms', Key: 'named' }));
    expect(head.SSEKMSKeyId).toBe('arn:aws:kms:app-key');
    expect(head.ContentLength).toBe(plain.length);
    expect(
      (await body(await s3.send(new GetObjectCommand({ Bucket: 'kms', Key: 'named' })))).equals(plain),
    ).toBe(true);
    // The default key, when aws:kms names none.
    const dflt = await s3.send(
      new PutObjectCommand({ Bucket: 'kms', Key: 'default', Body: 'd', ServerSideEncryption: 'aws:kms' }),
    );
    expect(dflt.SSEKMSKeyId).toBe('arn:aws:kms:sse-master');
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: 'kms',
        Key: 'named-copy',
        CopySource: 'kms/named',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'arn:aws:kms:us-east-1:000000000000:key/sse-master',
      }),
    );
    expect(copy.SSEKMSKeyId).toBe('arn:aws:kms:sse-master');
    expect(
      (await body(await s3.send(new GetObjectCommand({ Bucket: 'kms', Key: 'named-copy' })))).equals(plain),
    ).toBe(true);
    const unknown = await errorOf(
      s3.send(
        new PutObjectCommand({
          Bucket: 'kms',
          Key: 'x',
          Body: 'x',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'nope',
        }),
      ),
    );
    expect(unknown).toEqual({ name: 'InvalidArgument', status: 400 });
  });

  it('a bucket default of aws:kms with a key applies to plain uploads', async () => {
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'kms',
        ServerSideEncryptionConfiguration: {
          Rules: [
            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'app-key' } },
          ],
        },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: 'kms', Key: 'by-default', Body: 'hello' }));
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe('arn:aws:kms:app-key');
    const unknown = await errorOf(
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'kms',
          ServerSideEncryptionConfiguration: {
            Rules: [
              { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'nope' } },
            ],
          },
        }),
      ),
    );
    expect(unknown.name).toBe('InvalidArgument');
  });

  it('kms: actions on arn:minio:kms:::<key> (and admin:KMSCreateKey) authorize the admin calls', async () => {
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    await iam.send(new CreateUserCommand({ UserName: 'kms-op' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['kms:CreateKey'], Resource: ['arn:minio:kms:::team-*'] },
        { Effect: 'Allow', Action: ['admin:KMSKeyStatus'] },
      ],
    };
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'kms-op',
        PolicyName: 'kms',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const k = await iam.send(new CreateAccessKeyCommand({ UserName: 'kms-op' }));
    await tessera([
      'alias',
      'set',
      'op',
      server.endpoint,
      k.AccessKey!.AccessKeyId!,
      k.AccessKey!.SecretAccessKey!,
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await tessera(['admin', 'kms', 'key', 'create', 'op', 'team-a'])).code).toBe(0);
    const other = await tessera(['admin', 'kms', 'key', 'create', 'op', 'other']);
    expect(other.code).not.toBe(0);
    expect(other.err).toContain('AccessDenied');
    expect((await tessera(['admin', 'kms', 'key', 'status', 'op', 'team-a'])).code).toBe(0);
    const list = await tessera(['admin', 'kms', 'key', 'list', 'op']);
    expect(list.err).toContain('AccessDenied');
  });
});

describe.skipIf(!haveGo)('madmin-go KMS calls', () => {
  it('CreateKey, ListKeys, GetKeyStatus and KMSStatus with madmin-go itself', async () => {
    // Debian's madmin-go, built as test/helpers/madmin.ts builds madmin-client.
    const bin = await buildGoProgram(join(dir, 'go'), 'madmin-kms');
    const run = promisify(execFile);
    const endpoint = server.endpoint.replace(/^http:\/\//, '');
    const { stdout } = await run(bin, [endpoint, ROOT_USER, ROOT_PASSWORD, 'go-key']);
    const r = JSON.parse(stdout);
    expect(r.createError).toBe('');
    expect(r.listError).toBe('');
    expect(r.keys.map((k: { name: string }) => k.name)).toContain('go-key');
    expect(r.statusError).toBe('');
    expect(r.status['key-id']).toBe('go-key');
    expect(r.status['encryption-error'] ?? '').toBe('');
    expect(r.missingStatusError).not.toBe('');
    expect(r.kmsError).toBe('');
    expect(r.kms['default-key-id']).toBe('sse-master');
  }, 120_000);
});

describe('the aws CLI', () => {
  it('aws s3 cp --sse AES256 and s3api get-object --sse-customer-key', async () => {
    const src = join(dir, 'in.bin');
    const plain = randomBytes(300_000);
    writeFileSync(src, plain);
    await awsCli(server.endpoint, ['s3', 'cp', src, 's3://kms/cli-sse', '--sse', 'AES256']);
    const head = await awsCliJson(server.endpoint, [
      's3api',
      'head-object',
      '--bucket',
      'kms',
      '--key',
      'cli-sse',
    ]);
    expect(head['ServerSideEncryption']).toBe('AES256');
    const key = randomBytes(32).toString('base64');
    await awsCli(server.endpoint, [
      's3api',
      'put-object',
      '--bucket',
      'kms',
      '--key',
      'cli-ssec',
      '--body',
      src,
      '--sse-customer-algorithm',
      'AES256',
      '--sse-customer-key',
      `fileb://${writeKey(key)}`,
    ]);
    const out = join(dir, 'out.bin');
    const got = await awsCliJson(server.endpoint, [
      's3api',
      'get-object',
      '--bucket',
      'kms',
      '--key',
      'cli-ssec',
      '--sse-customer-algorithm',
      'AES256',
      '--sse-customer-key',
      `fileb://${writeKey(key)}`,
      out,
    ]);
    expect(got['SSECustomerAlgorithm']).toBe('AES256');
    expect(readFileSync(out).equals(plain)).toBe(true);
  });
});

function writeKey(base64: string): string {
  const p = join(dir, 'key.bin');
  writeFileSync(p, Buffer.from(base64, 'base64'));
  return p;
}
