import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumBase64 } from '../src/core/index.js';
import { errorCode, type RawRequest, rawRequest, signer } from './helpers/raw.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let root: S3Client;
let iam: IAMClient;
const B = 'sec';

const md5 = (body: string | Buffer) => createHash('md5').update(body).digest('base64');
const deleteBody = (...keys: string[]) =>
  `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;

async function put(key: string, body = 'data'): Promise<void> {
  await root.send(new PutObjectCommand({ Bucket: B, Key: key, Body: body }));
}

async function exists(key: string): Promise<boolean> {
  return root.send(new HeadObjectCommand({ Bucket: B, Key: key })).then(
    () => true,
    () => false,
  );
}

/** A request sent with UNSIGNED-PAYLOAD: the signature covers no byte of the body. */
function unsigned(r: RawRequest) {
  return rawRequest(server.port, { payloadHash: 'UNSIGNED-PAYLOAD', ...r });
}

function message(body: string): string | undefined {
  return /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
}

async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'allow',
    (e: unknown) => {
      if (!(e instanceof S3ServiceException)) return String(e);
      // A HEAD has no error body: its 403 is the denial.
      return e.name === 'AccessDenied' || e.$metadata.httpStatusCode === 403 ? 'deny' : e.name;
    },
  );
}

/**
 * Sends a signed PUT whose header block is written byte for byte (each character of a value is
 * one byte, as node:http reads them): node:http's client would refuse control characters and
 * rewrites content-disposition. Answers the raw response.
 */
async function rawPut(key: string, extra: Record<string, string>): Promise<string> {
  const headers: Record<string, string> = {
    host: `127.0.0.1:${server.port}`,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'content-length': '1',
    ...extra,
  };
  const signed = await signer.sign({
    method: 'PUT',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    path: `/${B}/${key}`,
    query: {},
    headers,
  });
  const head = Object.entries(signed.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return new Promise<string>((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', () => resolve(got));
    socket.on('close', () => resolve(got));
    socket.write(Buffer.from(`PUT /${B}/${key} HTTP/1.1\r\n${head}\r\nconnection: close\r\n\r\nx`, 'latin1'));
  });
}

async function userClient(name: string, document: object): Promise<S3Client> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = await iam.send(
    new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(document) }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return s3Client(server, {
    credentials: {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  server = await startServer();
  root = s3Client(server);
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  await root.send(new CreateBucketCommand({ Bucket: B }));
});
afterAll(async () => {
  root?.destroy();
  iam?.destroy();
  await server?.stop();
});

describe('small request bodies are verified against Content-MD5 and x-amz-checksum-*', () => {
  it('DeleteObjects: a body swapped in transit (UNSIGNED-PAYLOAD) is BadDigest and deletes nothing', async () => {
    await put('keep-a');
    await put('victim');
    const res = await unsigned({
      method: 'POST',
      path: `/${B}`,
      query: { delete: '' },
      headers: { 'content-md5': md5(deleteBody('keep-a')) },
      body: deleteBody('victim'),
    });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('BadDigest');
    expect(await exists('victim')).toBe(true);
    expect(await exists('keep-a')).toBe(true);
  });

  it('DeleteObjects needs Content-MD5 or a checksum value: InvalidRequest as AWS answers it', async () => {
    await put('needs-md5');
    for (const headers of [{}, { 'x-amz-sdk-checksum-algorithm': 'CRC32' }]) {
      const res = await unsigned({
        method: 'POST',
        path: `/${B}`,
        query: { delete: '' },
        headers,
        body: deleteBody('needs-md5'),
      });
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('InvalidRequest');
      expect(message(res.body)).toBe('Missing required header for this request: Content-MD5');
    }
    expect(await exists('needs-md5')).toBe(true);
    const bad = await unsigned({
      method: 'POST',
      path: `/${B}`,
      query: { delete: '' },
      headers: { 'content-md5': 'not-an-md5' },
      body: deleteBody('needs-md5'),
    });
    expect(errorCode(bad)).toBe('InvalidDigest');
    expect(await exists('needs-md5')).toBe(true);
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)(
    'DeleteObjects with x-amz-checksum-%s: a wrong value is BadDigest, the right one deletes',
    async (alg) => {
      const key = `sum-${alg}`;
      await put(key);
      const body = deleteBody(key);
      const name = `x-amz-checksum-${alg.toLowerCase()}`;
      const wrong = await unsigned({
        method: 'POST',
        path: `/${B}`,
        query: { delete: '' },
        headers: { [name]: checksumBase64(alg, Buffer.from(deleteBody('other'))) },
        body,
      });
      expect(wrong.status).toBe(400);
      expect(errorCode(wrong)).toBe('BadDigest');
      expect(await exists(key)).toBe(true);
      const right = await unsigned({
        method: 'POST',
        path: `/${B}`,
        query: { delete: '' },
        headers: { [name]: checksumBase64(alg, Buffer.from(body)) },
        body,
      });
      expect(right.status).toBe(200);
      expect(await exists(key)).toBe(false);
    },
  );

  it('the AWS SDK v3 (CRC32 by default, and WHEN_REQUIRED) still deletes', async () => {
    await put('sdk-1');
    await root.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'sdk-1' }] } }));
    expect(await exists('sdk-1')).toBe(false);
    const whenRequired = s3Client(server, {
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await put('sdk-2');
    await whenRequired.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'sdk-2' }] } }));
    whenRequired.destroy();
    expect(await exists('sdk-2')).toBe(false);
  });

  it('Put{Object,Bucket}Tagging, PutBucketPolicy, CompleteMultipartUpload: a mismatching digest changes nothing', async () => {
    await put('tagged');
    const tagging = (v: string) =>
      `<Tagging><TagSet><Tag><Key>k</Key><Value>${v}</Value></Tag></TagSet></Tagging>`;
    const swapped = { headers: { 'content-md5': md5(tagging('one')) }, body: tagging('two') };
    const objectTags = await unsigned({
      method: 'PUT',
      path: `/${B}/tagged`,
      query: { tagging: '' },
      ...swapped,
    });
    expect(errorCode(objectTags)).toBe('BadDigest');
    const sha = await unsigned({
      method: 'PUT',
      path: `/${B}/tagged`,
      query: { tagging: '' },
      headers: { 'x-amz-checksum-sha256': checksumBase64('SHA256', Buffer.from(tagging('one'))) },
      body: tagging('two'),
    });
    expect(errorCode(sha)).toBe('BadDigest');
    const tags = await root.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'tagged' }));
    expect(tags.TagSet).toEqual([]);
    const bucketTags = await unsigned({ method: 'PUT', path: `/${B}`, query: { tagging: '' }, ...swapped });
    expect(errorCode(bucketTags)).toBe('BadDigest');
    expect(
      errorCode(await rawRequest(server.port, { method: 'GET', path: `/${B}`, query: { tagging: '' } })),
    ).toBe('NoSuchTagSet');

    const policy = (effect: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: effect, Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` },
        ],
      });
    const pol = await unsigned({
      method: 'PUT',
      path: `/${B}`,
      query: { policy: '' },
      headers: { 'content-md5': md5(policy('Deny')) },
      body: policy('Allow'),
    });
    expect(errorCode(pol)).toBe('BadDigest');
    expect(
      errorCode(await rawRequest(server.port, { method: 'GET', path: `/${B}`, query: { policy: '' } })),
    ).toBe('NoSuchBucketPolicy');

    const { UploadId } = await root.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mpu' }));
    const part = await root.send(
      new UploadPartCommand({ Bucket: B, Key: 'mpu', UploadId, PartNumber: 1, Body: 'part one' }),
    );
    const complete = (n: number) =>
      `<CompleteMultipartUpload><Part><PartNumber>${n}</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`;
    const mpu = await unsigned({
      method: 'POST',
      path: `/${B}/mpu`,
      query: { uploadId: UploadId! },
      headers: { 'content-md5': md5(complete(2)) },
      body: complete(1),
    });
    expect(errorCode(mpu)).toBe('BadDigest');
    expect(await exists('mpu')).toBe(false);
    const ok = await unsigned({
      method: 'POST',
      path: `/${B}/mpu`,
      query: { uploadId: UploadId! },
      headers: { 'content-md5': md5(complete(1)) },
      body: complete(1),
    });
    expect(ok.status).toBe(200);
    expect(await exists('mpu')).toBe(true);
  });
});

