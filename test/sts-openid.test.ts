import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  AssumeRoleWithWebIdentityCommand,
  type Credentials,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { fromWebToken } from '@aws-sdk/credential-provider-web-identity';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { roleArnFor } from '../src/idp/index.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * The real `oidc-provider` package in this process on loopback issues JWT access tokens
 * (client_credentials) with "policy" and "groups" claims; the real Tessera server verifies them
 * in AssumeRoleWithWebIdentity, and the credentials it answers make real S3 calls.
 */

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** Clients of the test IdP and the claims their tokens carry. */
const CLIENTS: Record<string, Record<string, unknown>> = {
  reader: { policy: 'readonly', groups: ['analysts'], preferred_username: 'reader-bot' },
  writer: { policy: 'bucket-writer,readonly,own-home', repository: 'my-org/my-repo' },
  nopolicy: {},
  unknownpolicy: { policy: 'no-such-policy' },
};
const BUCKET = 'oidc-data';

let http: Server;
let issuer = '';
let idpKeys: SigningKey[] = [];
let handler: RequestListener;

/** (Re)creates the provider with `keys` (the first signs): a restart is how oidc-provider rotates. */
async function provider(keys: SigningKey[]): Promise<void> {
  // oidc-provider ships no types; a computed specifier keeps it `any`.
  const name = 'oidc-provider';
  const { default: Provider } = await import(name);
  idpKeys = keys;
  const p = new Provider(issuer, {
    clients: Object.keys(CLIENTS).map((client_id) => ({
      client_id,
      client_secret: `${client_id}-secret-0123456789`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: keys.map((k) => k.jwk) },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:tessera',
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 's3',
          audience: resource === 'urn:other' ? 'other-api' : resource === 'urn:ci' ? 'ci' : 'tessera',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { ClientCredentials: 600 },
    extraTokenClaims: async (_ctx: unknown, token: { clientId: string }) => CLIENTS[token.clientId] ?? {},
  });
  handler = p.callback();
}

async function token(client: string, resource?: string): Promise<string> {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client,
      client_secret: `${client}-secret-0123456789`,
      scope: 's3',
      ...(resource === undefined ? {} : { resource }),
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A token signed with the IdP's current key but claims of our choosing (times, issuer…). */
async function forged(claims: Record<string, unknown>, key = idpKeys[0]!): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: issuer,
    aud: 'tessera',
    sub: 'forged',
    iat: now,
    exp: now + 600,
    policy: 'readonly',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .sign(key.privateKey);
}

let server: RunningServer;
let iam: IAMClient;

function sts(): STSClient {
  return new STSClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1 });
}

async function assume(webToken: string, extra: { RoleArn?: string; DurationSeconds?: number } = {}) {
  return sts().send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: 'arn:aws:iam::000000000000:role/any',
      RoleSessionName: 'oidc-test',
      WebIdentityToken: webToken,
      ...extra,
    }),
  );
}

function s3With(c: Credentials | undefined) {
  return s3Client(server, {
    maxAttempts: 1,
    credentials: {
      accessKeyId: c!.AccessKeyId!,
      secretAccessKey: c!.SecretAccessKey!,
      sessionToken: c!.SessionToken!,
    },
  });
}

