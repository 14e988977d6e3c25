import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  IAMServiceException,
  ListOpenIDConnectProvidersCommand,
  PutRolePolicyCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson } from './helpers/aws-cli.js';
import { startTlsIdp, type TlsIdp } from './helpers/oidc-tls.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * IAM OIDC providers and AssumeRoleWithWebIdentity into roles, against the running server: the
 * real `oidc-provider` package in this process, on HTTPS with a certificate the server trusts
 * (NODE_EXTRA_CA_CERTS), issues JWT access tokens; the provider is registered with
 * @aws-sdk/client-iam and the aws CLI; roles trust it with `<host>:sub` / `:aud` conditions.
 */

const BUCKET = 'oidc-role-data';
const THUMB = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
/** Clients of the test IdP and the extra claims of their tokens (sub is the client id). */
const CLIENTS: Record<string, Record<string, unknown>> = {
  deploy: {},
  intruder: {},
  tagger: {
    'https://aws.amazon.com/tags': {
      principal_tags: { Project: ['blue'] },
      transitive_tag_keys: ['Project'],
    },
  },
};

let idp: TlsIdp;
let issuer = '';
let host = '';
let providerArn = '';
let server: RunningServer;
let iam: IAMClient;

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ROLE_ARN = (n: string) => `arn:aws:iam:::role/${n}`;

function trustProvider(
  condition: Record<string, Record<string, string | string[]>>,
  actions = ['sts:AssumeRoleWithWebIdentity'],
) {
  return [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: actions, Condition: condition }];
}

async function role(name: string, trust: object[], policy: object[]): Promise<void> {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc(trust) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: doc(policy) }));
}

const sts = () => new STSClient({ endpoint: server.endpoint, region: 'us-east-1', maxAttempts: 1 });
const assume = async (name: string, jwt: string) =>
  sts().send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: ROLE_ARN(name),
      RoleSessionName: 'job',
      WebIdentityToken: jwt,
    }),
  );

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (
      e instanceof S3ServiceException ||
      e instanceof STSServiceException ||
      e instanceof IAMServiceException
    )
      return `${e.name}: ${e.message}`;
    throw e;
  }
}

const keysOf = (c: Credentials | undefined) => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});
const read = (c: Credentials | undefined, key: string) =>
  outcome(
    s3Client(server, { credentials: keysOf(c), maxAttempts: 1 }).send(
      new GetObjectCommand({ Bucket: BUCKET, Key: key }),
    ),
  );

beforeAll(async () => {
  idp = await startTlsIdp(CLIENTS);
  ({ issuer, host } = idp);
  server = await startServer({ workers: 2, env: { NODE_EXTRA_CA_CERTS: idp.caFile } });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  const root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const key of ['blue/a', 'red/a'])
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
  root.destroy();
});
afterAll(async () => {
  iam?.destroy();
  await server?.stop();
  await idp?.close();
});

describe('IAM OIDC providers', () => {
  it('aws iam create-open-id-connect-provider registers the IdP', async () => {
    const out = await awsCliJson(server.endpoint, [
      'iam',
      'create-open-id-connect-provider',
      '--url',
      issuer,
      '--client-id-list',
      'tessera-app',
      '--thumbprint-list',
      THUMB,
    ]);
    providerArn = out['OpenIDConnectProviderArn'] as string;
    expect(providerArn).toBe(`arn:aws:iam:::oidc-provider/${host}`);
    const got = await awsCliJson(server.endpoint, [
      'iam',
      'get-open-id-connect-provider',
      '--open-id-connect-provider-arn',
      providerArn,
    ]);
    expect(got).toMatchObject({ Url: host, ClientIDList: ['tessera-app'], ThumbprintList: [THUMB] });
  });

  it('CRUD with @aws-sdk/client-iam, AWS’s errors', async () => {
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://idp.example.com/realms/dev',
        ClientIDList: ['a'],
        Tags: [{ Key: 'env', Value: 'dev' }],
      }),
    );
    const arn = created.OpenIDConnectProviderArn!;
    expect(arn).toBe('arn:aws:iam:::oidc-provider/idp.example.com/realms/dev');
    await iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'b' }),
    );
    await iam.send(
      new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'a' }),
    );
    await iam.send(
      new UpdateOpenIDConnectProviderThumbprintCommand({
        OpenIDConnectProviderArn: arn,
        ThumbprintList: [THUMB],
      }),
    );
    const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(got).toMatchObject({
      Url: 'idp.example.com/realms/dev',
      ClientIDList: ['b'],
      ThumbprintList: [THUMB],
      Tags: [{ Key: 'env', Value: 'dev' }],
    });
    expect(got.CreateDate).toBeInstanceOf(Date);
    const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(listed.OpenIDConnectProviderList!.map((p) => p.Arn).sort()).toEqual([arn, providerArn].sort());
    expect(
      await outcome(
        iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://idp.example.com/realms/dev/' })),
      ),
    ).toMatch(/^EntityAlreadyExists/);
    expect(
      await outcome(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://idp.example.com' }))),
    ).toMatch(/^InvalidInput/);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    expect(
      await outcome(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))),
    ).toMatch(/^NoSuchEntity(Exception)?: OpenIDConnect Provider not found for arn/);
  });
});