describe('XML bodies: character references, and nothing else', () => {
  it('AWS SDK v3 DeleteObjects of keys with \\n, \\r, tabs and quotes deletes them', async () => {
    const keys = [
      'line\nfeed',
      'carriage\rreturn',
      'both\r\nends',
      'tab\there',
      'quote"s',
      "apo'",
      'lit&#34;eral',
    ];
    for (const k of keys) await put(k);
    const res = await root.send(
      new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
    );
    expect(res.Errors ?? []).toEqual([]);
    expect(res.Deleted?.map((d) => d.Key).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(await exists(k), JSON.stringify(k)).toBe(false);
  });

  it('CompleteMultipartUpload with the ETag quotes written as &#34; (Go clients) completes', async () => {
    const { UploadId } = await root.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'go-mpu' }));
    const part = await root.send(
      new UploadPartCommand({ Bucket: B, Key: 'go-mpu', UploadId, PartNumber: 1, Body: 'go part' }),
    );
    const body = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><PartNumber>1</PartNumber><ETag>${part.ETag!.replaceAll('"', '&#34;')}</ETag></Part></CompleteMultipartUpload>`;
    const res = await rawRequest(server.port, {
      method: 'POST',
      path: `/${B}/go-mpu`,
      query: { uploadId: UploadId! },
      headers: { 'content-md5': md5(body) },
      body,
    });
    expect(res.status).toBe(200);
    expect(await exists('go-mpu')).toBe(true);
  });

  it('&amp;#34; is the literal text &#34; (decoded once)', async () => {
    await put('literal');
    const body = '<Tagging><TagSet><Tag><Key>k</Key><Value>&amp;#34;&#x41;</Value></Tag></TagSet></Tagging>';
    const res = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${B}/literal`,
      query: { tagging: '' },
      headers: { 'content-md5': md5(body) },
      body,
    });
    expect(res.status).toBe(200);
    const tags = await root.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'literal' }));
    expect(tags.TagSet).toEqual([{ Key: 'k', Value: '&#34;A' }]);
  });

  it('invalid UTF-8, a DOCTYPE, an unknown entity and a reference to NUL are MalformedXML', async () => {
    await put('stays');
    const bodies = [
      Buffer.concat([
        Buffer.from('<Delete><Object><Key>stays'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('</Key></Object></Delete>'),
      ]),
      Buffer.from('<!DOCTYPE d [<!ENTITY k "stays">]><Delete><Object><Key>&k;</Key></Object></Delete>'),
      Buffer.from('<Delete><Object><Key>st&nbsp;ays</Key></Object></Delete>'),
      Buffer.from('<Delete><Object><Key>stays&#0;</Key></Object></Delete>'),
    ];
    for (const body of bodies) {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: `/${B}`,
        query: { delete: '' },
        headers: { 'content-md5': md5(body) },
        body,
      });
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('MalformedXML');
    }
    expect(await exists('stays')).toBe(true);
  });
});

