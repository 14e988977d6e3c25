import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CORSRule,
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliJson } from './helpers/aws-cli.js';
import { errorCode, type RawResponse, rawRequest } from './helpers/raw.js';
import { type RunningServer, s3Client, startServer } from './helpers/server.js';

const DOMAIN = 's3.cors.test';
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

let server: RunningServer;
let s3: S3Client;
let work: string;

/** The bucket every preflight and actual-request test uses, and its rules. */
const SITE = 'cors-site';
const SITE_RULES: CORSRule[] = [
  {
    ID: 'app',
    AllowedOrigins: ['https://app.example.org', 'http://*.example.com'],
    AllowedMethods: ['GET', 'PUT', 'HEAD'],
    AllowedHeaders: ['Content-Type', 'x-amz-*'],
    ExposeHeaders: ['ETag', 'x-amz-request-id'],
    MaxAgeSeconds: 600,
  },
  { ID: 'public', AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
];

beforeAll(async () => {
  server = await startServer({ env: { TESSERA_DOMAIN: DOMAIN } });
  s3 = s3Client(server);
  work = mkdtempSync(join(tmpdir(), 'tessera-cors-'));
  await s3.send(new CreateBucketCommand({ Bucket: SITE }));
  await s3.send(new CreateBucketCommand({ Bucket: 'cors-plain' }));
  await s3.send(new PutBucketCorsCommand({ Bucket: SITE, CORSConfiguration: { CORSRules: SITE_RULES } }));
  await s3.send(new PutObjectCommand({ Bucket: SITE, Key: 'page.html', Body: '<p>hi</p>' }));
  await s3.send(new PutObjectCommand({ Bucket: 'cors-plain', Key: 'page.html', Body: 'x' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function failure(
  p: Promise<unknown>,
): Promise<{ code: string; status: number; message: string } | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (!(e instanceof S3ServiceException)) throw e;
    return { code: e.name, status: e.$metadata.httpStatusCode ?? 0, message: e.message };
  }
}

const message = (res: RawResponse) =>
  /<Message>([^<]*)<\/Message>/.exec(res.body)?.[1]?.replace(/&apos;/g, "'");
const tag = (res: RawResponse, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(res.body)?.[1];

/** The CORS headers of a response (lower-case names). */
function corsOf(res: RawResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers))
    if (k.startsWith('access-control-') || k === 'vary') out[k] = String(v);
  return out;
}

function options(path: string, headers: Record<string, string>, host?: string): Promise<RawResponse> {
  return rawRequest(server.port, {
    method: 'OPTIONS',
    path,
    unsigned: true,
    headers: host === undefined ? headers : { ...headers, host },
  });
}

describe('Put/Get/DeleteBucketCors with the AWS SDK', () => {
  it('stores, gives back and deletes the configuration', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cors-crud' }));
    expect(await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-crud' })))).toEqual({
      code: 'NoSuchCORSConfiguration',
      status: 404,
      message: 'The CORS configuration does not exist',
    });
    await s3.send(
      new PutBucketCorsCommand({ Bucket: 'cors-crud', CORSConfiguration: { CORSRules: SITE_RULES } }),
    );
    const got = await s3.send(new GetBucketCorsCommand({ Bucket: 'cors-crud' }));
    expect(got.CORSRules).toEqual(SITE_RULES);
    const del = await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cors-crud' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect((await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-crud' }))))?.code).toBe(
      'NoSuchCORSConfiguration',
    );
    // Deleting again is still 204, as S3 answers.
    expect(
      (await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cors-crud' }))).$metadata.httpStatusCode,
    ).toBe(204);
  });

  it('answers NoSuchBucket for a bucket that does not exist', async () => {
    expect((await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-none' }))))?.code).toBe(
      'NoSuchBucket',
    );
    expect(
      (
        await failure(
          s3.send(
            new PutBucketCorsCommand({ Bucket: 'cors-none', CORSConfiguration: { CORSRules: SITE_RULES } }),
          ),
        )
      )?.code,
    ).toBe('NoSuchBucket');
  });

  it.each<[string, CORSRule[], string, string | RegExp]>([
    [
      'an unsupported method',
      [{ AllowedOrigins: ['*'], AllowedMethods: ['GET', 'PATCH'] }],
      'InvalidRequest',
      'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    ],
    [
      'two wildcards in an origin',
      [{ AllowedOrigins: ['http://*.*.com'], AllowedMethods: ['GET'] }],
      'InvalidRequest',
      'AllowedOrigin "http://*.*.com" can not have more than one wildcard.',
    ],
    [
      'two wildcards in a header',
      [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['x-*-*'] }],
      'InvalidRequest',
      'AllowedHeader "x-*-*" can not have more than one wildcard.',
    ],
    ['no rule', [], 'MalformedXML', /not well-formed/],
    [
      '101 rules',
      Array.from({ length: 101 }, () => ({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] })),
      'MalformedXML',
      /not well-formed/,
    ],
    [
      'a rule without an origin',
      [{ AllowedOrigins: [], AllowedMethods: ['GET'] }],
      'MalformedXML',
      /not well-formed/,
    ],
    [
      'an ID of 256 characters',
      [{ ID: 'i'.repeat(256), AllowedOrigins: ['*'], AllowedMethods: ['GET'] }],
      'MalformedXML',
      /not well-formed/,
    ],
  ])('refuses %s', async (_, rules, code, text) => {
    const got = await failure(
      s3.send(new PutBucketCorsCommand({ Bucket: 'cors-plain', CORSConfiguration: { CORSRules: rules } })),
    );
    expect(got?.code).toBe(code);
    expect(got?.status).toBe(400);
    expect(got?.message).toMatch(text);
    expect((await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-plain' }))))?.code).toBe(
      'NoSuchCORSConfiguration',
    );
  });

  const XML =
    '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';

  it('requires Content-MD5 or a checksum, and verifies it', async () => {
    const missing = await rawRequest(server.port, {
      method: 'PUT',
      path: '/cors-plain',
      query: { cors: '' },
      body: XML,
    });
    expect(missing.status).toBe(400);
    expect(errorCode(missing)).toBe('InvalidRequest');
    expect(message(missing)).toBe('Missing required header for this request: Content-MD5');
    const wrong = await rawRequest(server.port, {
      method: 'PUT',
      path: '/cors-plain',
      query: { cors: '' },
      body: XML,
      headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
    });
    expect(errorCode(wrong)).toBe('BadDigest');
    const malformed = await rawRequest(server.port, {
      method: 'PUT',
      path: '/cors-plain',
      query: { cors: '' },
      body: '<CORSConfiguration><CORSRule>',
      headers: { 'content-md5': createHash('md5').update('<CORSConfiguration><CORSRule>').digest('base64') },
    });
    expect(errorCode(malformed)).toBe('MalformedXML');
  });

  it('refuses anonymous callers', async () => {
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: `/${SITE}`,
      query: { cors: '' },
      unsigned: true,
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('AccessDenied');
  });
});

