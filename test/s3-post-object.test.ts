import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser } from './helpers/browser.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

const DOMAIN = 's3.post.test';
const REGION = 'us-east-1';
const BUCKET = 'uploads';
const PUBLIC = 'drop-box';

let server: RunningServer;
let s3: S3Client;
let user: Keys;

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
const ROOT: Keys = { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD };

type Field = [string, string];
interface FilePart {
  name?: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** A multipart/form-data body written by hand, as a browser writes it. */
function multipart(fields: Field[], file?: FilePart, after: Field[] = []) {
  const boundary = `----TesseraBoundary${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const field = ([name, value]: Field) =>
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  for (const f of fields) field(f);
  if (file !== undefined) {
    const filename = file.filename === undefined ? '' : `; filename="${file.filename}"`;
    const type = file.contentType === undefined ? '' : `Content-Type: ${file.contentType}\r\n`;
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"${filename}\r\n${type}\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  for (const f of after) field(f);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function amzDate(at = new Date()): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function policyOf(conditions: unknown[], expiresInMs = 600_000): string {
  const expiration = new Date(Date.now() + expiresInMs).toISOString();
  return Buffer.from(JSON.stringify({ expiration, conditions })).toString('base64');
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * The SigV4 fields of a form (signed as the AWS docs describe, independently of the server's
 * code): the conditions get the credential fields, as createPresignedPost adds them.
 */
function signedV4(
  conditions: unknown[],
  keys: Keys = ROOT,
  opts: { region?: string; expiresInMs?: number } = {},
) {
  const date = amzDate();
  const region = opts.region ?? REGION;
  const credential = `${keys.accessKeyId}/${date.slice(0, 8)}/${region}/s3/aws4_request`;
  const auth: Field[] = [
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', credential],
    ['x-amz-date', date],
  ];
  if (keys.sessionToken !== undefined) auth.push(['x-amz-security-token', keys.sessionToken]);
  const policy = policyOf([...conditions, ...auth.map(([k, v]) => ({ [k]: v }))], opts.expiresInMs);
  let key = hmac(`AWS4${keys.secretAccessKey}`, date.slice(0, 8));
  for (const part of [region, 's3', 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, policy).toString('hex');
  return [...auth, ['policy', policy], ['x-amz-signature', signature]] as Field[];
}

function signedV2(conditions: unknown[], keys: Keys = ROOT): Field[] {
  const policy = policyOf(conditions);
  const signature = createHmac('sha1', keys.secretAccessKey).update(policy).digest('base64');
  return [
    ['AWSAccessKeyId', keys.accessKeyId],
    ['policy', policy],
    ['signature', signature],
  ];
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a POST to the server (Host as given: path or virtual-host style). */
function send(path: string, form: { body: Buffer; contentType: string }, host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path,
        headers: {
          'content-type': form.contentType,
          'content-length': form.body.length,
          host: host ?? `127.0.0.1:${server.port}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(form.body);
  });
}

function errorOf(a: Answer): { code?: string; message?: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(a.body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/
    .exec(a.body)?.[1]
    ?.replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
  return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
}

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

async function read(bucket: string, key: string) {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { got, bytes: Buffer.from(await got.Body!.transformToByteArray()) };
}

/** Files under the blob store: a failed upload must leave none of its own behind. */
function blobFiles(): number {
  const root = join(server.dataDir, 'blobs');
  let n = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else n++;
    }
  };
  try {
    walk(root);
  } catch {
    return 0;
  }
  return n;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const file = (text: string, extra: Partial<FilePart> = {}): FilePart => ({
  filename: 'hello.txt',
  contentType: 'text/plain',
  data: Buffer.from(text),
  ...extra,
});