describe('versionId: validated, and authorized as the version action', () => {
  const OTHER = 'Wy5Ch.zCMeLVC8gnI8tYbJSk0ZRIGSyz';

  it('null addresses the object; another well-formed id is NoSuchVersion; a malformed one InvalidArgument', async () => {
    await put('v', 'current');
    const nul = await root.send(new GetObjectCommand({ Bucket: B, Key: 'v', VersionId: 'null' }));
    expect(await nul.Body!.transformToString()).toBe('current');
    expect(nul.VersionId).toBe('null');

    const missing = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/v`,
      query: { versionId: OTHER },
    });
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('NoSuchVersion');
    expect(missing.body).not.toContain('current');
    expect(
      (await rawRequest(server.port, { method: 'HEAD', path: `/${B}/v`, query: { versionId: OTHER } }))
        .status,
    ).toBe(404);
    const uuid = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/v`,
      query: { versionId: '3a1f7c2e-9b4d-4e8a-8c6f-0d2b5e7a9c11' },
    });
    expect(errorCode(uuid)).toBe('NoSuchVersion');

    const bogus = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/v`,
      query: { versionId: 'bogus' },
    });
    expect([bogus.status, errorCode(bogus), message(bogus.body)]).toEqual([
      400,
      'InvalidArgument',
      'Invalid version id specified',
    ]);
    const empty = await rawRequest(server.port, { method: 'GET', path: `/${B}/v`, query: { versionId: '' } });
    expect([empty.status, errorCode(empty), message(empty.body)]).toEqual([
      400,
      'InvalidArgument',
      'Version id cannot be the empty string',
    ]);
  });

  it('deleting or tagging a version that does not exist leaves the object alone', async () => {
    await put('dv', 'keep me');
    const del = await rawRequest(server.port, {
      method: 'DELETE',
      path: `/${B}/dv`,
      query: { versionId: OTHER },
    });
    expect(del.status).toBe(204);
    expect(del.headers['x-amz-version-id']).toBe(OTHER);
    expect(await exists('dv')).toBe(true);

    const body = `<Delete><Object><Key>dv</Key><VersionId>${OTHER}</VersionId></Object></Delete>`;
    const multi = await rawRequest(server.port, {
      method: 'POST',
      path: `/${B}`,
      query: { delete: '' },
      headers: { 'content-md5': md5(body) },
      body,
    });
    expect(multi.status).toBe(200);
    expect(multi.body).toContain(`<VersionId>${OTHER}</VersionId>`);
    expect(await exists('dv')).toBe(true);

    const tagging = '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>';
    const putTags = await rawRequest(server.port, {
      method: 'PUT',
      path: `/${B}/dv`,
      query: { tagging: '', versionId: OTHER },
      headers: { 'content-md5': md5(tagging) },
      body: tagging,
    });
    expect(errorCode(putTags)).toBe('NoSuchVersion');
    expect((await root.send(new GetObjectTaggingCommand({ Bucket: B, Key: 'dv' }))).TagSet).toEqual([]);
    expect(
      errorCode(
        await rawRequest(server.port, {
          method: 'GET',
          path: `/${B}/dv`,
          query: { tagging: '', versionId: OTHER },
        }),
      ),
    ).toBe('NoSuchVersion');

    const copy = await outcome(
      root.send(
        new CopyObjectCommand({ Bucket: B, Key: 'copied', CopySource: `${B}/dv?versionId=${OTHER}` }),
      ),
    );
    expect(copy).toBe('NoSuchVersion');
    const copied = await root.send(
      new CopyObjectCommand({ Bucket: B, Key: 'copied', CopySource: `${B}/dv?versionId=null` }),
    );
    expect(copied.CopySourceVersionId).toBe('null');

    await root.send(new DeleteObjectCommand({ Bucket: B, Key: 'dv', VersionId: 'null' }));
    expect(await exists('dv')).toBe(false);
  });

  it('Allow s3:* with an explicit Deny on the version actions denies every request that names a version', async () => {
    await put('denied', 'secret');
    const client = await userClient('no-versions', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: [
            's3:GetObjectVersion',
            's3:DeleteObjectVersion',
            's3:GetObjectVersionTagging',
            's3:PutObjectVersionTagging',
            's3:DeleteObjectVersionTagging',
          ],
          Resource: '*',
        },
      ],
    });
    const obj = { Bucket: B, Key: 'denied' };
    expect(await outcome(client.send(new GetObjectCommand(obj)))).toBe('allow');
    expect(await outcome(client.send(new GetObjectCommand({ ...obj, VersionId: 'null' })))).toBe('deny');
    expect(await outcome(client.send(new GetObjectCommand({ ...obj, VersionId: OTHER })))).toBe('deny');
    expect(await outcome(client.send(new HeadObjectCommand({ ...obj, VersionId: 'null' })))).toBe('deny');
    expect(await outcome(client.send(new GetObjectTaggingCommand({ ...obj, VersionId: 'null' })))).toBe(
      'deny',
    );
    expect(
      await outcome(
        client.send(
          new PutObjectTaggingCommand({
            ...obj,
            VersionId: 'null',
            Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
          }),
        ),
      ),
    ).toBe('deny');
    expect(
      await outcome(
        client.send(
          new CopyObjectCommand({ Bucket: B, Key: 'leak', CopySource: `${B}/denied?versionId=null` }),
        ),
      ),
    ).toBe('deny');
    expect(await outcome(client.send(new DeleteObjectCommand({ ...obj, VersionId: 'null' })))).toBe('deny');
    const multi = await client.send(
      new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: 'denied', VersionId: 'null' }] } }),
    );
    expect(multi.Errors?.map((e) => e.Code)).toEqual(['AccessDenied']);
    expect(await exists('denied')).toBe(true);
    expect(await exists('leak')).toBe(false);
    client.destroy();
  });
});

describe('header values echoed from client input never cause a 500', () => {
  const PARAMS = [
    'response-content-type',
    'response-content-disposition',
    'response-cache-control',
    'response-content-encoding',
    'response-content-language',
    'response-expires',
  ];

  it.each(PARAMS)('%s with control or non-Latin-1 characters is 400 InvalidArgument', async (param) => {
    await put('hdr');
    for (const value of ['a\nb', 'a\r\nx-injected: 1', 'nul\u0000', 'del\u007f', 'euro \u20ac', '微信.jpg']) {
      const res = await rawRequest(server.port, {
        method: 'GET',
        path: `/${B}/hdr`,
        query: { [param]: value },
      });
      expect(res.status, JSON.stringify(value)).toBe(400);
      expect(errorCode(res)).toBe('InvalidArgument');
      expect(res.headers['x-injected']).toBeUndefined();
    }
    const latin = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/hdr`,
      query: { [param]: 'ok ü' },
    });
    expect(latin.status).toBe(200);
  });

  it('names the parameter and says ISO-8859-1, as AWS does', async () => {
    const res = await rawRequest(server.port, {
      method: 'GET',
      path: `/${B}/hdr`,
      query: { 'response-content-disposition': 'attachment; filename="微信.jpg"' },
    });
    expect(message(res.body)).toBe('Header value cannot be represented using ISO-8859-1.');
    expect(res.body).toContain('<ArgumentName>response-content-disposition</ArgumentName>');
  });

  it('stored metadata with bytes 0x80-0xFF (UTF-8 on the wire) reads back byte for byte', async () => {
    const wire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    const answer = await rawPut('meta', {
      'x-amz-meta-note': wire('café 微'),
      'content-disposition': wire('attachment; filename="微信.jpg"'),
    });
    expect(answer.slice(0, 400)).toMatch(/^HTTP\/1.1 200/);
    const got = await rawRequest(server.port, { method: 'GET', path: `/${B}/meta` });
    expect(got.status).toBe(200);
    // node:http reads header bytes as Latin-1: the UTF-8 bytes come back unchanged.
    expect(got.headers['x-amz-meta-note']).toBe(wire('café 微'));
    const head = await rawRequest(server.port, { method: 'HEAD', path: `/${B}/meta` });
    expect(head.headers['content-disposition']).toBe(wire('attachment; filename="微信.jpg"'));
  });

  it('a PUT with control characters in header values is refused or stored harmlessly, and GET is never a 500', async () => {
    for (const [i, value] of ['a\u007fb', 'a\u0001b', 'a\u0000b', 'a\u001bb'].entries()) {
      const answer = await rawPut(`ctl-${i}`, { 'x-amz-meta-ctl': value, 'content-disposition': value });
      expect(answer.startsWith('HTTP/1.1 5'), JSON.stringify(answer.slice(0, 40))).toBe(false);
      const got = await rawRequest(server.port, { method: 'GET', path: `/${B}/ctl-${i}` });
      expect([200, 404]).toContain(got.status);
    }
  });
});
