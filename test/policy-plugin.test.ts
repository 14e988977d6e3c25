import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
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
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The access-management plugin (docs/plugins.md) against the real server (two workers) and a
 * plugin served by this test that implements OPA's data API (`POST /v1/data/<path>` with
 * `{"input": …}` → `{"result": …}`) with these rules: everything for user alice; s3:GetObject on
 * bucket `public` for everyone; a denyOnly question (STS issuance) for everyone but mallory;
 * nothing else. Clients: @aws-sdk/client-s3, -iam, -sts.
 */
const TOKEN = 'Bearer opa-secret';
type Mode = 'ok' | 'slow' | 'reset' | 'garbage';
let mode: Mode = 'ok';

interface Input {
  account: string;
  groups: string[] | null;
  action: string;
  bucket: string;
  object: string;
  owner: boolean;
  denyOnly: boolean;
  conditions: Record<string, string[]>;
  claims: Record<string, unknown>;
}
const asked: { path: string; authorization: string | undefined; input: Input }[] = [];

/**
 * Who asks: MinIO's `account` is the access key, and a user's access keys (service accounts, as
 * MinIO's) and sessions name their user in the `parent` claim.
 */
function who(i: Input): string {
  return typeof i.claims.parent === 'string' ? i.claims.parent : i.account;
}

/** The test's rules, written as an OPA policy would be. */
function allow(i: Input): boolean {
  if (who(i) === 'alice') return true;
  if (i.action === 's3:GetObject' && i.bucket === 'public') return true;
  if (i.denyOnly && who(i) !== 'mallory') return true;
  return false;
}

function opa(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://opa');
    if (req.method !== 'POST' || !url.pathname.startsWith('/v1/data/')) {
      res.writeHead(404).end();
      return;
    }
    const input = (JSON.parse(body) as { input: Input }).input;
    asked.push({ path: url.pathname, authorization: req.headers.authorization, input });
    const send = (text: string) => {
      res.setHeader('content-type', 'application/json');
      res.end(text);
    };
    if (req.headers.authorization !== TOKEN) return send('{"result": true, "note": "bad token"}');
    switch (mode) {
      case 'slow':
        // Would allow, after the server's 300 ms timeout.
        setTimeout(() => send('{"result": true}'), 2000).unref();
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'garbage':
        return send('{"result": "perhaps"');
      case 'ok': {
        const decision = allow(input);
        // `…/allow` answers the rule's value; the package path an object with `allow` (MinIO takes both).
        return send(
          JSON.stringify(
            url.pathname.endsWith('/allow') ? { result: decision } : { result: { allow: decision } },
          ),
        );
      }
    }
  });
}

let plugin: Server;
let pluginPort: number;
let server: RunningServer;
const auditDir = mkdtempSync(join(tmpdir(), 'tessera-policy-plugin-audit-'));
type Keys = { accessKeyId: string; secretAccessKey: string };
const keys: Record<string, Keys> = {};

function client(who: string, target: RunningServer = server): S3Client {
  return s3Client(target, { credentials: keys[who]! });
}

async function denied(p: Promise<unknown>): Promise<S3ServiceException> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(S3ServiceException);
  expect((e as S3ServiceException).name).toBe('AccessDenied');
  return e as S3ServiceException;
}

interface Entry {
  requestID: string;
  authz: {
    decision: string;
    reason?: string;
    statements?: { policy: string; index: number; sid?: string; effect: string }[];
  };
}

async function auditOf(requestId: string): Promise<Entry> {
  for (let i = 0; i < 100; i++) {
    const found = readdirSync(auditDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(auditDir, f), 'utf8').split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Entry)
      .find((e) => e.requestID === requestId);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audit entry for ${requestId}`);
}

/** The cluster's sum of one series (public metrics: /minio/v2/metrics/cluster). */
async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${server.endpoint}/minio/v2/metrics/cluster`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!] as [string, string]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

async function makeUser(target: RunningServer, name: string, policy?: object): Promise<Keys> {
  const iam = new IAMClient({
    endpoint: target.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy !== undefined) {
    await iam.send(
      new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(policy) }),
    );
    await iam.send(
      new AttachUserPolicyCommand({ UserName: name, PolicyArn: `arn:aws:iam:::policy/${name}-policy` }),
    );
  }
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
}

