import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleAnswer, CookieJar, consoleLogin, consoleRequest } from './helpers/console-http.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';

/**
 * The console's back end (docs/console.md "Back end") against the real server: sign-in, the
 * session cookie and CSRF, the relays decided by the signed-in principal's policies, presigned
 * links, policy validation, the audit call and sign-out — fetched by hand, cookies and all.
 */
let server: RunningServer;
let auditDir: string;
let api: string;
const keys: Record<string, { accessKey: string; secretKey: string }> = {};

const READ_ONLY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 's3:ListAllMyBuckets'], Resource: '*' },
  ],
};
const WRITER = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: '*' }],
};

async function user(iam: IAMClient, name: string, document: object): Promise<void> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = await iam.send(
    new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(document) }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  keys[name] = { accessKey: key.AccessKey!.AccessKeyId!, secretKey: key.AccessKey!.SecretAccessKey! };
}

/** A call with the session's cookie and CSRF token (JSON body when `json` is given). */
function call(
  s: { jar: CookieJar; csrf: string },
  method: string,
  path: string,
  body?: { json?: unknown; text?: string; type?: string; form?: Record<string, string> },
): Promise<ConsoleAnswer> {
  const headers: Record<string, string> = method === 'GET' ? {} : { 'x-csrf-token': s.csrf };
  let data: string | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    data = JSON.stringify(body.json);
  } else if (body?.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    data = new URLSearchParams(body.form).toString();
  } else if (body?.text !== undefined) {
    headers['content-type'] = body.type ?? 'text/plain';
    data = body.text;
  }
  return consoleRequest(`${api}${path}`, {
    method,
    headers,
    jar: s.jar,
    ...(data === undefined ? {} : { body: data }),
  });
}