/** The error's name ('ok' when the call succeeds), and its message. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException || e instanceof STSServiceException) return `${e.name}: ${e.message}`;
    throw e;
  }
}

beforeAll(async () => {
  http = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await provider([await signingKey('k1')]);
  server = await startServer({
    workers: 2,
    env: {
      MINIO_IDENTITY_OPENID_CONFIG_URL: `${issuer}/.well-known/openid-configuration`,
      MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera',
      // A second provider on the same issuer, for another client id, with a role policy.
      MINIO_IDENTITY_OPENID_CONFIG_URL_CI: `${issuer}/.well-known/openid-configuration`,
      MINIO_IDENTITY_OPENID_CLIENT_ID_CI: 'ci',
      MINIO_IDENTITY_OPENID_ROLE_POLICY_CI: 'readwrite',
    },
  });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  const root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'report.txt', Body: 'numbers' }));
  root.destroy();
  await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'own-home',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${BUCKET}/home/\${jwt:sub}/*`,
            Condition: { StringEquals: { 'jwt:repository': 'my-org/my-repo' } },
          },
        ],
      }),
    }),
  );
  await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'bucket-writer',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/uploads/*` },
        ],
      }),
    }),
  );
});
afterAll(async () => {
  iam?.destroy();
  await server?.stop();
  await new Promise((r) => http?.close(r));
});

describe('AssumeRoleWithWebIdentity with a real OpenID provider', () => {
  it('the SDK (unsigned call): a token mapped to readonly reads and cannot write', async () => {
    const jwt = await token('reader');
    const out = await assume(jwt);
    expect(out.SubjectFromWebIdentityToken).toBe('reader');
    expect(out.Audience).toBe('tessera');
    expect(out.Provider).toBe(issuer);
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    // The default duration (1 h), not the token's 10 minutes.
    expect(lifetime).toBeGreaterThan(3000_000);
    const s3 = s3With(out.Credentials);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'report.txt' }));
    expect(await got.Body!.transformToString()).toBe('numbers');
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: 'x' })))).toMatch(
      /^AccessDenied/,
    );
    expect(await outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toMatch(/^AccessDenied/);
    const who = await new STSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      },
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toMatch(/:assumed-role\//);
    s3.destroy();
  });

  it('fromWebToken: a comma list of policies (one the IAM API created) allows what they allow', async () => {
    const credentials = fromWebToken({
      roleArn: 'arn:aws:iam::000000000000:role/any',
      roleSessionName: 'writer',
      webIdentityToken: await token('writer'),
      clientConfig: { endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1 },
    });
    const s3 = s3Client(server, { credentials, maxAttempts: 1 });
    expect(
      await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/a', Body: 'a' }))),
    ).toBe('ok');
    expect(await outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/a' })))).toBe('ok');
    // jwt:<claim> policy variables and condition keys: its own home (sub "writer"), not another's.
    expect(
      await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'home/writer/a', Body: 'a' }))),
    ).toBe('ok');
    expect(
      await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'home/reader/a', Body: 'a' }))),
    ).toMatch(/^AccessDenied/);
    expect(
      await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'elsewhere', Body: 'a' }))),
    ).toMatch(/^AccessDenied/);
    s3.destroy();
  });

  it("the groups claim maps to Tessera groups: a group's policy applies", async () => {
    const group = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'analysts-list',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` }],
        }),
      }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'analysts' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'analysts', PolicyArn: group.Policy!.Arn! }));
    const s3 = s3With((await assume(await token('reader'))).Credentials);
    let last = '';
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      last = await outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })));
      if (last === 'ok') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe('ok');
    s3.destroy();
  });

  it("role_policy: the provider's RoleArn gives its policies", async () => {
    const jwt = await token('reader', 'urn:ci');
    const out = await assume(jwt, { RoleArn: roleArnFor('ci') });
    expect(out.Audience).toBe('ci');
    const s3 = s3With(out.Credentials);
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ci/build', Body: 'b' })))).toBe(
      'ok',
    );
    s3.destroy();
    expect(await outcome(assume(jwt, { RoleArn: roleArnFor('someone-else') }))).toMatch(/^IDPRejectedClaim/);
  });

  it('key rotation: tokens signed with a new key are accepted (the JWKS is fetched again)', async () => {
    // Before the negative cases: their unknown kid uses up the JWKS refetch for 30 s (the rate limit).
    // Both workers have the old JWKS cached.
    for (let i = 0; i < 4; i++) expect(await outcome(assume(await token('reader')))).toBe('ok');
    await provider([await signingKey('k2'), ...idpKeys]);
    const rotated = await token('reader');
    expect(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid).toBe('k2');
    for (let i = 0; i < 4; i++) expect(await outcome(assume(rotated))).toBe('ok');
  });

  it('negative cases: each the right STS error', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | Promise<string>, RegExp][] = [
      ['wrong audience', token('reader', 'urn:other'), /^InvalidIdentityToken.*wrong audience/],
      ['no policy', token('nopolicy'), /^IDPRejectedClaim/],
      ['unknown policy in the claim', token('unknownpolicy'), /^IDPRejectedClaim.*no-such-policy/],
      ['wrong issuer', forged({ iss: 'https://elsewhere.example' }), /^InvalidIdentityToken.*wrong issuer/],
      ['expired', forged({ exp: now - 3600, iat: now - 7200 }), /^InvalidIdentityToken.*expired \d+ s ago/],
      ['not yet valid', forged({ nbf: now + 3600 }), /^InvalidIdentityToken.*not valid for another/],
      ['unknown kid', signingKey('nobody').then((k) => forged({}, k)), /^InvalidIdentityToken.*unknown kid/],
      ['garbage', 'not-a-token', /^InvalidIdentityToken/],
    ];
    for (const [what, t, expected] of cases) {
      expect(await outcome(assume(await t)), what).toMatch(expected);
    }
    // alg none and HS256 with the public key as its secret.
    const good = await token('reader');
    const [, payload] = good.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect(await outcome(assume(none))).toMatch(/^InvalidIdentityToken.*alg none/);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = idpKeys[0]!.jwk;
    const hs = await new SignJWT({
      iss: issuer,
      aud: 'tessera',
      sub: 'x',
      exp: now + 600,
      policy: 'consoleAdmin',
    })
      .setProtectedHeader({ alg: 'HS256', kid: idpKeys[0]!.kid })
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await outcome(assume(hs))).toMatch(/^InvalidIdentityToken.*HS256/);
    // Bad signature: the real token's payload changed.
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = good.replace(
      payload!,
      Buffer.from(JSON.stringify({ ...claims, policy: 'consoleAdmin' })).toString('base64url'),
    );
    expect(await outcome(assume(tampered))).toMatch(/^InvalidIdentityToken.*bad signature/);
  });

  it("MinIO's AssumeRoleWithClientGrants: the token in Token, the form posted unsigned", async () => {
    const res = await fetch(`${server.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'AssumeRoleWithClientGrants',
        Version: '2011-06-15',
        DurationSeconds: '900',
        Token: await token('reader'),
      }),
    });
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    expect(xml).toMatch(/<AccessKeyId>ASIA[A-Z2-7]+<\/AccessKeyId>/);
    expect(xml).toContain('<SubjectFromToken>reader</SubjectFromToken>');
  });

  it('an invalid setting stops the server at startup, naming the variable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-oidc-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    await expect(
      startServer({
        dataDir,
        workers: 0,
        env: {
          MINIO_IDENTITY_OPENID_CONFIG_URL: `${issuer}/.well-known/openid-configuration`,
          MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera',
          TESSERA_IDENTITY_OPENID_ALGORITHMS: 'RS256,HS256',
        },
      }),
    ).rejects.toThrow(/TESSERA_IDENTITY_OPENID_ALGORITHMS/);
  });

  it('the provider unreachable → IDPCommunicationError', async () => {
    // A fresh server configured with a provider on a closed port.
    const lone = await startServer({
      workers: 0,
      env: {
        MINIO_IDENTITY_OPENID_CONFIG_URL: 'http://127.0.0.1:1/.well-known/openid-configuration',
        MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera',
      },
    });
    try {
      const client = new STSClient({ endpoint: lone.endpoint, region: 'us-east-1', maxAttempts: 1 });
      expect(
        await outcome(
          client.send(
            new AssumeRoleWithWebIdentityCommand({
              RoleArn: 'arn:aws:iam::000000000000:role/any',
              RoleSessionName: 's',
              WebIdentityToken: await forged({ iss: 'http://127.0.0.1:1' }),
            }),
          ),
        ),
      ).toMatch(/^IDPCommunicationError/);
    } finally {
      await lone.stop();
    }
  });
});
