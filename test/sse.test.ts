import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipByte } from './helpers/blobs.js';
import { ca, httpsHandler, serverCert, writeCertsDir } from './helpers/certs.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/** Stored size of n plaintext bytes (src/s3/sse/format.ts): header, packages, a tag per 64 KiB. */
const sealed = (n: number) => 32 + n + 16 * Math.max(1, Math.ceil(n / 65536));

let server: RunningServer;
let s3: S3Client;
const BUCKET = 'sse-s3';

async function body(out: { Body?: unknown }): Promise<Buffer> {
  const b = out.Body as { transformToByteArray(): Promise<Uint8Array> };
  return Buffer.from(await b.transformToByteArray());
}

async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException)
      return { name: e.name, status: e.$metadata.httpStatusCode, message: e.message };
    return { name: (e as Error).name, status: undefined, message: (e as Error).message };
  }
  throw new Error('expected the request to fail');
}

/** Every file under the data directory holding `needle` (blobs, the metadata database and its WAL). */
function filesHolding(dir: string, needle: Buffer): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.size < 64 * 1024 * 1024 && readFileSync(p).includes(needle)) found.push(p);
    }
  };
  walk(dir);
  return found;
}

/** The blob files of exactly `size` bytes. */
function blobsOfSize(dataDir: string, size: number): string[] {
  const root = join(dataDir, '.tessera', 'blobs');
  const out: string[] = [];
  for (const shard of readdirSync(root))
    for (const name of readdirSync(join(root, shard)))
      if (statSync(join(root, shard, name)).size === size) out.push(join(root, shard, name));
  return out;
}