beforeAll(async () => {
  auditDir = mkdtempSync(join(tmpdir(), 'tessera-console-audit-'));
  // One worker: a sign-out's revocation is then enforced by the process that answers the replay
  // at once (other workers follow within the change feed's interval, docs/sts.md).
  server = await startServer({ workers: 1, env: { TESSERA_AUDIT_FILE: auditDir } });
  api = `${server.consoleUrl}/api/v1`;
  const iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  await user(iam, 'reader', READ_ONLY);
  await user(iam, 'writer', WRITER);
  // A user signing with its own secret (MinIO-style), made and given `readonly` through the admin relay.
  const root = await consoleLogin(server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
  const added = await call(root, 'PUT', '/admin/v3/add-user?accessKey=alice', {
    json: { secretKey: 'alice-secret-0123456789', status: 'enabled' },
  });
  expect(added.status, added.text).toBe(200);
  const attached = await call(root, 'POST', '/admin/v3/idp/builtin/policy/attach', {
    json: { policies: ['readonly'], user: 'alice' },
  });
  expect(attached.status, attached.text).toBe(201);
  expect(attached.json()).toMatchObject({ policiesAttached: ['readonly'] });
  keys.alice = { accessKey: 'alice', secretKey: 'alice-secret-0123456789' };
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(auditDir, { recursive: true, force: true });
});

describe('console: the page and its headers', () => {
  it('serves index.html with the strict CSP and the other headers; /api answers are no-store', async () => {
    const page = await consoleRequest(`${server.consoleUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="root"');
    const csp = String(page.headers['content-security-policy']);
    for (const d of ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"])
      expect(csp).toContain(d);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const session = await consoleRequest(`${api}/session`);
    expect(session.headers['cache-control']).toBe('no-store');
    expect(String(session.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(session.json()).toEqual({ signedIn: false, providers: [] });
  });

  it('serves hashed assets with a long cache, refuses traversal and unknown paths', async () => {
    const page = await consoleRequest(`${server.consoleUrl}/`);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await consoleRequest(`${server.consoleUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const bad of ['/assets/../../src/cli/main.js', '/assets/%2e%2e/%2e%2e/package.json', '/nothing.js'])
      expect((await consoleRequest(`${server.consoleUrl}${bad}`)).status, bad).toBe(404);
    expect((await consoleRequest(`${api}/nothing`)).json().code).toBe('ConsoleNotFound');
  });
});

describe('console: signing in with keys', () => {
  it('root signs in: a sealed HttpOnly, SameSite=Strict, Path=/ cookie and the session', async () => {
    const jar = new CookieJar();
    const res = await consoleRequest(`${api}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: ROOT_USER, secretKey: ROOT_PASSWORD }),
      jar,
    });
    expect(res.status).toBe(200);
    const cookie = res.setCookies.find((c) => c.startsWith('tessera_console='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    // The cookie holds sealed credentials, not the keys typed in.
    expect(cookie).not.toContain(ROOT_PASSWORD);
    expect(cookie).not.toContain(ROOT_USER);
    const body = res.json<{
      signedIn: boolean;
      csrfToken: string;
      principal: Record<string, string>;
      expiration: string;
    }>();
    expect(body.signedIn).toBe(true);
    expect(body.principal).toMatchObject({ type: 'root', accessKey: ROOT_USER, arn: 'arn:aws:iam:::root' });
    expect(Date.parse(body.expiration)).toBeGreaterThan(Date.now() + 3600_000);
    const again = await consoleRequest(`${api}/session`, { jar });
    expect(again.json()).toMatchObject({ signedIn: true, csrfToken: body.csrfToken });
  });

  it('a user signs in', async () => {
    const s = await consoleLogin(server.consoleUrl, 'alice', keys.alice!.secretKey);
    expect(s.session.principal).toMatchObject({ type: 'user', name: 'alice', accessKey: 'alice' });
  });

  it("a user's access key (a service account of the user) signs in", async () => {
    const s = await consoleLogin(server.consoleUrl, keys.reader!.accessKey, keys.reader!.secretKey);
    expect(s.session.principal).toMatchObject({ type: 'serviceAccount', name: 'reader' });
  });

  it('a wrong secret is 401 with the STS code; a malformed body is 400', async () => {
    const res = await consoleRequest(`${api}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: ROOT_USER, secretKey: 'not-the-secret' }),
    });
    expect(res.status).toBe(401);
    expect(res.json().code).toBe('SignatureDoesNotMatch');
    expect(res.setCookies).toEqual([]);
    const unknown = await consoleRequest(`${api}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessKey: 'NOSUCHKEY', secretKey: 'x' }),
    });
    expect(unknown.status).toBe(401);
    expect(unknown.json().code).toBe('InvalidAccessKeyId');
    const bad = await consoleRequest(`${api}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"accessKey":',
    });
    expect(bad.status).toBe(400);
  });

  it('a login from a foreign Origin is refused', async () => {
    const res = await consoleRequest(`${api}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ accessKey: ROOT_USER, secretKey: ROOT_PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(res.json().code).toBe('ConsoleForbiddenOrigin');
  });

  it('a service account (made through the admin relay, bodies encrypted for the page) signs in', async () => {
    const root = await consoleLogin(server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
    const made = await call(root, 'PUT', '/admin/v3/add-service-account', {
      json: {
        accessKey: 'CONSOLESA0000001',
        secretKey: 'console-sa-secret-0123456789',
        targetUser: 'writer',
      },
    });
    expect(made.status, made.text).toBe(200);
    expect(made.headers['content-type']).toMatch(/^application\/json/);
    expect(made.json<{ credentials: { accessKey: string } }>().credentials.accessKey).toBe(
      'CONSOLESA0000001',
    );
    const listed = await call(root, 'GET', '/admin/v3/list-service-accounts?user=writer');
    expect(listed.json<{ accounts: string[] }>().accounts).toContain('CONSOLESA0000001');
    const sa = await consoleLogin(server.consoleUrl, 'CONSOLESA0000001', 'console-sa-secret-0123456789');
    expect(sa.session.principal).toMatchObject({ type: 'serviceAccount', accessKey: 'CONSOLESA0000001' });
  });
});

describe('console: relays act as the signed-in principal', () => {
  it('S3: create a bucket, put, get and list objects', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    expect((await call(w, 'PUT', '/s3/console-bucket')).status).toBe(200);
    const put = await call(w, 'PUT', '/s3/console-bucket/dir/hello%20world.txt', { text: 'hello console' });
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBeDefined();
    const got = await call(w, 'GET', '/s3/console-bucket/dir/hello%20world.txt');
    expect(got.text).toBe('hello console');
    expect(got.headers['content-type']).toBe('text/plain');
    const listed = await call(w, 'GET', '/s3/console-bucket?list-type=2&prefix=dir/');
    expect(listed.text).toContain('<Key>dir/hello world.txt</Key>');
    // An object's Cache-Control is metadata: the relayed answer itself is never cached.
    const cached = await consoleRequest(`${api}/s3/console-bucket/cached.txt`, {
      method: 'PUT',
      headers: {
        'x-csrf-token': w.csrf,
        'cache-control': 'public, max-age=86400',
        'content-type': 'text/plain',
      },
      body: 'cached',
      jar: w.jar,
    });
    expect(cached.status).toBe(200);
    const head = await consoleRequest(`${api}/s3/console-bucket/cached.txt`, { method: 'HEAD', jar: w.jar });
    expect(head.headers['cache-control']).toBe('no-store');
    expect(head.headers['x-tessera-object-cache-control']).toBe('public, max-age=86400');
    expect(head.headers['content-length']).toBe('6');
    const range = await consoleRequest(`${api}/s3/console-bucket/dir/hello%20world.txt`, {
      headers: { range: 'bytes=0-4' },
      jar: w.jar,
    });
    expect(range.status).toBe(206);
    expect(range.text).toBe('hello');
  });

  it('S3: a read-only user is refused a PutObject with AccessDenied, and may read', async () => {
    const r = await consoleLogin(server.consoleUrl, 'alice', keys.alice!.secretKey);
    const put = await call(r, 'PUT', '/s3/console-bucket/denied.txt', { text: 'no' });
    expect(put.status).toBe(403);
    expect(put.text).toContain('<Code>AccessDenied</Code>');
    expect((await call(r, 'GET', '/s3/console-bucket/dir/hello%20world.txt')).text).toBe('hello console');
  });

  it('S3: a query naming Action is refused (GET cannot reach the Query API)', async () => {
    const root = await consoleLogin(server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
    for (const q of [
      '/?Action=ListUsers',
      '/?action=CreateUser&UserName=x',
      '/?%41ction=ListUsers',
      '/minio/admin/v3/list-users',
    ]) {
      const res = await call(root, 'GET', `/s3${q}`);
      expect(res.status, q).toBe(400);
      expect(res.json().code).toBe('InvalidArgument');
    }
  });

  it('IAM: root lists users; the read-only user is refused', async () => {
    const root = await consoleLogin(server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
    const listed = await call(root, 'POST', '/iam', { form: { Action: 'ListUsers', Version: '2010-05-08' } });
    expect(listed.status).toBe(200);
    expect(listed.text).toContain('<UserName>reader</UserName>');
    const r = await consoleLogin(server.consoleUrl, keys.reader!.accessKey, keys.reader!.secretKey);
    const refused = await call(r, 'POST', '/iam', { form: { Action: 'ListUsers', Version: '2010-05-08' } });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<Code>AccessDenied</Code>');
    // POST only.
    expect((await call(root, 'GET', '/iam?Action=ListUsers')).status).toBe(405);
  });

  it('STS: GetCallerIdentity names the session', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const res = await call(w, 'POST', '/sts', {
      form: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('user/writer');
  });

  it('metrics: root reads the Prometheus text; the read-only user is refused', async () => {
    const root = await consoleLogin(server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
    const m = await call(root, 'GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/^# (HELP|TYPE) /m);
    const r = await consoleLogin(server.consoleUrl, keys.reader!.accessKey, keys.reader!.secretKey);
    expect((await call(r, 'GET', '/metrics')).status).toBe(403);
  });
});

describe('console: CSRF and sessions', () => {
  it('a change without the CSRF token, or with a wrong one, is 403; GET needs none', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const none = await consoleRequest(`${api}/s3/csrf-bucket`, { method: 'PUT', jar: w.jar });
    expect(none.status).toBe(403);
    expect(none.json().code).toBe('ConsoleInvalidCsrfToken');
    const wrong = await call({ jar: w.jar, csrf: `${w.csrf.slice(0, -2)}AA` }, 'PUT', '/s3/csrf-bucket');
    expect(wrong.json().code).toBe('ConsoleInvalidCsrfToken');
    // Nothing was created.
    expect((await call(w, 'GET', '/s3/csrf-bucket?list-type=2')).text).toContain('NoSuchBucket');
    const foreign = await consoleRequest(`${api}/s3/csrf-bucket`, {
      method: 'PUT',
      headers: { 'x-csrf-token': w.csrf, origin: 'https://evil.example' },
      jar: w.jar,
    });
    expect(foreign.json().code).toBe('ConsoleForbiddenOrigin');
    const same = await consoleRequest(`${api}/s3/csrf-bucket`, {
      method: 'PUT',
      headers: { 'x-csrf-token': w.csrf, origin: server.consoleUrl },
      jar: w.jar,
    });
    expect(same.status).toBe(200);
  });

  it("user A's cookie with user B's CSRF token fails", async () => {
    const a = await consoleLogin(server.consoleUrl, keys.reader!.accessKey, keys.reader!.secretKey);
    const b = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const res = await call({ jar: a.jar, csrf: b.csrf }, 'PUT', '/s3/mixed-bucket');
    expect(res.status).toBe(403);
    expect(res.json().code).toBe('ConsoleInvalidCsrfToken');
  });

  it('a tampered or foreign cookie is no session', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const value = w.jar.cookies.get('tessera_console')!;
    const i = Math.floor(value.length / 2);
    const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
    const tampered = new CookieJar();
    tampered.cookies.set('tessera_console', flipped);
    expect((await consoleRequest(`${api}/session`, { jar: tampered })).json().signedIn).toBe(false);
    const s3 = await consoleRequest(`${api}/s3/`, { jar: tampered });
    expect(s3.status).toBe(401);
    expect(s3.json().code).toBe('ConsoleNotSignedIn');
    const garbage = new CookieJar();
    garbage.cookies.set('tessera_console', 'bm90IGEgc2Vzc2lvbg');
    expect((await consoleRequest(`${api}/s3/`, { jar: garbage })).status).toBe(401);
  });

  it('sign-out revokes: the old cookie replayed afterwards no longer works', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const copied = w.jar.copy();
    expect((await call(w, 'GET', '/s3/')).status).toBe(200);
    const out = await call(w, 'POST', '/logout');
    expect(out.status).toBe(204);
    expect(out.setCookies.some((c) => /^tessera_console=;.*Max-Age=0/.test(c))).toBe(true);
    const replay = await consoleRequest(`${api}/s3/`, { jar: copied });
    expect(replay.status).toBe(401);
    expect((await consoleRequest(`${api}/session`, { jar: copied })).json().signedIn).toBe(false);
    // Another session of the same user is not affected.
    const other = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    expect((await call(other, 'GET', '/s3/')).status).toBe(200);
  });
});

describe('console: presigned links and policy validation', () => {
  it('presign gives a URL that works without cookies and carries X-Amz-Security-Token', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const res = await call(w, 'POST', '/presign', {
      json: { bucket: 'console-bucket', key: 'dir/hello world.txt', expiresSeconds: 600 },
    });
    expect(res.status).toBe(200);
    const { url, expiresAt } = res.json<{ url: string; expiresAt: string }>();
    expect(url.startsWith(`${server.endpoint}/console-bucket/dir/hello%20world.txt?`)).toBe(true);
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBeTruthy();
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('hello console');
    // A changed signature is refused.
    expect(
      (await fetch(url.replace(/X-Amz-Signature=[0-9a-f]{64}/, `X-Amz-Signature=${'0'.repeat(64)}`))).status,
    ).toBe(403);
  });

  it('policy/validate: errors at their JSON path, lint warnings for valid documents', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const bad = await call(w, 'POST', '/policy/validate', {
      json: {
        kind: 'identity',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
            { Effect: 'Maybe', Action: '*', Resource: '*' },
          ],
        },
      },
    });
    const b = bad.json<{ valid: boolean; errors: { path: string; message: string }[] }>();
    expect(b.valid).toBe(false);
    expect(b.errors[0]!.path).toMatch(/^Statement\[1\]\.Effect/);
    const lint = await call(w, 'POST', '/policy/validate', {
      json: {
        kind: 'identity',
        document: {
          Statement: [
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
          ],
        },
      },
    });
    const l = lint.json<{ valid: boolean; warnings: { path: string; message: string }[] }>();
    expect(l.valid).toBe(true);
    const paths = l.warnings.map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['Version', 'Statement[0]', 'Statement[1].NotAction']));
    const resource = await call(w, 'POST', '/policy/validate', {
      json: {
        kind: 'resource',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: ['*'] },
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::b/*',
            },
          ],
        },
      },
    });
    expect(resource.json()).toMatchObject({ valid: true, errors: [] });
    // A change: the CSRF token is required here too.
    expect((await consoleRequest(`${api}/policy/validate`, { method: 'POST', jar: w.jar })).status).toBe(403);
  });
});

describe('console: the audit call', () => {
  it('returns the denial entry of a refused request; refused without admin:ServerTrace', async () => {
    const r = await consoleLogin(server.consoleUrl, keys.reader!.accessKey, keys.reader!.secretKey);
    const put = await call(r, 'PUT', '/s3/console-bucket/audited-denial.txt', { text: 'no' });
    expect(put.status).toBe(403);
    const root = await consoleLogin(server.consoleUrl, ROOT_USER, ROOT_PASSWORD);
    const query = '/admin/v3/tessera/audit?decision=Deny&bucket=console-bucket&action=PutObject&limit=10';
    // The entry reaches the file once the target's queue is written: asked again until it is there.
    let found: Record<string, unknown> | undefined;
    let answer: { configured: boolean; entries: Record<string, unknown>[]; truncated: boolean } | undefined;
    for (let i = 0; i < 50 && found === undefined; i++) {
      const res = await call(root, 'GET', query);
      expect(res.status, res.text).toBe(200);
      answer = res.json();
      found = answer!.entries.find((e) => (e.api as { object?: string }).object === 'audited-denial.txt');
      if (found === undefined) await new Promise((res) => setTimeout(res, 200));
    }
    expect(answer!.configured).toBe(true);
    expect(found).toBeDefined();
    expect(found!.authz).toMatchObject({ decision: 'deny' });
    expect(String(found!.userAgent)).toContain('tessera-console');
    for (const e of answer!.entries) expect((e.authz as { decision: string }).decision).toBe('deny');
    const refused = await call(r, 'GET', query);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('AccessDenied');
    expect((await call(root, 'GET', '/admin/v3/tessera/audit?limit=5000')).status).toBe(400);
  });
});

describe('console: large bodies stream through the S3 relay', () => {
  it('a 20 MiB part of a multipart upload goes up and comes back byte for byte', async () => {
    const w = await consoleLogin(server.consoleUrl, keys.writer!.accessKey, keys.writer!.secretKey);
    const created = await call(w, 'POST', '/s3/console-bucket/big.bin?uploads');
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)?.[1];
    expect(uploadId).toBeDefined();
    const part = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < part.length; i += 4096) part.writeUInt32BE(i, i);
    const up = await consoleRequest(
      `${api}/s3/console-bucket/big.bin?partNumber=1&uploadId=${encodeURIComponent(uploadId!)}`,
      {
        method: 'PUT',
        headers: { 'x-csrf-token': w.csrf, 'content-type': 'application/octet-stream' },
        body: part,
        jar: w.jar,
      },
    );
    expect(up.status, up.text).toBe(200);
    const done = await call(
      w,
      'POST',
      `/s3/console-bucket/big.bin?uploadId=${encodeURIComponent(uploadId!)}`,
      {
        type: 'application/xml',
        text: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${up.headers.etag}</ETag></Part></CompleteMultipartUpload>`,
      },
    );
    expect(done.status, done.text).toBe(200);
    const back = await new Promise<Buffer>((resolve, reject) => {
      void import('node:http').then(({ get }) =>
        get(`${api}/s3/console-bucket/big.bin`, { headers: { cookie: w.jar.header() } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        }),
      );
    });
    expect(back.length).toBe(part.length);
    expect(back.equals(part)).toBe(true);
  });
});