beforeAll(async () => {
  server = await startServer({ workers: 1, env: { TESSERA_DOMAIN: DOMAIN, TESSERA_LOG_REQUESTS: 'on' } });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: PUBLIC }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: PUBLIC,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${PUBLIC}/*` },
        ],
      }),
    }),
  );
  const iam = new IAMClient({ endpoint: server.endpoint, region: REGION, credentials: ROOT });
  await iam.send(new CreateUserCommand({ UserName: 'poster' }));
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'poster-uploads',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:PutObject', 'sts:AssumeRole'], Resource: '*' },
          { Effect: 'Deny', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/private/*` },
        ],
      }),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: 'poster', PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'poster' }));
  user = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  iam.destroy();
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

describe('POST Object (browser uploads)', () => {
  it('stores a SigV4-signed upload with its fields as headers, metadata and tags; 204 by default', async () => {
    const data = Buffer.from('hello from a form\n');
    const conditions = [
      { bucket: BUCKET },
      ['starts-with', '$key', 'user/eric/'],
      ['starts-with', '$Content-Type', 'text/'],
      { 'x-amz-meta-origin': 'form' },
      ['eq', '$Cache-Control', 'max-age=60'],
      ['starts-with', '$tagging', ''],
    ];
    const tagging = '<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag></TagSet></Tagging>';
    const form = multipart(
      [
        ['key', 'user/eric/${filename}'],
        ['Content-Type', 'text/plain;charset=utf-8'],
        ['X-Amz-Meta-Origin', 'form'],
        ['Cache-Control', 'max-age=60'],
        ['tagging', tagging],
        ['x-ignore-tracker', 'anything'],
        ...signedV4(conditions),
      ],
      { filename: 'C:\\Users\\eric\\notes.txt', contentType: 'application/octet-stream', data },
    );
    const res = await send(`/${BUCKET}`, form);
    expect(res.status, res.body).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers.etag).toBe(`"${md5(data)}"`);
    expect(res.headers.location).toBe(`http://127.0.0.1:${server.port}/${BUCKET}/user%2Feric%2Fnotes.txt`);
    const { got, bytes } = await read(BUCKET, 'user/eric/notes.txt');
    expect(bytes.equals(data)).toBe(true);
    expect(got.ContentType).toBe('text/plain;charset=utf-8');
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.Metadata).toEqual({ origin: 'form' });
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'user/eric/notes.txt' }));
    expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'blue' }]);
    await new Promise((r) => setTimeout(r, 100));
    const event = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{"version":1') && l.includes('"PostObject"'))
      .map((l) => JSON.parse(l) as { status: number; auth: { kind?: string; accessKey?: string } })
      .find((e) => e.status === 204);
    expect(event?.auth).toMatchObject({ kind: 'post-policy', accessKey: ROOT_USER });
  });

  it('answers success_action_status 201 with a PostResponse, 200 empty, and redirects with 303', async () => {
    const data = Buffer.from('status codes');
    const conditions = (extra: unknown[]) => [
      { bucket: BUCKET },
      ['starts-with', '$key', 'status/'],
      ...extra,
    ];
    const created = await send(
      `/${BUCKET}`,
      multipart(
        [
          ['key', 'status/a b.txt'],
          ['success_action_status', '201'],
          ...signedV4(conditions([{ success_action_status: '201' }])),
        ],
        file('status codes'),
      ),
    );
    expect(created.status).toBe(201);
    const location = `http://127.0.0.1:${server.port}/${BUCKET}/status%2Fa%20b.txt`;
    expect(created.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>' +
        `<Location>${location}</Location><Bucket>${BUCKET}</Bucket><Key>status/a b.txt</Key>` +
        `<ETag>"${md5(data)}"</ETag></PostResponse>`,
    );
    expect(created.headers.location).toBe(location);
    const ok = await send(
      `/${BUCKET}`,
      multipart(
        [
          ['key', 'status/200'],
          ['success_action_status', '200'],
          ...signedV4(conditions([{ success_action_status: '200' }])),
        ],
        file('x'),
      ),
    );
    expect([ok.status, ok.body]).toEqual([200, '']);
    const redirect = 'https://app.example/done?from=form';
    const moved = await send(
      `/${BUCKET}`,
      multipart(
        [
          ['key', 'status/redirected'],
          ['success_action_redirect', redirect],
          ...signedV4(conditions([['starts-with', '$success_action_redirect', 'https://app.example/']])),
        ],
        file('status codes'),
      ),
    );
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe(
      `${redirect}&bucket=${BUCKET}&key=status%2Fredirected&etag=%22${md5(data)}%22`,
    );
    expect(await exists(BUCKET, 'status/redirected')).toBe(true);
  });

  it('takes SigV2 forms, virtual-host style, and temporary credentials with their token', async () => {
    const v2 = await send(
      `/${BUCKET}`,
      multipart(
        [['key', 'v2/one'], ...signedV2([{ bucket: BUCKET }, { key: 'v2/one' }])],
        file('signed with v2'),
        // Fields after the file are ignored: no condition needs to name this one.
        [['x-amz-meta-late', 'ignored']],
      ),
    );
    expect(v2.status, v2.body).toBe(204);
    const v2Object = await read(BUCKET, 'v2/one');
    expect(v2Object.bytes.toString()).toBe('signed with v2');
    expect(v2Object.got.Metadata).toEqual({});

    const vhost = await send(
      '/',
      multipart(
        [['key', 'vhost/one'], ...signedV4([{ bucket: BUCKET }, { key: 'vhost/one' }])],
        file('vhost'),
      ),
      `${BUCKET}.${DOMAIN}:${server.port}`,
    );
    expect(vhost.status, vhost.body).toBe(204);
    expect(vhost.headers.location).toBe(`http://${BUCKET}.${DOMAIN}:${server.port}/vhost%2Fone`);
    expect((await read(BUCKET, 'vhost/one')).bytes.toString()).toBe('vhost');

    const sts = new STSClient({ endpoint: server.endpoint, region: REGION, credentials: user });
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/any', RoleSessionName: 'browser' }),
    );
    sts.destroy();
    const temp: Keys = {
      accessKeyId: c!.AccessKeyId!,
      secretAccessKey: c!.SecretAccessKey!,
      sessionToken: c!.SessionToken!,
    };
    const session = await send(
      `/${BUCKET}`,
      multipart(
        [['key', 'sts/one'], ...signedV4([{ bucket: BUCKET }, { key: 'sts/one' }], temp)],
        file('temporary'),
      ),
    );
    expect(session.status, session.body).toBe(204);
    // The same form without its token: as for a header-signed request, a temporary key is known
    // only with its token.
    const fields = signedV4([{ bucket: BUCKET }, { key: 'sts/two' }], temp).filter(
      ([n]) => n !== 'x-amz-security-token',
    );
    const noToken = await send(`/${BUCKET}`, multipart([['key', 'sts/two'], ...fields], file('x')));
    expect([noToken.status, errorOf(noToken).code]).toEqual([403, 'InvalidAccessKeyId']);
  });

  it('authorizes as s3:PutObject on the key for the form’s principal, anonymous by the bucket policy', async () => {
    const allowed = await send(
      `/${BUCKET}`,
      multipart(
        [['key', 'shared/x'], ...signedV4([{ bucket: BUCKET }, { key: 'shared/x' }], user)],
        file('user'),
      ),
    );
    expect(allowed.status, allowed.body).toBe(204);
    const denied = await send(
      `/${BUCKET}`,
      multipart(
        [['key', 'private/x'], ...signedV4([{ bucket: BUCKET }, { key: 'private/x' }], user)],
        file('user'),
      ),
    );
    expect([denied.status, errorOf(denied).code]).toEqual([403, 'AccessDenied']);
    expect(await exists(BUCKET, 'private/x')).toBe(false);

    const anonymous = await send(
      `/${PUBLIC}`,
      multipart([['key', 'anon/${filename}']], file('anonymous', { filename: 'a.txt' })),
    );
    expect(anonymous.status, anonymous.body).toBe(204);
    expect((await read(PUBLIC, 'anon/a.txt')).bytes.toString()).toBe('anonymous');
    const privateBucket = await send(`/${BUCKET}`, multipart([['key', 'anon/x']], file('anonymous')));
    expect([privateBucket.status, errorOf(privateBucket).code]).toEqual([403, 'AccessDenied']);
    expect(await exists(BUCKET, 'anon/x')).toBe(false);
  });

  it('refuses bad signatures, unknown keys, expired or failed policies and extra fields (403)', async () => {
    const base = [{ bucket: BUCKET }, { key: 'refused' }];
    const cases: [Field[], string, string | undefined][] = [
      [
        signedV4(base).map(
          ([n, v]): Field => [
            n,
            n === 'x-amz-signature' ? v.replace(/^./, (c) => (c === '0' ? '1' : '0')) : v,
          ],
        ),
        'SignatureDoesNotMatch',
        undefined,
      ],
      [signedV4(base, { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'x' }), 'InvalidAccessKeyId', undefined],
      [
        signedV4(base, ROOT, { expiresInMs: -1000 }),
        'AccessDenied',
        'Invalid according to Policy: Policy expired.',
      ],
      [
        signedV4([{ bucket: BUCKET }, ['starts-with', '$key', 'user/']]),
        'AccessDenied',
        'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]',
      ],
      [
        [['X-Amz-Meta-Extra', '1'], ...signedV4(base)],
        'AccessDenied',
        'Invalid according to Policy: Extra input fields: X-Amz-Meta-Extra',
      ],
      [
        signedV2([{ bucket: 'another' }, { key: 'refused' }]),
        'AccessDenied',
        'Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "another"]',
      ],
    ];
    for (const [fields, code, message] of cases) {
      const res = await send(`/${BUCKET}`, multipart([['key', 'refused'], ...fields], file('no')));
      expect([res.status, errorOf(res).code], res.body).toEqual([403, code]);
      if (message !== undefined) expect(errorOf(res).message).toBe(message);
    }
    expect(await exists(BUCKET, 'refused')).toBe(false);
  });

  it('answers malformed forms and policies with S3’s 400s', async () => {
    const fields = signedV4([{ bucket: BUCKET }, { key: 'bad' }]);
    const missingKey = await send(`/${BUCKET}`, multipart(fields, file('x'), [['key', 'bad']]));
    expect([missingKey.status, errorOf(missingKey)]).toEqual([
      400,
      {
        code: 'InvalidArgument',
        message:
          "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      },
    ]);
    const noFile = await send(`/${BUCKET}`, multipart([['key', 'bad'], ...fields]));
    expect([noFile.status, errorOf(noFile)]).toEqual([
      400,
      { code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' },
    ]);
    const noSignature = await send(
      `/${BUCKET}`,
      multipart([['key', 'bad'], ...fields.filter(([n]) => n !== 'x-amz-signature')], file('x')),
    );
    expect(errorOf(noSignature).message).toBe(
      "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.",
    );
    const region = await send(
      `/${BUCKET}`,
      multipart(
        [['key', 'bad'], ...signedV4([{ bucket: BUCKET }, { key: 'bad' }], ROOT, { region: 'eu-west-1' })],
        file('x'),
      ),
    );
    expect([region.status, errorOf(region)]).toEqual([
      400,
      { code: 'InvalidArgument', message: "the region 'eu-west-1' is wrong; expecting 'us-east-1'" },
    ]);
    // A policy that is not JSON, signed as it is: the signature holds, the document does not.
    const notJson = Buffer.from('{"expiration": ').toString('base64');
    const signed = signedV2([]).map(([n, v]): Field => [n, v]);
    signed[1] = ['policy', notJson];
    signed[2] = ['signature', createHmac('sha1', ROOT_PASSWORD).update(notJson).digest('base64')];
    const badPolicy = await send(`/${BUCKET}`, multipart([['key', 'bad'], ...signed], file('x')));
    expect([badPolicy.status, errorOf(badPolicy)]).toEqual([
      400,
      { code: 'InvalidPolicyDocument', message: 'Invalid Policy: Invalid JSON.' },
    ]);
    const form = multipart([['key', 'bad'], ...fields], file('x'));
    const cut = await send(`/${BUCKET}`, { ...form, body: form.body.subarray(0, form.body.length - 30) });
    expect([cut.status, errorOf(cut).code]).toEqual([400, 'MalformedPOSTRequest']);
    const noBoundary = await send(`/${BUCKET}`, { body: form.body, contentType: 'multipart/form-data' });
    expect([noBoundary.status, errorOf(noBoundary)]).toEqual([
      400,
      {
        code: 'MalformedPOSTRequest',
        message: 'The body of your POST request is not well-formed multipart/form-data.',
      },
    ]);
    const notForm = await send(`/${BUCKET}`, {
      body: Buffer.from('key=bad'),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect([notForm.status, errorOf(notForm).code]).toEqual([412, 'PreconditionFailed']);
    const big = await send(
      `/${BUCKET}`,
      multipart([['key', 'bad'], ['x-ignore-pad', 'p'.repeat(21 * 1024)], ...fields], file('x')),
    );
    expect([big.status, errorOf(big).code]).toEqual([400, 'MaxPostPreDataLengthExceeded']);
    expect(await exists(BUCKET, 'bad')).toBe(false);
  });

  it('enforces content-length-range while the file streams, leaving nothing behind', async () => {
    const range = (key: string) => signedV4([{ bucket: BUCKET }, { key }, ['content-length-range', 5, 1024]]);
    const small = await send(
      `/${BUCKET}`,
      multipart([['key', 'len/small'], ...range('len/small')], file('1234')),
    );
    expect([small.status, errorOf(small)]).toEqual([
      400,
      { code: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed size' },
    ]);
    const edge = await send(
      `/${BUCKET}`,
      multipart([['key', 'len/edge'], ...range('len/edge')], file('x'.repeat(1024))),
    );
    expect(edge.status).toBe(204);
    const blobsBefore = blobFiles();
    // The body never ends: the answer must come while the file is still streaming.
    const { body, contentType } = multipart([['key', 'len/large'], ...range('len/large')], file(''));
    const head = body.subarray(0, body.indexOf('\r\n\r\n', body.indexOf('name="file"')) + 4);
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: `/${BUCKET}`,
          headers: { 'content-type': contentType },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode!, headers: res.headers, body: text });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.write(head);
      for (let i = 0; i < 4; i++) req.write(Buffer.alloc(1024, 0x61));
    });
    expect([answer.status, errorOf(answer)]).toEqual([
      400,
      { code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' },
    ]);
    expect(answer.body).toContain('<MaxSizeAllowed>1024</MaxSizeAllowed>');
    expect(await exists(BUCKET, 'len/large')).toBe(false);
    expect(await exists(BUCKET, 'len/small')).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(blobFiles()).toBe(blobsBefore);
  });

  it('reads the ignored rest of the body, so a kept-alive connection serves the next form', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const post = (key: string, after: Field[]) =>
      new Promise<number>((resolve, reject) => {
        const form = multipart([['key', key], ...signedV4([{ bucket: BUCKET }, { key }])], file(key), after);
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port: server.port,
            method: 'POST',
            path: `/${BUCKET}`,
            agent,
            headers: { 'content-type': form.contentType, 'content-length': form.body.length },
          },
          (res) => {
            sockets.add(res.socket);
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        req.end(form.body);
      });
    const trailing: Field[] = [
      ['submit', 'Upload'],
      ['x-pad', 'z'.repeat(200_000)],
    ];
    expect(await post('alive/one', trailing)).toBe(204);
    expect(await post('alive/two', trailing)).toBe(204);
    agent.destroy();
    expect(sockets.size).toBe(1);
    expect((await read(BUCKET, 'alive/two')).bytes.toString()).toBe('alive/two');
  });

  it('accepts what @aws-sdk/s3-presigned-post builds, posted with fetch and FormData', async () => {
    const { url, fields } = await createPresignedPost(s3, {
      Bucket: BUCKET,
      Key: 'sdk/${filename}',
      Conditions: [
        ['content-length-range', 1, 1024],
        ['starts-with', '$Content-Type', 'text/'],
      ],
      Fields: { 'Content-Type': 'text/csv', success_action_status: '201' },
      Expires: 60,
    });
    expect(url).toBe(`${server.endpoint}/${BUCKET}`);
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('file', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'table.csv');
    const res = await fetch(url, { method: 'POST', body });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    expect(text).toContain('<Key>sdk/table.csv</Key>');
    const { got, bytes } = await read(BUCKET, 'sdk/table.csv');
    expect(bytes.toString()).toBe('a,b\n1,2\n');
    expect(got.ContentType).toBe('text/csv');
  });
});

// Debian's Chromium (.ci/run installs it); outside CI a machine without it skips this one test.

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== 'true')('POST Object from a real browser', () => {
  let page: Server;
  let pageUrl = '';
  let html = '';

  beforeAll(async () => {
    page = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(req.url?.startsWith('/done') ? '<html><body><p id="done">uploaded</p></body></html>' : html);
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => page?.close(r));
  });

  it('submits an HTML form with a file input in headless Chromium; the object arrives byte for byte', async () => {
    const redirect = `${pageUrl}/done`;
    const fields: Field[] = [
      ['key', 'browser/${filename}'],
      ['success_action_redirect', redirect],
      ...signedV4([
        { bucket: BUCKET },
        ['starts-with', '$key', 'browser/'],
        { success_action_redirect: redirect },
        ['content-length-range', 0, 1024 * 1024],
      ]),
    ];
    const attr = (v: string) => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
    html =
      `<html><body><form id="f" action="${server.endpoint}/${BUCKET}" method="post" enctype="multipart/form-data">` +
      fields.map(([n, v]) => `<input type="hidden" name="${attr(n)}" value="${attr(v)}">`).join('') +
      '<input type="file" name="file" id="file"><button type="submit" id="go">Upload</button></form></body></html>';
    const data = Buffer.alloc(200_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 8)) & 0xff;
    const { context, close } = await launchBrowser();
    try {
      const tab = await context.newPage();
      await tab.goto(pageUrl);
      await tab.setInputFiles('#file', {
        name: 'photo.bin',
        mimeType: 'application/octet-stream',
        buffer: data,
      });
      await Promise.all([tab.waitForURL(`${redirect}?**`), tab.click('#go')]);
      const landed = new URL(tab.url());
      expect(landed.searchParams.get('bucket')).toBe(BUCKET);
      expect(landed.searchParams.get('key')).toBe('browser/photo.bin');
      expect(landed.searchParams.get('etag')).toBe(`"${md5(data)}"`);
      expect(await tab.textContent('#done')).toBe('uploaded');
    } finally {
      await close();
    }
    const { bytes } = await read(BUCKET, 'browser/photo.bin');
    expect(bytes.equals(data)).toBe(true);
  }, 30_000);
});
