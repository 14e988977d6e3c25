import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, rawRequest } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

// Signature and request edge cases answered as AWS S3 answers them. Where AWS's documentation is
// silent, the reference is ceph's s3-tests, whose expectations are checked against AWS.

const run = promisify(execFile);
let server: RunningServer;
let s3: S3Client;

/** SigV2: Base64(HMAC-SHA1(secret, VERB\nContent-MD5\nContent-Type\nDate\nAmzHeaders Resource)). */
function v2Authorization(method: string, resource: string, date: string, md5 = '', type = ''): string {
  const sts = `${method}\n${md5}\n${type}\n${date}\n${resource}`;
  return `AWS ${ROOT_USER}:${createHmac('sha1', ROOT_PASSWORD).update(sts).digest('base64')}`;
}

/** Writes bytes to a fresh connection and answers the first response's status line and body. */
async function rawExchange(bytes: Buffer): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(bytes);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    socket.once('close', done);
    socket.once('error', done);
    setTimeout(done, 1500);
  });
  socket.destroy();
  return Buffer.concat(chunks).toString('latin1');
}

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'edges' }));
  await s3.send(new PutObjectCommand({ Bucket: 'edges', Key: 'obj', Body: 'data' }));
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('presigned V4 URL with X-Amz-Expires out of range: 403 AccessDenied', () => {
  // ceph s3-tests test_object_raw_get_x_amz_expires_out_range_zero / _out_max_range /
  // _out_positive_range (assertion "fails 403"); AWS's message for too large a value is
  // "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must
  // be less than 604800 seconds".
  async function withExpires(value: string): Promise<{ status: number; body: string }> {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'edges', Key: 'obj' }), { expiresIn: 600 }),
    );
    url.searchParams.set('X-Amz-Expires', value);
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  }

  it.each([
    ['0', 'Request has expired'],
    ['-7', 'X-Amz-Expires must be non-negative'],
    ['604801', 'X-Amz-Expires must be less than a week'],
    ['6307000000', 'X-Amz-Expires must be less than a week'],
  ])('X-Amz-Expires=%s', async (value, message) => {
    const res = await withExpires(value);
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>AccessDenied</Code>');
    expect(res.body).toContain(message);
  });

  it('a value that is not a number stays a malformed query (400)', async () => {
    const res = await withExpires('soon');
    expect(res.status).toBe(400);
    expect(res.body).toContain('AuthorizationQueryParametersError');
  });

  it('the limit itself and an untampered URL still work', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'edges', Key: 'obj' }), {
      expiresIn: 604800,
    });
    expect((await fetch(url)).status).toBe(200);
  });
});

describe('SigV2 without a usable Date: 403 AccessDenied', () => {
  // ceph s3-tests test_object_create_bad_date_none / _empty / _before_epoch (v2): 403 AccessDenied.
  const put = (headers: Record<string, string>) =>
    rawRequest(server.port, { method: 'PUT', path: '/edges/dated', body: 'x', unsigned: true, headers });

  it('Date missing', async () => {
    const res = await put({ authorization: v2Authorization('PUT', '/edges/dated', '') });
    expect([res.status, errorCode(res)]).toEqual([403, 'AccessDenied']);
  });

  it('Date empty', async () => {
    const res = await put({ date: '', authorization: v2Authorization('PUT', '/edges/dated', '') });
    expect([res.status, errorCode(res)]).toEqual([403, 'AccessDenied']);
  });

  it('Date before the epoch', async () => {
    const date = 'Tue, 07 Jul 1950 21:53:04 GMT';
    const res = await put({ date, authorization: v2Authorization('PUT', '/edges/dated', date) });
    expect([res.status, errorCode(res)]).toEqual([403, 'AccessDenied']);
  });

  it('a Date in the past but after the epoch is a skew (RequestTimeTooSkewed), as in s3-tests bad_date_before_today', async () => {
    const date = 'Tue, 07 Jul 2010 21:53:04 GMT';
    const res = await put({ date, authorization: v2Authorization('PUT', '/edges/dated', date) });
    expect([res.status, errorCode(res)]).toEqual([403, 'RequestTimeTooSkewed']);
  });
});

describe('Expect headers other than 100-continue: the request proceeds', () => {
  // S3 ignores Expect values it does not know (RFC 9110 lets a server answer 417; S3 does not).
  it.each([
    ['', 'empty'],
    ['200-ok', 'unknown'],
  ])('Expect: "%s" (%s)', async (expect_) => {
    const res = await rawRequest(server.port, {
      method: 'PUT',
      path: '/edges/expect',
      body: 'hello',
      headers: { expect: expect_ },
    });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'edges', Key: 'expect' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });
});

describe('SigV2 PUT with a Content-Length below the body sent', () => {
  // ceph s3-tests test_object_create_bad_contentlength_mismatch_below (boto sends Content-MD5 of
  // the whole body): 400 BadDigest, and no object is stored.
  it('answers 400 BadDigest and stores nothing', async () => {
    const body = 'bar';
    const md5 = createHash('md5').update(body).digest('base64');
    const date = new Date().toUTCString();
    const auth = v2Authorization('PUT', '/edges/short', date, md5);
    const head =
      `PUT /edges/short HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nDate: ${date}\r\n` +
      `Content-MD5: ${md5}\r\nContent-Length: ${body.length - 1}\r\nAuthorization: ${auth}\r\n\r\n`;
    const answer = await rawExchange(Buffer.from(head + body, 'latin1'));
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(answer).toContain('<Code>BadDigest</Code>');
    const res = await rawRequest(server.port, { method: 'GET', path: '/edges/short' });
    expect(errorCode(res)).toBe('NoSuchKey');
  });
});

describe("botocore's SigV2 signer (HmacV1Auth, signature_version 's3')", () => {
  // botocore signs a path-style bucket request with its auth_path `/bucket/` (trailing slash).
  it('creates a bucket, puts and reads an object', async () => {
    // The machine's python3, else Debian's (.ci/run installs python3-botocore when neither has it).
    let python: string | undefined;
    let version = '';
    for (const candidate of ['python3', '/usr/bin/python3']) {
      try {
        version = (
          await run(candidate, ['-c', 'import botocore; print(botocore.__version__)'])
        ).stdout.trim();
        python = candidate;
        break;
      } catch {}
    }
    if (python === undefined) {
      if (process.env['CI'] === 'true') throw new Error('python3 with botocore is required in CI');
      return;
    }
    expect(version).toMatch(/^\d+\.\d+/);
    const script = `
import sys, botocore.session
from botocore.config import Config
c = botocore.session.get_session().create_client('s3', endpoint_url=sys.argv[1], region_name='us-east-1',
    aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
    config=Config(signature_version='s3', s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
c.create_bucket(Bucket='boto-v2')
c.put_object(Bucket='boto-v2', Key='k', Body=b'abc')
print(c.get_object(Bucket='boto-v2', Key='k')['Body'].read().decode())
`;
    const { stdout } = await run(python, ['-c', script, server.endpoint, ROOT_USER, ROOT_PASSWORD]);
    expect(stdout.trim()).toBe('abc');
  }, 30_000);
});
