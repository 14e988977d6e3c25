import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliJson } from './helpers/aws-cli.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let iam: IAMClient;
let root: S3Client;
const BUCKET = 'sts-data';

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function sts(credentials: Keys): STSClient {
  return new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

function s3As(credentials: Keys): S3Client {
  return s3Client(server, { credentials, maxAttempts: 1 });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException || e instanceof STSServiceException) {
      if (process.env['STS_DEBUG']) console.log(e.name, e.message);
      return e.name;
    }
    throw e;
  }
}

/** A user whose key may do everything on the bucket (and nothing else). */
async function user(name: string, extra: object[] = []): Promise<Keys> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${name}-bucket`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:*',
            Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
          },
          ...extra,
        ],
      }),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

function temporary(
  c:
    | {
        AccessKeyId?: string | undefined;
        SecretAccessKey?: string | undefined;
        SessionToken?: string | undefined;
      }
    | undefined,
): Keys {
  return {
    accessKeyId: c!.AccessKeyId!,
    secretAccessKey: c!.SecretAccessKey!,
    sessionToken: c!.SessionToken!,
  };
}

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'seed', Body: 'seed' }));
});
afterAll(async () => {
  iam?.destroy();
  root?.destroy();
  await server?.stop();
});

describe('STS', () => {
  it('GetSessionToken: temporary credentials act as their parent and need their token', async () => {
    const alice = await user('alice');
    const out = await sts(alice).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const temp = temporary(out.Credentials);
    expect(temp.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(temp.secretAccessKey).toHaveLength(40);
    const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(800_000);
    expect(lifetime).toBeLessThanOrEqual(900_000);
    const s3 = s3As(temp);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'from-session', Body: 'x' }));
    const who = await sts(temp).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:iam:::user/alice');
    // Outside the parent's permissions: still denied.
    expect(await code(s3.send(new CreateBucketCommand({ Bucket: 'not-alices' })))).toBe('AccessDenied');
    // Without its token the key is unknown; with another token, the token is invalid.
    expect(
      await code(
        s3As({ accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey }).send(
          new ListObjectsV2Command({ Bucket: BUCKET }),
        ),
      ),
    ).toBe('InvalidAccessKeyId');
    const tampered = `${temp.sessionToken!.slice(0, -4)}AAAA`;
    expect(
      await code(
        s3As({ ...temp, sessionToken: tampered }).send(new ListObjectsV2Command({ Bucket: BUCKET })),
      ),
    ).toBe('InvalidToken');
    // Sessions cannot mint sessions.
    expect(await code(sts(temp).send(new GetSessionTokenCommand({})))).toBe('AccessDenied');
  });

  it('AssumeRole (MinIO-style, any RoleArn): a session policy narrows the parent', async () => {
    const bob = await user('bob');
    const out = await sts(bob).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::000000000000:role/x',
        RoleSessionName: 'reader',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
        }),
      }),
    );
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const s3 = s3As(temporary(out.Credentials));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'seed' }));
    expect(await got.Body!.transformToString()).toBe('seed');
    expect(await code(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'nope', Body: 'x' })))).toBe(
      'AccessDenied',
    );
    expect(await code(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toBe('AccessDenied');
  });

  it("root's sessions are evaluated: a session policy narrows even root", async () => {
    const out = await sts({ accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD }).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::000000000000:role/x',
        RoleSessionName: 'root-lister',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
        }),
      }),
    );
    const s3 = s3As(temporary(out.Credentials));
    expect((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount).toBeGreaterThan(0);
    expect(await code(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' })))).toBe(
      'AccessDenied',
    );
  });

  it('disabling the parent key stops its sessions at once', async () => {
    const carol = await user('carol');
    const out = await sts(carol).send(new GetSessionTokenCommand({}));
    const s3 = s3As(temporary(out.Credentials));
    expect(await code(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toBe('ok');
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: carol.accessKeyId, Status: 'Inactive' }),
    );
    let last = '';
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      last = await code(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })));
      if (last !== 'ok') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe('InvalidToken');
  });

  it('refuses bad parameters with the STS error codes, and an explicit Deny of sts:AssumeRole', async () => {
    const dave = await user('dave');
    const client = sts(dave);
    expect(await code(client.send(new GetSessionTokenCommand({ DurationSeconds: 100 })))).toBe(
      'ValidationError',
    );
    expect(
      await code(
        client.send(
          new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 'sess', DurationSeconds: 13 * 3600 }),
        ),
      ),
    ).toBe('ValidationError');
    expect(
      await code(
        client.send(
          new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 'sess', Policy: '{"Version":' }),
        ),
      ),
    ).toBe('MalformedPolicyDocumentException');
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 40 }, (_, i) => ({
        Sid: `S${i}`,
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${BUCKET}/${i}`,
      })),
    });
    expect(big.length).toBeGreaterThan(2048);
    expect(
      await code(
        client.send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 'sess', Policy: big })),
      ),
    ).toBe('PackedPolicyTooLargeException');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'dave',
        PolicyName: 'no-sessions',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }],
        }),
      }),
    );
    let last = '';
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      last = await code(client.send(new AssumeRoleCommand({ RoleArn: 'arn:x', RoleSessionName: 'sess' })));
      if (last !== 'ok') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe('AccessDenied');
    expect(await code(client.send(new GetSessionTokenCommand({})))).toBe('ok');
  });

  it('unsigned calls: only the web identity calls are accepted, and need a configured provider', async () => {
    const post = async (body: string) => {
      const res = await fetch(`${server.endpoint}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return { status: res.status, body: await res.text() };
    };
    const web = await post(
      'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&WebIdentityToken=abc&RoleArn=arn:x',
    );
    expect(web.status).toBe(400);
    expect(web.body).toContain('<Code>InvalidIdentityToken</Code>');
    const missing = await post('Action=AssumeRoleWithWebIdentity&Version=2011-06-15');
    expect(missing.body).toContain('<Code>MissingParameter</Code>');
    const who = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(who.status).toBe(403);
    expect(who.body).toContain('<Code>AccessDenied</Code>');
    const iamCall = await post('Action=ListUsers&Version=2010-05-08');
    expect(iamCall.status).toBe(403);
  });

  it('the aws CLI: get-caller-identity and assume-role', async () => {
    const who = await awsCliJson(server.endpoint, ['sts', 'get-caller-identity']);
    expect(who['Arn']).toBe('arn:aws:iam:::root');
    const assumed = await awsCliJson(server.endpoint, [
      'sts',
      'assume-role',
      '--role-arn',
      'arn:aws:iam::000000000000:role/x',
      '--role-session-name',
      'cli',
    ]);
    const c = assumed['Credentials'] as Record<string, string>;
    const listed = await awsCli(server.endpoint, ['s3', 'ls', `s3://${BUCKET}`], {
      accessKeyId: c['AccessKeyId']!,
      secretAccessKey: c['SecretAccessKey']!,
      sessionToken: c['SessionToken']!,
    });
    expect(listed).toContain('seed');
  });
});