describe('the aws CLI', () => {
  it('put-bucket-cors and get-bucket-cors', async () => {
    await awsCli(server.endpoint, ['s3api', 'create-bucket', '--bucket', 'cors-cli']);
    const config = {
      CORSRules: [
        {
          AllowedOrigins: ['https://cli.example.com'],
          AllowedMethods: ['PUT', 'POST', 'DELETE'],
          AllowedHeaders: ['*'],
          ExposeHeaders: ['x-amz-server-side-encryption'],
          MaxAgeSeconds: 3000,
        },
        { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
      ],
    };
    const file = join(work, 'cors.json');
    writeFileSync(file, JSON.stringify(config));
    await awsCli(server.endpoint, [
      's3api',
      'put-bucket-cors',
      '--bucket',
      'cors-cli',
      '--cors-configuration',
      `file://${file}`,
    ]);
    expect(await awsCliJson(server.endpoint, ['s3api', 'get-bucket-cors', '--bucket', 'cors-cli'])).toEqual(
      config,
    );
    await awsCli(server.endpoint, ['s3api', 'delete-bucket-cors', '--bucket', 'cors-cli']);
    expect((await failure(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-cli' }))))?.code).toBe(
      'NoSuchCORSConfiguration',
    );
  });
});

describe('preflight (OPTIONS, unsigned)', () => {
  it('needs an Origin', async () => {
    const res = await options(`/${SITE}/page.html`, { 'access-control-request-method': 'GET' });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BadRequest');
    expect(message(res)).toBe('Insufficient information. Origin request header needed.');
  });

  it('answers 403 for a bucket that does not exist', async () => {
    const res = await options('/cors-missing/key', {
      origin: 'https://a.test',
      'access-control-request-method': 'PUT',
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('AccessForbidden');
    expect(message(res)).toBe('CORSResponse: Bucket not found');
    expect([tag(res, 'Method'), tag(res, 'ResourceType')]).toEqual(['PUT', 'BUCKET']);
  });

  it('answers 403 for a bucket without a configuration', async () => {
    const res = await options('/cors-plain/page.html', {
      origin: 'https://a.test',
      'access-control-request-method': 'GET',
    });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('AccessForbidden');
    expect(message(res)).toBe('CORSResponse: CORS is not enabled for this bucket.');
    expect(corsOf(res)).toEqual({});
  });

  it('needs a valid Access-Control-Request-Method', async () => {
    const none = await options(`/${SITE}/page.html`, { origin: 'https://app.example.org' });
    expect(none.status).toBe(400);
    expect(errorCode(none)).toBe('BadRequest');
    expect(message(none)).toBe('Invalid Access-Control-Request-Method: null');
    const patch = await options(`/${SITE}`, {
      origin: 'https://app.example.org',
      'access-control-request-method': 'PATCH',
    });
    expect(message(patch)).toBe('Invalid Access-Control-Request-Method: PATCH');
  });

  it.each<[string, Record<string, string>]>([
    [
      'an origin no rule allows for the method',
      { origin: 'https://other.test', 'access-control-request-method': 'PUT' },
    ],
    [
      'an origin in another case',
      { origin: 'https://APP.example.org', 'access-control-request-method': 'PUT' },
    ],
    [
      'a method no rule allows',
      { origin: 'https://app.example.org', 'access-control-request-method': 'DELETE' },
    ],
    [
      'a header no rule allows',
      {
        origin: 'https://app.example.org',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type, authorization',
      },
    ],
    [
      'a header for a rule without AllowedHeader',
      {
        origin: 'https://other.test',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'range',
      },
    ],
  ])('answers 403 for %s', async (_, headers) => {
    const res = await options(`/${SITE}/page.html`, headers);
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('AccessForbidden');
    expect(message(res)).toBe(NOT_ALLOWED);
    expect([tag(res, 'Method'), tag(res, 'ResourceType')]).toEqual([
      headers['access-control-request-method'],
      'OBJECT',
    ]);
  });

  it('answers a match with the rule, the requested headers lower-cased', async () => {
    const res = await options(`/${SITE}/page.html`, {
      origin: 'https://app.example.org',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'Content-Type,X-Amz-Date , x-amz-meta-Owner',
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(corsOf(res)).toEqual({
      'access-control-allow-origin': 'https://app.example.org',
      'access-control-allow-methods': 'GET, PUT, HEAD',
      'access-control-allow-headers': 'content-type, x-amz-date, x-amz-meta-owner',
      'access-control-expose-headers': 'ETag, x-amz-request-id',
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
      vary: VARY,
    });
  });

  it('matches a wildcard origin, on the bucket and on a key that does not exist', async () => {
    for (const path of [`/${SITE}`, `/${SITE}/no/such/key`]) {
      const res = await options(path, {
        origin: 'http://www.example.com',
        'access-control-request-method': 'HEAD',
      });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('http://www.example.com');
    }
    const apex = await options(`/${SITE}`, {
      origin: 'http://example.com',
      'access-control-request-method': 'HEAD',
    });
    expect(apex.status).toBe(403);
  });

  it('answers * without credentials for a rule that allows every origin', async () => {
    const res = await options(`/${SITE}/page.html`, {
      origin: 'https://anyone.test',
      'access-control-request-method': 'GET',
    });
    expect(res.status).toBe(200);
    expect(corsOf(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      vary: VARY,
    });
  });

  it('answers in virtual-host style', async () => {
    const host = `${SITE}.${DOMAIN}:${server.port}`;
    const ok = await options(
      '/page.html',
      { origin: 'https://app.example.org', 'access-control-request-method': 'PUT' },
      host,
    );
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.org');
    const bucketLevel = await options(
      '/',
      { origin: 'https://other.test', 'access-control-request-method': 'PUT' },
      host,
    );
    expect(bucketLevel.status).toBe(403);
    expect(tag(bucketLevel, 'ResourceType')).toBe('BUCKET');
  });

  it('ignores credentials: a bad signature does not matter', async () => {
    const res = await options(`/${SITE}/page.html`, {
      origin: 'https://app.example.org',
      'access-control-request-method': 'GET',
      authorization:
        'AWS4-HMAC-SHA256 Credential=nobody/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00',
    });
    expect(res.status).toBe(200);
  });
});

describe('actual requests with an Origin', () => {
  const APP = 'https://app.example.org';
  const appHeaders = {
    'access-control-allow-origin': APP,
    'access-control-allow-methods': 'GET, PUT, HEAD',
    'access-control-expose-headers': 'ETag, x-amz-request-id',
    'access-control-max-age': '600',
    'access-control-allow-credentials': 'true',
    vary: VARY,
  };

  it('GET, HEAD and PUT carry the first matching rule', async () => {
    const get = await rawRequest(server.port, {
      method: 'GET',
      path: `/${SITE}/page.html`,
      headers: { origin: APP },
    });
    expect(get.status).toBe(200);
    expect(get.body).toBe('<p>hi</p>');
    expect(corsOf(get)).toEqual(appHeaders);
    const head = await rawRequest(server.port, {
      method: 'HEAD',
      path: `/${SITE}/page.html`,
      headers: { origin: APP },
    });
    expect(head.status).toBe(200);
    expect(corsOf(head)).toEqual(appHeaders);
    const put = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${SITE}/upload.txt`,
      headers: { origin: 'http://shop.example.com' },
      body: 'uploaded',
    });
    expect(put.status).toBe(200);
    expect(corsOf(put)).toEqual({ ...appHeaders, 'access-control-allow-origin': 'http://shop.example.com' });
  });

  it('error answers carry them too: 404, 403 and a bad signature', async () => {
    const missing = await rawRequest(server.port, {
      method: 'GET',
      path: `/${SITE}/nope`,
      headers: { origin: APP },
    });
    expect(missing.status).toBe(404);
    expect(corsOf(missing)).toEqual(appHeaders);
    const headMissing = await rawRequest(server.port, {
      method: 'HEAD',
      path: `/${SITE}/nope`,
      headers: { origin: APP },
    });
    expect(headMissing.status).toBe(404);
    expect(corsOf(headMissing)).toEqual(appHeaders);
    const vhost = await rawRequest(server.port, {
      method: 'GET',
      path: '/nope',
      headers: { origin: APP, host: `${SITE}.${DOMAIN}:${server.port}` },
      unsigned: true,
    });
    expect(vhost.status).toBe(403);
    expect(corsOf(vhost)).toEqual(appHeaders);
    const anonymous = await rawRequest(server.port, {
      method: 'GET',
      path: `/${SITE}/page.html`,
      unsigned: true,
      headers: { origin: APP },
    });
    expect(anonymous.status).toBe(403);
    expect(corsOf(anonymous)).toEqual(appHeaders);
    const forged = await rawRequest(server.port, {
      method: 'GET',
      path: `/${SITE}/page.html`,
      headers: { origin: APP },
      credentials: { accessKeyId: 'tessera-test-root', secretAccessKey: 'not-the-secret' },
    });
    expect(errorCode(forged)).toBe('SignatureDoesNotMatch');
    expect(corsOf(forged)).toEqual(appHeaders);
  });

  it('a presigned GET carries them', async () => {
    const url = new URL(
      await getSignedUrl(s3, new GetObjectCommand({ Bucket: SITE, Key: 'page.html' }), { expiresIn: 300 }),
    );
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      unsigned: true,
      headers: { origin: 'https://elsewhere.test' },
    });
    expect(res.status).toBe(200);
    expect(corsOf(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET',
      vary: VARY,
    });
  });

  it('no rule, no configuration or no Origin: no CORS headers', async () => {
    const noMatch = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${SITE}/other.txt`,
      headers: { origin: 'https://other.test' },
      body: 'x',
    });
    expect(noMatch.status).toBe(200);
    expect(corsOf(noMatch)).toEqual({});
    const plain = await rawRequest(server.port, {
      method: 'GET',
      path: '/cors-plain/page.html',
      headers: { origin: APP },
    });
    expect(plain.status).toBe(200);
    expect(corsOf(plain)).toEqual({});
    const noOrigin = await rawRequest(server.port, { method: 'GET', path: `/${SITE}/page.html` });
    expect(corsOf(noOrigin)).toEqual({});
  });

  it('matches on Access-Control-Request-Method when the request has one, as S3 does', async () => {
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: `/${SITE}/page.html`,
      headers: { origin: 'https://other.test', 'access-control-request-method': 'PUT' },
    });
    expect(res.status).toBe(200);
    expect(corsOf(res)).toEqual({});
  });
});
