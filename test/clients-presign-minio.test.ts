import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;
let minio: Minio.Client;

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  minio = new Minio.Client({
    endPoint: '127.0.0.1',
    port: server.port,
    useSSL: false,
    accessKey: ROOT_USER,
    secretKey: ROOT_PASSWORD,
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'presign' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('presigned URLs fetched with plain HTTP', () => {
  it('GETs and PUTs through presigned URLs (the default presigned PUT carries an empty-body CRC32)', async () => {
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'presign', Key: 'via url.txt' }), {
      expiresIn: 300,
    });
    const put = await fetch(putUrl, { method: 'PUT', body: 'presigned body' });
    expect(put.status).toBe(200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign', Key: 'via url.txt' }), {
      expiresIn: 300,
    });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('presigned body');
  });

  it('refuses a tampered or expired presigned URL', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign', Key: 'via url.txt' }), {
      expiresIn: 300,
    });
    const tampered = url.replace('via%20url.txt', 'via%20url.txT');
    const res = await fetch(tampered);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'presign', Key: 'via url.txt' }), {
      expiresIn: 1,
      signingDate: new Date(Date.now() - 60_000),
    });
    const old = await fetch(expired);
    expect(old.status).toBe(403);
    expect(await old.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('answers anonymous requests with AccessDenied', async () => {
    const res = await fetch(`${server.endpoint}/presign/via%20url.txt`);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).not.toContain('presigned body');
    expect(res.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
  });
});

describe('minio-js', () => {
  it('puts buffers, streams of unknown size (multipart from part 2) and lists', async () => {
    await minio.makeBucket('minio-bucket');
    await minio.putObject('minio-bucket', 'buf.txt', Buffer.from('minio buffer'));
    const data = randomBytes(12 * 1024 * 1024 + 5);
    // Unknown size: minio-js lists uploads, then uploads parts with Content-MD5.
    await minio.putObject('minio-bucket', 'dir/stream.bin', Readable.from([data]), undefined, {
      'Content-Type': 'application/x-test',
    });
    const stat = await minio.statObject('minio-bucket', 'dir/stream.bin');
    expect(stat.size).toBe(data.length);
    expect(stat.metaData['content-type']).toBe('application/x-test');
    const chunks: Buffer[] = [];
    for await (const c of await minio.getObject('minio-bucket', 'dir/stream.bin')) chunks.push(c as Buffer);
    expect(createHash('md5').update(Buffer.concat(chunks)).digest('hex')).toBe(
      createHash('md5').update(data).digest('hex'),
    );
    const names: string[] = [];
    for await (const item of minio.listObjectsV2('minio-bucket', '', true))
      names.push((item as { name: string }).name);
    expect(names.sort()).toEqual(['buf.txt', 'dir/stream.bin']);
    const partial: Buffer[] = [];
    for await (const c of await minio.getPartialObject('minio-bucket', 'buf.txt', 6, 6))
      partial.push(c as Buffer);
    expect(Buffer.concat(partial).toString()).toBe('buffer');
    await minio.removeObject('minio-bucket', 'buf.txt');
    await expect(minio.statObject('minio-bucket', 'buf.txt')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('presigns with minio-js', async () => {
    const url = await minio.presignedGetObject('minio-bucket', 'dir/stream.bin', 60);
    const res = await fetch(url, { headers: { range: 'bytes=0-9' } });
    expect(res.status).toBe(206);
    expect((await res.arrayBuffer()).byteLength).toBe(10);
  });
});