beforeAll(async () => {
  plugin = createServer(opa);
  await new Promise<void>((res) => plugin.listen(0, '127.0.0.1', () => res()));
  pluginPort = (plugin.address() as { port: number }).port;
  server = await startServer({
    env: {
      TESSERA_POLICY_PLUGIN_URL: `http://127.0.0.1:${pluginPort}/v1/data/tessera/allow`,
      MINIO_POLICY_PLUGIN_AUTH_TOKEN: TOKEN,
      TESSERA_POLICY_PLUGIN_TIMEOUT: '300ms',
      // Every question reaches the plugin (the mode switches below take effect at once).
      TESSERA_POLICY_PLUGIN_CACHE_TTL: '0',
      TESSERA_AUDIT_FILE: auditDir,
      MINIO_PROMETHEUS_AUTH_TYPE: 'public',
    },
  });
  const root = s3Client(server);
  for (const Bucket of ['public', 'private']) await root.send(new CreateBucketCommand({ Bucket }));
  await root.send(new PutObjectCommand({ Bucket: 'public', Key: 'readme.txt', Body: 'for everyone' }));
  await root.send(new PutObjectCommand({ Bucket: 'private', Key: 'secret.txt', Body: 'for alice' }));
  // No policy is attached to anyone: the built-in engine would deny them everything.
  for (const name of ['alice', 'bob', 'mallory']) keys[name] = await makeUser(server, name);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((res) => (plugin ? plugin.close(() => res()) : res()));
  rmSync(auditDir, { recursive: true, force: true });
});

describe('the access-management plugin decides', () => {
  it('everything for alice, GetObject on public for bob, nothing else', async () => {
    mode = 'ok';
    asked.length = 0;
    const alice = client('alice');
    await alice.send(new PutObjectCommand({ Bucket: 'private', Key: 'alice.txt', Body: 'mine' }));
    const mine = await alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'secret.txt' }));
    expect(await mine.Body!.transformToString()).toBe('for alice');
    expect((await alice.send(new ListBucketsCommand({}))).Buckets?.length).toBeGreaterThanOrEqual(2);

    const bob = client('bob');
    const pub = await bob.send(new GetObjectCommand({ Bucket: 'public', Key: 'readme.txt' }));
    expect(await pub.Body!.transformToString()).toBe('for everyone');
    const e = await denied(bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'secret.txt' })));
    await denied(bob.send(new PutObjectCommand({ Bucket: 'public', Key: 'bob.txt', Body: 'no' })));
    // The denial is audited with the plugin as the deciding "statement".
    const entry = await auditOf(e.$metadata.requestId!);
    expect(entry.authz.decision).toBe('deny');
    expect(entry.authz.statements).toEqual([
      { policy: 'policy-plugin', index: 0, sid: 'deny', effect: 'Deny' },
    ]);

    // MinIO's input, with the auth token as Authorization; the root is never asked.
    const q = asked.find((a) => who(a.input) === 'bob' && a.input.bucket === 'public')!;
    expect(q.path).toBe('/v1/data/tessera/allow');
    expect(q.authorization).toBe(TOKEN);
    expect(q.input).toMatchObject({
      account: keys.bob!.accessKeyId,
      groups: null,
      action: 's3:GetObject',
      bucket: 'public',
      object: 'readme.txt',
      owner: false,
      claims: { parent: 'bob', accessKey: keys.bob!.accessKeyId },
      denyOnly: false,
    });
    expect(Object.keys(q.input)).toEqual([
      'account',
      'groups',
      'action',
      'bucket',
      'conditions',
      'owner',
      'object',
      'claims',
      'denyOnly',
    ]);
    expect(q.input.conditions.SourceIp).toEqual(['127.0.0.1']);
    expect(q.input.conditions.username).toEqual(['bob']);
    expect(q.input.conditions.principaltype).toEqual(['User']);
    expect(q.input.conditions.Authorization).toBeUndefined();
    expect(asked.some((a) => a.input.account === ROOT_USER)).toBe(false);
  });

  it('leaves anonymous requests to the bucket policies, as MinIO', async () => {
    mode = 'ok';
    asked.length = 0;
    const res = await fetch(`${server.endpoint}/public/readme.txt`);
    expect(res.status).toBe(403);
    expect(asked).toHaveLength(0);
  });

  it('asks STS issuance as denyOnly: allowed unless the plugin says no', async () => {
    mode = 'ok';
    asked.length = 0;
    const sts = (who: string) =>
      new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: keys[who]! });
    const issued = await sts('bob').send(new GetSessionTokenCommand({}));
    expect(issued.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const q = asked.find((a) => a.input.action === 'sts:GetSessionToken')!;
    expect(q.input).toMatchObject({ claims: { parent: 'bob' }, denyOnly: true });
    const refused = await sts('mallory')
      .send(new GetSessionTokenCommand({}))
      .catch((e: unknown) => e);
    expect((refused as { name?: string }).name).toBe('AccessDenied');
    // The session acts through the plugin too: its account is the temporary key, its parent a claim.
    const session = s3Client(server, {
      credentials: {
        accessKeyId: issued.Credentials!.AccessKeyId!,
        secretAccessKey: issued.Credentials!.SecretAccessKey!,
        sessionToken: issued.Credentials!.SessionToken!,
      },
    });
    await session.send(new GetObjectCommand({ Bucket: 'public', Key: 'readme.txt' }));
    const sq = asked.find((a) => a.input.account === issued.Credentials!.AccessKeyId)!;
    expect(sq.input.claims).toMatchObject({ parent: 'bob' });
  });

  it('fails closed when the plugin is slow, resets or answers garbage: denied, audited, counted', async () => {
    const alice = client('alice');
    for (const [m, outcome] of [
      ['slow', 'timeout'],
      ['reset', 'unreachable'],
      ['garbage', 'invalid'],
    ] as const) {
      const before = await metric('tessera_policy_plugin_requests_total', { outcome });
      mode = m;
      // The slow plugin would allow alice: the denial is the timeout's.
      const e = await denied(alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'secret.txt' })));
      mode = 'ok';
      const entry = await auditOf(e.$metadata.requestId!);
      expect(entry.authz.decision, m).toBe('deny');
      expect(entry.authz.reason, m).toBe('explicitDeny');
      expect(entry.authz.statements, m).toEqual([
        { policy: 'policy-plugin', index: 0, sid: outcome, effect: 'Deny' },
      ]);
      expect(await metric('tessera_policy_plugin_requests_total', { outcome }), m).toBeGreaterThan(before);
    }
    // And it recovers as soon as the plugin does.
    await alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'secret.txt' }));
    expect(await metric('tessera_policy_plugin_requests_total', { outcome: 'allow' })).toBeGreaterThan(0);
  });
});

