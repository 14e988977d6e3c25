import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let s3: S3Client;

async function exists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: 'bad', Key: key })).then(
    () => true,
    () => false,
  );
}

beforeAll(async () => {
  server = await startServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'bad' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('bad input gets a clear S3 error, never a crash or a partial object', () => {
  it('MalformedXML for broken or empty XML bodies', async () => {
    for (const body of ['<Delete><Object><Key>a</Key></Object>', 'not xml', '<Delete></Delete>']) {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/bad',
        query: { delete: '' },
        body,
      });
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('MalformedXML');
    }
  });

  it('refuses oversized XML bodies', async () => {
    const body = `<Tagging><TagSet>${'<Tag><Key>k</Key><Value>v</Value></Tag>'.repeat(80_000)}</TagSet></Tagging>`;
    const res = await rawRequest(server.port, { method: 'PUT', path: '/bad', query: { tagging: '' }, body });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('MaxMessageLengthExceeded');
  });

  it('XAmzContentSHA256Mismatch when the body does not match the signed hash', async () => {
    const res = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad/sha',
      body: 'actual',
      payloadHash: 'a'.repeat(64),
    });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('XAmzContentSHA256Mismatch');
    expect(await exists('sha')).toBe(false);
  });

  it('RequestTimeTooSkewed for a request signed 20 minutes ago', async () => {
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: '/bad',
      signingDate: new Date(Date.now() - 20 * 60_000),
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('RequestTimeTooSkewed');
  });

  it('InvalidAccessKeyId for a request signed now with an unknown access key', async () => {
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: '/bad',
      credentials: { accessKeyId: 'NOBODY0123456789', secretAccessKey: ROOT_PASSWORD },
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('InvalidAccessKeyId');
  });

  it('SignatureDoesNotMatch for a wrong secret, or a signed header changed after signing', async () => {
    const wrongSecret = await rawRequest(server.port, {
      method: 'GET',
      path: '/bad',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: `${ROOT_PASSWORD}x` },
    });
    expect(wrongSecret.status).toBe(403);
    expect(errorCode(wrongSecret)).toBe('SignatureDoesNotMatch');
    const changed = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad/changed',
      body: 'x',
      headers: { 'x-amz-meta-k': 'signed' },
      unsignedHeaders: { 'x-amz-meta-k': 'sent' },
    });
    expect(changed.status).toBe(403);
    expect(errorCode(changed)).toBe('SignatureDoesNotMatch');
    expect(await exists('changed')).toBe(false);
    // The same request as signed is accepted: the refusals above are the signature's.
    const same = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad/changed',
      body: 'x',
      headers: { 'x-amz-meta-k': 'signed' },
    });
    expect(same.status).toBe(200);
    expect(await exists('changed')).toBe(true);
  });

  it('NotImplemented for sub-resources not built yet, MethodNotAllowed for unknown methods', async () => {
    const res = await rawRequest(server.port, { method: 'GET', path: '/bad', query: { website: '' } });
    expect(res.status).toBe(501);
    expect(errorCode(res)).toBe('NotImplemented');
  });

  it('a client that disconnects mid-upload leaves no object, and the server lives on', async () => {
    const res = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad/cut',
      headers: { 'content-length': String(10 * 1024 * 1024) },
      body: Buffer.alloc(1024 * 1024, 1),
      payloadHash: 'UNSIGNED-PAYLOAD',
      destroyAfterWrite: true,
    });
    expect(res.status).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await exists('cut')).toBe(false);
    await s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'after', Body: 'alive' }));
    expect(await exists('after')).toBe(true);
  });

  it('corrupt aws-chunked framing is rejected without storing anything', async () => {
    const framed = '5\r\nhello\r\nZZ\r\ngarbage';
    const res = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad/chunked',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '10' },
      body: framed,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    });
    expect(res.status).toBe(400);
    expect(await exists('chunked')).toBe(false);
  });

  it('truncated body (fewer bytes than the decoded length) is refused', async () => {
    const framed = '5\r\nhello\r\n0\r\n\r\n';
    const res = await rawRequest(server.port, {
      method: 'PUT',
      path: '/bad/short',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '10' },
      body: framed,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    });
    expect(res.status).toBe(400);
    expect(await exists('short')).toBe(false);
  });

  it('authenticates SigV2 header requests', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'bad', Key: 'v2.txt', Body: 'signature v2' }));
    const date = new Date().toUTCString();
    const sig = createHmac('sha1', ROOT_PASSWORD).update(`GET\n\n\n${date}\n/bad/v2.txt`).digest('base64');
    const get = (signature: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/bad/v2.txt',
            headers: { date, authorization: `AWS ${ROOT_USER}:${signature}` },
          },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get(sig)).toEqual({ status: 200, body: 'signature v2' });
    const bad = await get(`${sig.slice(0, -2)}AA`);
    expect(bad.status).toBe(403);
    expect(bad.body).toContain('SignatureDoesNotMatch');
  });
  it('answers Expect: 100-continue only after authorization: a refused upload never sends its body', async () => {
    const result = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'PUT',
          path: '/bad/expect',
          headers: { expect: '100-continue', 'content-length': '1048576' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, continued }));
        },
      );
      req.on('continue', () => {
        continued = true;
        req.end(Buffer.alloc(1048576));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(result).toEqual({ status: 403, continued: false });
    expect(await exists('expect')).toBe(false);
  });
});
