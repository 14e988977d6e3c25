/**
 * Security regressions found by an independent probe, driven against the real server the way the
 * probe did: x-amz-* headers added to a signed or presigned request without being signed; IAM
 * Query API calls whose body the signature does not cover (UNSIGNED-PAYLOAD, presigned POST); and
 * requests signed for another region or service.
 */
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAwsChunked, presign, signHeader, type TestCredentials } from '../src/auth/test-signer.js';
import { formatAmzDate } from '../src/core/index.js';
import { iamQuery } from './helpers/iam.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let euServer: RunningServer;
let s3: S3Client;
const root: TestCredentials = { accessKey: ROOT_USER, secretKey: ROOT_PASSWORD };
const UNSIGNED_MESSAGE = 'There were headers present in the request which were not signed';

interface Answer {
  status: number;
  body: string;
}

/** Sends exactly these headers and body (nothing added but what node:http must add). */
function send(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer | string = '',
): Promise<Answer> {
  const clean: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) clean[k] = v;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers: clean }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const code = (a: Answer) => /<Code>([^<]+)<\/Code>/.exec(a.body)?.[1];
const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};
/** The error's <Message>, entities decoded. */
const message = (a: Answer) =>
  (/<Message>([^<]*)<\/Message>/.exec(a.body)?.[1] ?? '').replace(
    /&(?:amp|lt|gt|quot|apos);|&#(\d+);/g,
    (e, n: string | undefined) => (n ? String.fromCharCode(Number(n)) : ENTITIES[e]!),
  );
const sha256 = (b: string) => createHash('sha256').update(b).digest('hex');
const now = () => formatAmzDate(Date.now());
const host = (s: RunningServer = server) => `127.0.0.1:${s.port}`;

async function exists(bucket: string, key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

/** A header-signed request (every header present at signing is signed), sent with `extra` added unsigned. */
function signedSend(
  method: string,
  path: string,
  body: string,
  extra: Record<string, string> = {},
  c: TestCredentials = root,
  s: RunningServer = server,
): Promise<Answer> {
  const signed = signHeader(
    { method, rawPath: path, headers: { host: host(s), 'content-length': String(Buffer.byteLength(body)) } },
    c,
    now(),
    sha256(body),
  );
  return send(s.port, method, path, { ...signed.req.headers, ...extra }, body);
}

/**
 * A presigned URL (host signed only) fetched with `extra` headers. S3 URLs sign UNSIGNED-PAYLOAD;
 * IAM ones the hash of an empty body, unless the query names X-Amz-Content-Sha256.
 */
function presignedSend(
  method: string,
  path: string,
  body: string,
  extra: Record<string, string> = {},
  c: TestCredentials = root,
  rawQuery = '',
  s: RunningServer = server,
): Promise<Answer> {
  const declared = /X-Amz-Content-Sha256=([^&]*)/.exec(rawQuery)?.[1];
  const hash = declared ?? ((c.service ?? 's3') === 's3' ? 'UNSIGNED-PAYLOAD' : sha256(''));
  const r = presign({ method, rawPath: path, rawQuery, host: host(s) }, c, now(), 300, hash);
  return send(s.port, method, `${path}?${r.rawQuery}`, { ...r.headers, ...extra }, body);
}

/** A form POST / to the IAM Query API, header-signed with the given payload hash (default: the real one). */
function iamPost(
  form: string,
  payloadHash = sha256(form),
  c: TestCredentials = { ...root, service: 'iam' },
  s: RunningServer = server,
) {
  const headers = {
    host: host(s),
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    'content-length': String(Buffer.byteLength(form)),
  };
  const signed = signHeader({ method: 'POST', rawPath: '/', headers }, c, now(), payloadHash);
  return send(s.port, 'POST', '/', signed.req.headers, form);
}

async function userExists(name: string): Promise<boolean> {
  return iamQuery(server.endpoint, { Action: 'GetUser', UserName: name }).then(
    () => true,
    (e: Error) => {
      expect(e.message).toBe('NoSuchEntity');
      return false;
    },
  );
}

beforeAll(async () => {
  [server, euServer] = await Promise.all([
    startServer({ workers: 1 }),
    startServer({ workers: 1, env: { TESSERA_REGION: 'eu-west-1' } }),
  ]);
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'sec' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'other' }));
  await s3.send(new PutObjectCommand({ Bucket: 'other', Key: 'secret', Body: 'top secret' }));
  const eu = s3Client(euServer, { region: 'eu-west-1' });
  await eu.send(new CreateBucketCommand({ Bucket: 'eu-bucket' }));
  await eu.send(new PutObjectCommand({ Bucket: 'eu-bucket', Key: 'k', Body: 'eu body' }));
  eu.destroy();
});
afterAll(async () => {
  s3?.destroy();
  await Promise.all([server?.stop(), euServer?.stop()]);
});