describe('TESSERA_POLICY_PLUGIN_BUILTIN_FIRST=on', () => {
  it('asks the plugin only what the built-in engine allows; an explicit Deny always wins', async () => {
    mode = 'ok';
    const first = await startServer({
      workers: 1,
      env: {
        // The package path: `{"result": {"allow": …}}`.
        MINIO_POLICY_OPA_URL: `http://127.0.0.1:${pluginPort}/v1/data/tessera`,
        MINIO_POLICY_OPA_AUTH_TOKEN: TOKEN,
        TESSERA_POLICY_PLUGIN_BUILTIN_FIRST: 'on',
        // Long enough that the repeated question below is surely answered from the cache.
        TESSERA_POLICY_PLUGIN_CACHE_TTL: '60s',
      },
    });
    try {
      const root = s3Client(first);
      for (const Bucket of ['public', 'private']) await root.send(new CreateBucketCommand({ Bucket }));
      await root.send(new PutObjectCommand({ Bucket: 'public', Key: 'readme.txt', Body: 'for everyone' }));
      await root.send(new PutObjectCommand({ Bucket: 'private', Key: 'secret.txt', Body: 'secret' }));
      await root.send(new PutObjectCommand({ Bucket: 'private', Key: 'open.txt', Body: 'open' }));
      // alice: the plugin allows her everything, but her own policy denies secret.txt and grants only reads.
      keys.alice2 = await makeUser(first, 'alice', {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' },
          { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::private/secret.txt' },
        ],
      });
      // bob: his policy allows reads everywhere; the plugin allows him public only.
      keys.bob2 = await makeUser(first, 'bob', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*' }],
      });
      asked.length = 0;
      const alice = client('alice2', first);
      await alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'open.txt' }));
      // The same question again (only the clock keys differ): answered from the cache.
      await alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'open.txt' }));
      await denied(alice.send(new GetObjectCommand({ Bucket: 'private', Key: 'secret.txt' })));
      await denied(alice.send(new PutObjectCommand({ Bucket: 'private', Key: 'x.txt', Body: 'x' })));
      // Only the built-in allow reached the plugin.
      expect(asked.filter((a) => who(a.input) === 'alice').map((a) => a.input.object)).toEqual(['open.txt']);
      expect(asked[0]!.path).toBe('/v1/data/tessera');
      const bob = client('bob2', first);
      await bob.send(new GetObjectCommand({ Bucket: 'public', Key: 'readme.txt' }));
      await denied(bob.send(new GetObjectCommand({ Bucket: 'private', Key: 'open.txt' })));
    } finally {
      await first.stop();
    }
  });
});