describe('AssumeRoleWithWebIdentity into a role that trusts the IAM OIDC provider', () => {
  it('the trust policy’s <host>:sub condition admits one subject and refuses another', async () => {
    await role(
      'deployer',
      trustProvider({ StringEquals: { [`${host}:sub`]: 'deploy', [`${host}:aud`]: 'tessera-app' } }),
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
    );
    const out = await assume('deployer', await idp.token('deploy'));
    expect(out.AssumedRoleUser!.Arn).toBe('arn:aws:sts:::assumed-role/deployer/job');
    expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:job$/);
    expect(out.SubjectFromWebIdentityToken).toBe('deploy');
    expect(out.Provider).toBe(issuer);
    expect(out.Audience).toBe('tessera-app');
    expect(await read(out.Credentials, 'blue/a')).toBe('ok');
    const who = await new STSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: keysOf(out.Credentials),
    }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts:::assumed-role/deployer/job');
    expect(await outcome(assume('deployer', await idp.token('intruder')))).toBe(
      'AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity',
    );
  });

  it('an audience outside the ClientIDList is InvalidIdentityToken; adding it admits the token', async () => {
    await role('any-sub', trustProvider({ StringLike: { [`${host}:sub`]: '*' } }), [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
    ]);
    const other = await idp.token('deploy', 'urn:other');
    expect(await outcome(assume('any-sub', other))).toMatch(/^InvalidIdentityToken/);
    await iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: providerArn,
        ClientID: 'other-app',
      }),
    );
    expect(await outcome(assume('any-sub', other))).toBe('ok');
  });

  it('the tags claim: session tags need sts:TagSession in the trust policy, then decide S3 calls', async () => {
    const policy = [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/\${aws:PrincipalTag/Project}/*`,
      },
    ];
    await role('no-tagging', trustProvider({ StringEquals: { [`${host}:sub`]: 'tagger' } }), policy);
    expect(await outcome(assume('no-tagging', await idp.token('tagger')))).toMatch(/^AccessDenied/);
    await role(
      'tagging',
      trustProvider({ StringEquals: { [`${host}:sub`]: 'tagger' } }, [
        'sts:AssumeRoleWithWebIdentity',
        'sts:TagSession',
      ]),
      policy,
    );
    const out = await assume('tagging', await idp.token('tagger'));
    expect(await read(out.Credentials, 'blue/a')).toBe('ok');
    expect(await read(out.Credentials, 'red/a')).toMatch(/^AccessDenied/);
  });

  it('a trust policy that does not name the provider refuses; a deleted provider is InvalidIdentityToken', async () => {
    await role(
      'everyone',
      [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' }],
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    );
    expect(await outcome(assume('everyone', await idp.token('deploy')))).toMatch(/^AccessDenied/);
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    expect(await outcome(assume('deployer', await idp.token('deploy')))).toMatch(
      /^InvalidIdentityToken(Exception)?: No OpenIDConnect provider found in your account for https:\/\/127\.0\.0\.1/,
    );
  });
});

describe('AssumeRoleWithWebIdentity into a role with a provider the server is configured with', () => {
  it('the role’s trust policy decides; a RoleArn of no role keeps the configured provider’s session', async () => {
    const other = await startServer({
      workers: 1,
      env: {
        NODE_EXTRA_CA_CERTS: idp.caFile,
        TESSERA_IDENTITY_OPENID_CONFIG_URL: `${issuer}/.well-known/openid-configuration`,
        TESSERA_IDENTITY_OPENID_CLIENT_ID: 'tessera-app',
        TESSERA_IDENTITY_OPENID_ROLE_POLICY: 'readonly',
      },
    });
    const otherIam = new IAMClient({
      endpoint: other.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
    });
    try {
      const trust = [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam:::oidc-provider/${host}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${host}:sub`]: 'deploy' } },
        },
      ];
      await otherIam.send(
        new CreateRoleCommand({ RoleName: 'deployer', AssumeRolePolicyDocument: doc(trust) }),
      );
      const client = new STSClient({ endpoint: other.endpoint, region: 'us-east-1', maxAttempts: 1 });
      const into = (roleArn: string, jwt: string) =>
        client.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: 'job',
            WebIdentityToken: jwt,
          }),
        );
      const out = await into(ROLE_ARN('deployer'), await idp.token('deploy'));
      expect(out.AssumedRoleUser!.Arn).toBe('arn:aws:sts:::assumed-role/deployer/job');
      expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:job$/);
      expect(await outcome(into(ROLE_ARN('deployer'), await idp.token('intruder')))).toMatch(/^AccessDenied/);
      // No such role: MinIO's claim-mapped session of the configured provider, as before.
      const mapped = await into('arn:aws:iam::000000000000:role/any', await idp.token('intruder'));
      expect(mapped.AssumedRoleUser!.AssumedRoleId).toBe('default:intruder');
    } finally {
      otherIam.destroy();
      await other.stop();
    }
  });
});