describe('x-amz-* headers that were not signed are refused', () => {
  const expectUnsigned = (a: Answer, names: string) => {
    expect(a.status).toBe(403);
    expect(code(a)).toBe('AccessDenied');
    expect(a.body).toContain(`<Message>${UNSIGNED_MESSAGE}</Message>`);
    expect(a.body).toContain(`<HeadersNotSigned>${names}</HeadersNotSigned>`);
  };

  it('a header-signed PUT with an added x-amz-copy-source does not become a CopyObject', async () => {
    const res = await signedSend('PUT', '/sec/copied', '', { 'x-amz-copy-source': '/other/secret' });
    expectUnsigned(res, 'x-amz-copy-source');
    expect(await exists('sec', 'copied')).toBe(false);
  });

  it('a presigned PUT (SDK getSignedUrl) with added x-amz-copy-source, tagging, metadata or ACL stores nothing', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'sec', Key: 'presigned' }), {
      expiresIn: 300,
    });
    const added: Record<string, string>[] = [
      { 'x-amz-copy-source': '/other/secret' },
      { 'x-amz-tagging': 'owner=attacker' },
      { 'x-amz-meta-evil': '1' },
      { 'x-amz-acl': 'public-read' },
      { 'x-amz-storage-class': 'STANDARD', 'x-amz-website-redirect-location': '/x' },
    ];
    for (const headers of added) {
      const res = await fetch(url, {
        method: 'PUT',
        headers,
        body: headers['x-amz-copy-source'] ? '' : 'data',
      });
      const answer = { status: res.status, body: await res.text() };
      expectUnsigned(answer, Object.keys(headers).join(', '));
    }
    expect(await exists('sec', 'presigned')).toBe(false);
    // The URL itself still works.
    expect((await fetch(url, { method: 'PUT', body: 'data' })).status).toBe(200);
  });

  it('a presigned URL accepts an x-amz-* header whose value is in its signed query string, and no other value', async () => {
    const url = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: 'sec', Key: 'hoisted', Metadata: { note: 'ok' } }),
      { expiresIn: 300 },
    );
    expect(url).toContain('x-amz-meta-note=ok');
    const other = await fetch(url, { method: 'PUT', headers: { 'x-amz-meta-note': 'evil' }, body: 'a' });
    expectUnsigned({ status: other.status, body: await other.text() }, 'x-amz-meta-note');
    expect(await exists('sec', 'hoisted')).toBe(false);
    const same = await fetch(url, { method: 'PUT', headers: { 'x-amz-meta-note': 'ok' }, body: 'a' });
    expect(same.status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sec', Key: 'hoisted' }));
    expect(head.Metadata).toEqual({ note: 'ok' });
  });

  it('a hand-made presigned GET refuses an added header, also x-amz-content-sha256 with another value', async () => {
    expectUnsigned(
      await presignedSend('GET', '/other/secret', '', { 'x-amz-tagging': 'a=b' }),
      'x-amz-tagging',
    );
    expectUnsigned(
      await presignedSend('GET', '/other/secret', '', { 'x-amz-content-sha256': sha256('') }),
      'x-amz-content-sha256',
    );
    // The payload hash a presigned S3 URL signs is UNSIGNED-PAYLOAD: sending exactly that is harmless.
    const same = await presignedSend('GET', '/other/secret', '', {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
    expect(same.status).toBe(200);
  });

  it('a signed streaming (aws-chunked) upload with an added x-amz-tagging stores nothing', async () => {
    const data = Buffer.from('streamed body');
    const amzDate = now();
    const path = '/sec/streamed';
    const headers = {
      host: host(),
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
    };
    const signed = signHeader(
      { method: 'PUT', rawPath: path, headers },
      root,
      amzDate,
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    );
    const body = encodeAwsChunked([data], {
      signing: { signingKey: signed.signingKey, amzDate, scope: signed.scope, seed: signed.signature },
    });
    const chunked = { ...signed.req.headers, 'transfer-encoding': 'chunked' };
    const tagged = await send(server.port, 'PUT', path, { ...chunked, 'x-amz-tagging': 'a=b' }, body);
    expectUnsigned(tagged, 'x-amz-tagging');
    expect(await exists('sec', 'streamed')).toBe(false);
    expect((await send(server.port, 'PUT', path, chunked, body)).status).toBe(200);
  });

  it('x-amz-content-sha256 may stay unsigned in a header-signed request: it is the signed payload hash', async () => {
    const body = 'hash bound';
    const signed = signHeader(
      { method: 'PUT', rawPath: '/sec/bound', headers: { host: host(), 'content-length': '10' } },
      root,
      now(),
      sha256(body),
      ['x-amz-content-sha256'],
    );
    const headers = { ...signed.req.headers, 'x-amz-content-sha256': sha256(body) };
    expect((await send(server.port, 'PUT', '/sec/bound', headers, body)).status).toBe(200);
    const lied = { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    const res = await send(server.port, 'PUT', '/sec/bound2', lied, body);
    expect(code(res)).toBe('SignatureDoesNotMatch');
  });

  it('SigV2 signs every x-amz-* header: an added x-amz-copy-source fails the signature', async () => {
    const date = new Date().toUTCString();
    const sts = `PUT\n\n\n${date}\n/sec/v2`;
    const signature = createHmac('sha1', ROOT_PASSWORD).update(sts).digest('base64');
    const headers = { host: host(), date, authorization: `AWS ${ROOT_USER}:${signature}` };
    const copied = await send(server.port, 'PUT', '/sec/v2', {
      ...headers,
      'x-amz-copy-source': '/other/secret',
    });
    expect(copied.status).toBe(403);
    expect(code(copied)).toBe('SignatureDoesNotMatch');
    expect(await exists('sec', 'v2')).toBe(false);
    expect((await send(server.port, 'PUT', '/sec/v2', headers, 'v2 body')).status).toBe(200);
  });
});

describe('the IAM Query API needs a signature that covers its parameters', () => {
  it('refuses a header-signed call with UNSIGNED-PAYLOAD (SignatureDoesNotMatch in IAM XML)', async () => {
    const res = await iamPost('Action=CreateUser&Version=2010-05-08&UserName=unsigned1', 'UNSIGNED-PAYLOAD');
    expect(res.status).toBe(403);
    expect(res.body).toContain('<ErrorResponse');
    expect(code(res)).toBe('SignatureDoesNotMatch');
    expect(await userExists('unsigned1')).toBe(false);
  });

  it('refuses a presigned POST whose action is in an unsigned body (no reusable bearer URL)', async () => {
    const iam = { ...root, service: 'iam' };
    const form = 'application/x-www-form-urlencoded';
    for (const [rawQuery, user] of [
      ['X-Amz-Content-Sha256=UNSIGNED-PAYLOAD', 'presigned1'],
      ['', 'presigned2'],
    ] as const) {
      const body = `Action=CreateUser&Version=2010-05-08&UserName=${user}`;
      const res = await presignedSend('POST', '/', body, { 'content-type': form }, iam, rawQuery);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body).toContain('<ErrorResponse');
      expect(await userExists(user)).toBe(false);
    }
  });

  it('still accepts calls whose body hash is signed, and reads a signed query string when the body is empty', async () => {
    const created = await iamPost('Action=CreateUser&Version=2010-05-08&UserName=signed1');
    expect(created.status).toBe(200);
    expect(await userExists('signed1')).toBe(true);
    const iam = { ...root, service: 'iam' };
    const query = 'Action=GetUser&Version=2010-05-08&UserName=signed1';
    for (const method of ['POST', 'GET']) {
      const res = await presignedSend(method, '/', '', {}, iam, query);
      expect(res.status).toBe(200);
      expect(res.body).toContain('<UserName>signed1</UserName>');
    }
    const signed = signHeader(
      { method: 'POST', rawPath: '/', rawQuery: query, headers: { host: host() } },
      iam,
      now(),
      sha256(''),
    );
    const viaHeader = await send(server.port, 'POST', `/?${query}`, signed.req.headers);
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body).toContain('<UserName>signed1</UserName>');
  });
});