beforeAll(async () => {
  server = await startServer({ env: { TESSERA_SSE_C_ALLOW_INSECURE_LOOPBACK: 'on' } });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: 'sse-default' }));
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('SSE-S3 (x-amz-server-side-encryption: AES256)', () => {
  it('encrypts on disk, reports AES256, the plaintext size and its MD5 as ETag', async () => {
    const plain = Buffer.concat([Buffer.from('SSE-S3-PLAINTEXT-MARKER-1'), randomBytes(700_001)]);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'big', Body: plain, ServerSideEncryption: 'AES256' }),
    );
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(put.ETag).toBe(`"${createHash('md5').update(plain).digest('hex')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ContentLength).toBe(plain.length);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big' }));
    expect(got.ServerSideEncryption).toBe('AES256');
    expect((await body(got)).equals(plain)).toBe(true);
    expect(filesHolding(server.dataDir, Buffer.from('SSE-S3-PLAINTEXT-MARKER-1'))).toEqual([]);
    expect(blobsOfSize(server.dataDir, sealed(plain.length))).toHaveLength(1);
  });

  it('serves any range from the packages it touches', async () => {
    const plain = randomBytes(300_000);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'ranged', Body: plain, ServerSideEncryption: 'AES256' }),
    );
    for (const [s, e] of [
      [0, 0],
      [65535, 65536],
      [100, 299_999],
      [131_072, 196_607],
      [299_999, 299_999],
    ] as const) {
      const got = await s3.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'ranged', Range: `bytes=${s}-${e}` }),
      );
      expect(got.ContentRange).toBe(`bytes ${s}-${e}/300000`);
      expect((await body(got)).equals(plain.subarray(s, e + 1))).toBe(true);
    }
  });

  it('keeps small (inline) objects encrypted in the metadata store too', async () => {
    const marker = Buffer.from(`INLINE-SSE-MARKER-${randomBytes(6).toString('hex')}`);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'small', Body: marker, ServerSideEncryption: 'AES256' }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'small' }));
    expect((await body(got)).equals(marker)).toBe(true);
    const ranged = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'small', Range: 'bytes=7-9' }));
    expect((await body(ranged)).equals(marker.subarray(7, 10))).toBe(true);
    expect(filesHolding(server.dataDir, marker)).toEqual([]);
  });

  it('answers an altered stored byte with an error, never with other bytes', async () => {
    const plain = randomBytes(200_003);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'tampered', Body: plain, ServerSideEncryption: 'AES256' }),
    );
    const [blob] = blobsOfSize(server.dataDir, sealed(plain.length));
    flipByte(blob!, 32 + 10);
    const f = await failure(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tampered', Range: 'bytes=0-99' })),
    );
    expect(f.status).toBe(500);
    expect(f.name).toBe('InternalError');
    // A range that avoids the altered package still reads.
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'tampered', Range: 'bytes=100000-100009' }),
    );
    expect((await body(tail)).equals(plain.subarray(100_000, 100_010))).toBe(true);
  });

  it('multipart (lib-storage): each part sealed on its own, ranges across parts', async () => {
    const plain = randomBytes(11 * 1024 * 1024 + 5);
    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: 'multi', Body: plain, ServerSideEncryption: 'AES256' },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    const done = await upload.done();
    expect(done.ServerSideEncryption).toBe('AES256');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'multi' }));
    expect(head.ContentLength).toBe(plain.length);
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ETag).toMatch(/-3"$/);
    const whole = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'multi' }));
    expect((await body(whole)).equals(plain)).toBe(true);
    const s = 5 * 1024 * 1024 - 100;
    const across = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'multi', Range: `bytes=${s}-${s + 199}` }),
    );
    expect((await body(across)).equals(plain.subarray(s, s + 200))).toBe(true);
    const part2 = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'multi', PartNumber: 3 }));
    expect((await body(part2)).equals(plain.subarray(10 * 1024 * 1024))).toBe(true);
  });

  it('CopyObject re-encrypts: to plain, to SSE-S3, and in place', async () => {
    const plain = randomBytes(150_000);
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'copy-src', Body: plain, ServerSideEncryption: 'AES256' }),
    );
    const toPlain = await s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'copy-plain', CopySource: `${BUCKET}/copy-src` }),
    );
    expect(toPlain.ServerSideEncryption).toBeUndefined();
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'copy-plain' }));
    expect(head.ServerSideEncryption).toBeUndefined();
    expect(blobsOfSize(server.dataDir, plain.length)).toHaveLength(1);
    expect(
      (await body(await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copy-plain' })))).equals(plain),
    ).toBe(true);
    const back = await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'copy-again',
        CopySource: `${BUCKET}/copy-plain`,
        ServerSideEncryption: 'AES256',
      }),
    );
    expect(back.ServerSideEncryption).toBe('AES256');
    expect(
      (await body(await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copy-again' })))).equals(plain),
    ).toBe(true);
    // Copying onto itself is allowed when it changes the encryption.
    const inPlace = await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'copy-plain',
        CopySource: `${BUCKET}/copy-plain`,
        ServerSideEncryption: 'AES256',
      }),
    );
    expect(inPlace.ServerSideEncryption).toBe('AES256');
  });

  it('refuses an unknown x-amz-server-side-encryption value', async () => {
    const f = await failure(
      s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bad',
          Body: 'x',
          ServerSideEncryption: 'aws:fancy' as 'AES256',
        }),
      ),
    );
    expect(f.status).toBe(400);
    expect(f.name).toBe('InvalidArgument');
  });
});

describe('bucket default encryption', () => {
  it('Put/Get/DeleteBucketEncryption, and uploads without headers get the default', async () => {
    const missing = await failure(s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' })));
    expect(missing.name).toBe('ServerSideEncryptionConfigurationNotFoundError');
    expect(missing.status).toBe(404);
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'sse-default',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }),
    );
    const got = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    expect(
      got.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
    ).toBe('AES256');
    const marker = Buffer.from('DEFAULT-ENCRYPTED-MARKER-7');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'k', Body: marker }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'sse-default', Key: 'k' }))).ServerSideEncryption,
    ).toBe('AES256');
    expect(filesHolding(server.dataDir, marker)).toEqual([]);
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'sse-default' }));
    const gone = await failure(s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' })));
    expect(gone.name).toBe('ServerSideEncryptionConfigurationNotFoundError');
    const plainPut = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'k2', Body: 'plain' }));
    expect(plainPut.ServerSideEncryption).toBeUndefined();
  });

  it('refuses a malformed configuration and a KMS key id with AES256', async () => {
    const bad = await failure(
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'sse-default',
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'k' } }],
          },
        }),
      ),
    );
    expect(bad.name).toBe('InvalidArgument');
    const none = await failure(
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'sse-default',
          ServerSideEncryptionConfiguration: { Rules: [] },
        }),
      ),
    );
    expect(none.name).toBe('MalformedXML');
  });
});

describe('the s3:x-amz-server-side-encryption condition key', () => {
  it('a "deny unencrypted uploads" policy refuses plain PUTs and lets encrypted ones through', async () => {
    const iam = new IAMClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    await iam.send(new CreateUserCommand({ UserName: 'sse-writer' }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: `arn:aws:s3:::${BUCKET}/*` },
        {
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
        },
        {
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } },
        },
      ],
    };
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'sse-writer',
        PolicyName: 'enc',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'sse-writer' }));
    const writer = s3Client(server, {
      credentials: {
        accessKeyId: key.AccessKey!.AccessKeyId!,
        secretAccessKey: key.AccessKey!.SecretAccessKey!,
      },
    });
    // Policies reach the workers through the change feed within a second.
    await new Promise((r) => setTimeout(r, 1500));
    const plain = await failure(writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'w1', Body: 'x' })));
    expect(plain.status).toBe(403);
    expect(plain.name).toBe('AccessDenied');
    const kms = await failure(
      writer.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'w2', Body: 'x', ServerSideEncryption: 'aws:kms' }),
      ),
    );
    expect(kms.name).toBe('AccessDenied');
    const ok = await writer.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'w3', Body: 'x', ServerSideEncryption: 'AES256' }),
    );
    expect(ok.ServerSideEncryption).toBe('AES256');
  });
});

describe('SSE-C (customer-provided keys)', () => {
  const key = randomBytes(32);
  const other = randomBytes(32);
  const md5 = (k: Buffer) => createHash('md5').update(k).digest('base64');
  const ssec = (k: Buffer) => ({
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: k.toString('base64'),
    SSECustomerKeyMD5: md5(k),
  });

  it('PUT, GET and HEAD need the key; a wrong key is 403 AccessDenied, none is 400', async () => {
    const plain = randomBytes(100_000);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'ssec', Body: plain, ...ssec(key) }),
    );
    expect(put.SSECustomerAlgorithm).toBe('AES256');
    expect(put.SSECustomerKeyMD5).toBe(md5(key));
    // "not an MD5 digest of their object data"
    expect(put.ETag).not.toBe(`"${createHash('md5').update(plain).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssec(key) }));
    expect(got.SSECustomerKeyMD5).toBe(md5(key));
    expect((await body(got)).equals(plain)).toBe(true);
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', Range: 'bytes=70000-70009', ...ssec(key) }),
    );
    expect((await body(ranged)).equals(plain.subarray(70_000, 70_010))).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssec(key) }));
    expect(head.ContentLength).toBe(plain.length);
    const wrong = await failure(
      s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssec(other) })),
    );
    expect(wrong.status).toBe(403);
    expect(wrong.name).toBe('AccessDenied');
    const none = await failure(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec' })));
    expect(none.status).toBe(400);
    expect(none.name).toBe('InvalidRequest');
    const headNone = await failure(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec' })));
    expect(headNone.status).toBe(400);
    // The customer's key is never stored, in any form the client sent it.
    expect(filesHolding(server.dataDir, key)).toEqual([]);
    expect(filesHolding(server.dataDir, Buffer.from(key.toString('base64')))).toEqual([]);
    const attrs = await failure(
      s3.send(
        new GetObjectAttributesCommand({ Bucket: BUCKET, Key: 'ssec', ObjectAttributes: ['ObjectSize'] }),
      ),
    );
    expect(attrs.status).toBe(400);
    const withKey = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: BUCKET,
        Key: 'ssec',
        ObjectAttributes: ['ObjectSize'],
        ...ssec(key),
      }),
    );
    expect(withKey.ObjectSize).toBe(plain.length);
    // (A key MD5 that does not match: src/s3/sse/request.test.ts; the SDK always computes it.)
  });

  it('multipart and copy with x-amz-copy-source-server-side-encryption-customer-*', async () => {
    const plain = randomBytes(6 * 1024 * 1024 + 1);
    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: 'ssec-multi', Body: plain, ...ssec(key) },
      partSize: 5 * 1024 * 1024,
    });
    await upload.done();
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec-multi', ...ssec(key) }));
    expect((await body(got)).equals(plain)).toBe(true);
    // Re-encrypt under another customer key, then to SSE-S3.
    await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'ssec-copy',
        CopySource: `${BUCKET}/ssec-multi`,
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: key.toString('base64'),
        CopySourceSSECustomerKeyMD5: md5(key),
        ...ssec(other),
      }),
    );
    const copied = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec-copy', ...ssec(other) }));
    expect((await body(copied)).equals(plain)).toBe(true);
    const noSourceKey = await failure(
      s3.send(
        new CopyObjectCommand({ Bucket: BUCKET, Key: 'ssec-copy2', CopySource: `${BUCKET}/ssec-copy` }),
      ),
    );
    expect(noSourceKey.status).toBe(400);
    const toS3 = await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'ssec-to-s3',
        CopySource: `${BUCKET}/ssec-copy`,
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: other.toString('base64'),
        CopySourceSSECustomerKeyMD5: md5(other),
        ServerSideEncryption: 'AES256',
      }),
    );
    expect(toS3.ServerSideEncryption).toBe('AES256');
    const plainGet = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec-to-s3' }));
    expect((await body(plainGet)).equals(plain)).toBe(true);
  });

  it('UploadPartCopy decrypts an SSE-C source into an SSE-S3 upload', async () => {
    const plain = randomBytes(200_000);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'upc-src', Body: plain, ...ssec(key) }));
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'upc', ServerSideEncryption: 'AES256' }),
    );
    expect(created.ServerSideEncryption).toBe('AES256');
    const part = await s3.send(
      new UploadPartCopyCommand({
        Bucket: BUCKET,
        Key: 'upc',
        UploadId: created.UploadId!,
        PartNumber: 1,
        CopySource: `${BUCKET}/upc-src`,
        CopySourceRange: 'bytes=1000-150999',
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: key.toString('base64'),
        CopySourceSSECustomerKeyMD5: md5(key),
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'upc',
        UploadId: created.UploadId!,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag! }] },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'upc' }));
    expect(got.ServerSideEncryption).toBe('AES256');
    expect((await body(got)).equals(plain.subarray(1000, 151_000))).toBe(true);
  });

  it('is refused over plain HTTP without the loopback dev setting', async () => {
    const strict = await startServer();
    try {
      const client = s3Client(strict);
      await client.send(new CreateBucketCommand({ Bucket: 'strict' }));
      const f = await failure(
        client.send(new PutObjectCommand({ Bucket: 'strict', Key: 'k', Body: 'x', ...ssec(key) })),
      );
      expect(f.status).toBe(400);
      expect(f.name).toBe('InvalidRequest');
      expect(f.message).toBe(
        'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.',
      );
    } finally {
      await strict.stop();
    }
  }, 60_000);

  it('works over HTTPS (the TLS socket) without the dev setting', async () => {
    const root = await ca('sse-test-ca');
    const certsDir = writeCertsDir(await serverCert(root));
    const secure = await startServer({ https: true, env: { TESSERA_CERTS_DIR: certsDir } });
    try {
      const client = s3Client(secure, { requestHandler: httpsHandler(root.cert) });
      await client.send(new CreateBucketCommand({ Bucket: 'tls' }));
      const plain = randomBytes(70_000);
      await client.send(new PutObjectCommand({ Bucket: 'tls', Key: 'k', Body: plain, ...ssec(key) }));
      const got = await client.send(new GetObjectCommand({ Bucket: 'tls', Key: 'k', ...ssec(key) }));
      expect((await body(got)).equals(plain)).toBe(true);
      const wrong = await failure(
        client.send(new GetObjectCommand({ Bucket: 'tls', Key: 'k', ...ssec(other) })),
      );
      expect(wrong.status).toBe(403);
    } finally {
      await secure.stop();
    }
  }, 60_000);
});