/** The serial number of the certificate a new TLS connection to `port` is served. */
async function servedSerial(port: number, ca: string): Promise<string> {
  const { connect } = await import('node:tls');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const serial = socket.getPeerCertificate().serialNumber.toLowerCase();
      socket.end();
      resolve(serial);
    });
    socket.once('error', reject);
  });
}

describe('console: over TLS and at startup', () => {
  it('over HTTPS the cookie is __Host-, Secure, HttpOnly, SameSite=Strict, Path=/', async () => {
    const { ca, serverCert, writeCertsDir } = await import('./helpers/certs.js');
    const root = await ca('console test CA');
    const certsDir = writeCertsDir(await serverCert(root), { 'ca.crt': root.cert });
    const tls = await startServer({ https: true, workers: 2, env: { TESSERA_CERTS_DIR: certsDir } });
    try {
      expect(tls.consoleUrl.startsWith('https://')).toBe(true);
      const jar = new CookieJar();
      const res = await consoleRequest(`${tls.consoleUrl}/api/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey: ROOT_USER, secretKey: ROOT_PASSWORD }),
        jar,
        ca: root.cert,
      });
      expect(res.status, res.text).toBe(200);
      const cookie = res.setCookies.find((c) => c.startsWith('__Host-tessera_console='))!;
      expect(cookie).toBeDefined();
      for (const flag of ['; Secure', '; HttpOnly', '; SameSite=Strict', '; Path=/'])
        expect(cookie).toContain(flag);
      expect(cookie).not.toMatch(/Domain=/i);
      const csrf = res.json().csrfToken as string;
      // The relay reaches the HTTPS S3 listener.
      const made = await consoleRequest(`${tls.consoleUrl}/api/v1/s3/tls-bucket`, {
        method: 'PUT',
        headers: { 'x-csrf-token': csrf },
        jar,
        ca: root.cert,
      });
      expect(made.status, made.text).toBe(200);
      // Sessions are stateless: whichever worker answers opens the cookie.
      for (let i = 0; i < 6; i++) {
        const again = await consoleRequest(`${tls.consoleUrl}/api/v1/session`, { jar, ca: root.cert });
        expect(again.json().signedIn).toBe(true);
      }
      // A replaced certificate reaches the console's new connections too (the S3 port's reloader).
      const { replaceFile } = await import('./helpers/certs.js');
      const next = await serverCert(root);
      replaceFile(join(certsDir, 'private.key'), next.key);
      replaceFile(join(certsDir, 'public.crt'), next.cert);
      const consolePort = Number(new URL(tls.consoleUrl).port);
      let served = '';
      for (let i = 0; i < 75 && served !== next.serialNumber.toLowerCase(); i++) {
        served = await servedSerial(consolePort, root.cert);
        if (served !== next.serialNumber.toLowerCase()) await new Promise((r) => setTimeout(r, 200));
      }
      expect(served).toBe(next.serialNumber.toLowerCase());
      // The plain cookie name is not read over TLS.
      const plain = new CookieJar();
      plain.cookies.set('tessera_console', jar.cookies.get('__Host-tessera_console')!);
      const s = await consoleRequest(`${tls.consoleUrl}/api/v1/session`, { jar: plain, ca: root.cert });
      expect(s.json().signedIn).toBe(false);
    } finally {
      await tls.stop();
      rmSync(certsDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a busy console address stops the start with a clear error', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startServer({ consoleAddress: `127.0.0.1:${port}` }).then(
        async (s) => {
          await s.stop();
          return undefined;
        },
        (e: unknown) => String(e),
      );
      expect(error).toContain(`console address 127.0.0.1:${port} is already in use`);
      expect(error).toMatch(/server exited \(1\)/);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('--console-address off serves no console', async () => {
    const off = await startServer({ consoleAddress: 'off', workers: 0 });
    try {
      expect(off.output()).not.toContain('Tessera Console:');
    } finally {
      await off.stop();
    }
  }, 60_000);
});