describe('the credential scope must name this server region and the right service', () => {
  it('refuses S3 requests signed for another region (AuthorizationHeaderMalformed / AuthorizationQueryParametersError with <Region>)', async () => {
    const eu = { ...root, region: 'eu-west-1' };
    const header = await signedSend('GET', '/other/secret', '', {}, eu);
    expect(header.status).toBe(400);
    expect(code(header)).toBe('AuthorizationHeaderMalformed');
    expect(message(header)).toBe(
      "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    );
    expect(header.body).toContain('<Region>us-east-1</Region>');
    expect(header.body).not.toContain('top secret');
    const query = await presignedSend('GET', '/other/secret', '', {}, eu);
    expect(query.status).toBe(400);
    expect(code(query)).toBe('AuthorizationQueryParametersError');
    expect(message(query)).toBe(
      "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    );
    expect(query.body).toContain('<Region>us-east-1</Region>');
    const empty = await signedSend('GET', '/other/secret', '', {}, { ...root, region: '' });
    expect(code(empty)).toBe('AuthorizationHeaderMalformed');
  });

  it('refuses S3 requests signed for service iam or sts', async () => {
    for (const service of ['iam', 'sts']) {
      const header = await signedSend('GET', '/other/secret', '', {}, { ...root, service });
      expect(header.status).toBe(400);
      expect(code(header)).toBe('AuthorizationHeaderMalformed');
      expect(message(header)).toBe(
        `The authorization header is malformed; incorrect service "${service}". This endpoint belongs to "s3".`,
      );
      const query = await presignedSend('GET', '/other/secret', '', {}, { ...root, service });
      expect(code(query)).toBe('AuthorizationQueryParametersError');
      const list = await signedSend('GET', '/', '', {}, { ...root, service });
      expect(list.body).not.toContain('<ListAllMyBucketsResult');
    }
  });

  it('refuses IAM and STS calls signed for another region; STS answers in ours', async () => {
    const res = await iamPost('Action=ListUsers&Version=2010-05-08', undefined, {
      ...root,
      service: 'iam',
      region: 'eu-west-1',
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<ErrorResponse');
    expect(code(res)).toBe('SignatureDoesNotMatch');
    expect(message(res)).toContain("Credential should be scoped to a valid region, not 'eu-west-1'.");
    const sts = await iamPost('Action=GetCallerIdentity&Version=2011-06-15', undefined, {
      ...root,
      service: 'sts',
    });
    expect(sts.status).toBe(200);
    expect(sts.body).toContain('<GetCallerIdentityResult>');
    const stsElsewhere = await iamPost('Action=GetCallerIdentity&Version=2011-06-15', undefined, {
      ...root,
      service: 'sts',
      region: 'eu-west-1',
    });
    expect(code(stsElsewhere)).toBe('SignatureDoesNotMatch');
  });

  it('a server in eu-west-1 wants eu-west-1, but accepts us-east-1 for ListBuckets, GetBucketLocation and IAM', async () => {
    const eu = { ...root, region: 'eu-west-1' };
    const us = root;
    expect((await signedSend('GET', '/eu-bucket/k', '', {}, eu, euServer)).status).toBe(200);
    const wrong = await signedSend('GET', '/eu-bucket/k', '', {}, us, euServer);
    expect(code(wrong)).toBe('AuthorizationHeaderMalformed');
    expect(message(wrong)).toContain("the region 'us-east-1' is wrong; expecting 'eu-west-1'");
    expect(wrong.body).toContain('<Region>eu-west-1</Region>');
    const list = await signedSend('GET', '/', '', {}, us, euServer);
    expect(list.status).toBe(200);
    expect(list.body).toContain('<Name>eu-bucket</Name>');
    const listObjects = await signedSend('GET', '/eu-bucket', '', {}, us, euServer);
    expect(code(listObjects)).toBe('AuthorizationHeaderMalformed');
    const locationQ = presign(
      { method: 'GET', rawPath: '/eu-bucket', rawQuery: 'location=', host: host(euServer) },
      us,
      now(),
      60,
    );
    const loc = await send(euServer.port, 'GET', `/eu-bucket?${locationQ.rawQuery}`, locationQ.headers);
    expect(loc.status).toBe(200);
    expect(loc.body).toContain('eu-west-1');
    for (const region of ['us-east-1', 'eu-west-1']) {
      const iam = { ...root, service: 'iam', region };
      const users = await iamPost('Action=ListUsers&Version=2010-05-08', undefined, iam, euServer);
      expect(users.status).toBe(200);
      expect(users.body).toContain('<ListUsersResult>');
    }
    const other = { ...root, service: 'iam', region: 'ap-south-1' };
    const refused = await iamPost('Action=ListUsers&Version=2010-05-08', undefined, other, euServer);
    expect(code(refused)).toBe('SignatureDoesNotMatch');
    const sdk = s3Client(euServer, { region: 'eu-west-1' });
    const got = await sdk.send(new GetObjectCommand({ Bucket: 'eu-bucket', Key: 'k' }));
    expect(await got.Body!.transformToString()).toBe('eu body');
    sdk.destroy();
  });
});
