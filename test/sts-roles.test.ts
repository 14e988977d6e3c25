import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateRoleCommand,
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
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson } from './helpers/aws-cli.js';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * IAM roles and AssumeRole of a real role, against the running server, with the AWS SDKs and the
 * aws CLI: trust policies (who, conditions), the caller's own permission, MaxSessionDuration, the
 * session acting with the role's policies, and changes to the role taking effect at once.
 */

let server: RunningServer;
let iam: IAMClient;
let root: S3Client;
const BUCKET = 'role-data';
const ROLE_ARN = (name: string) => `arn:aws:iam:::role/${name}`;

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const sts = (credentials: Keys) =>
  new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const s3As = (credentials: Keys) => s3Client(server, { credentials, maxAttempts: 1 });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException || e instanceof STSServiceException) return e.name;
    throw e;
  }
}

async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trusting = (principal: string | string[], condition?: object) =>
  doc([
    {
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: 'sts:AssumeRole',
      ...(condition === undefined ? {} : { Condition: condition }),
    },
  ]);

/** A user with an inline policy (none: no permissions of its own). */
async function user(name: string, statements: object[] = []): Promise<Keys> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (statements.length > 0) {
    await iam.send(
      new PutUserPolicyCommand({ UserName: name, PolicyName: 'own', PolicyDocument: doc(statements) }),
    );
  }
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

const mayAssume = (role = '*') => ({
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Resource: role === '*' ? '*' : ROLE_ARN(role),
});

async function assume(who: Keys, role: string, extra: Record<string, unknown> = {}): Promise<Keys> {
  const out = await sts(who).send(
    new AssumeRoleCommand({ RoleArn: ROLE_ARN(role), RoleSessionName: 'app', ...extra }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

const READ_BUCKET = doc([
  {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:ListBucket'],
    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  },
]);

async function poll(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
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

describe('roles', () => {
  it('CreateRole / GetRole with AWS shapes; a malformed trust policy is refused', async () => {
    const trust = trusting('arn:aws:iam:::user/nobody');
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'shape', AssumeRolePolicyDocument: trust, Description: 'd' }),
    );
    expect(created.Role).toMatchObject({
      RoleName: 'shape',
      Arn: ROLE_ARN('shape'),
      Path: '/',
      MaxSessionDuration: 3600,
    });
    expect(created.Role!.RoleId).toMatch(/^AROA/);
    const got = await iam.send(new GetRoleCommand({ RoleName: 'SHAPE' }));
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(trust);
    expect(got.Role!.Description).toBe('d');
    const bad = doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    expect(
      await message(iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: bad }))),
    ).toMatch(/Principal/);
    expect(
      await message(
        iam.send(
          new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: trust, MaxSessionDuration: 60 }),
        ),
      ),
    ).toMatch(/maxSessionDuration/);
  });

  it('a user the trust policy names and whose policy allows it assumes the role; the session has the role’s permissions', async () => {
    const dana = await user('dana', [mayAssume('reader')]);
    await iam.send(
      new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: trusting('arn:aws:iam:::root') }),
    );
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'reader', PolicyName: 'read', PolicyDocument: READ_BUCKET }),
    );
    // On its own, dana can read nothing.
    expect(await code(s3As(dana).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'seed' })))).toBe(
      'AccessDenied',
    );
    const out = await sts(dana).send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN('reader'), RoleSessionName: 'job-1' }),
    );
    expect(out.AssumedRoleUser!.Arn).toBe('arn:aws:sts:::assumed-role/reader/job-1');
    expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:job-1$/);
    const c = out.Credentials!;
    const session = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const me = await sts(session).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe('arn:aws:sts:::assumed-role/reader/job-1');
    const s3 = s3As(session);
    expect(await code(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'seed' })))).toBe('ok');
    expect(await code(s3.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toBe('ok');
    expect(await code(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: 'x' })))).toBe(
      'AccessDenied',
    );
    // The account in the trust policy only delegates: without its own Allow, erin is refused.
    const erin = await user('erin');
    expect(await code(assume(erin, 'reader'))).toBe('AccessDenied');
  });

  it('a trust policy naming the user’s exact ARN needs no identity allow; others are AccessDenied', async () => {
    const fay = await user('fay');
    const gil = await user('gil', [mayAssume()]);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'fays',
        AssumeRolePolicyDocument: trusting('arn:aws:iam:::user/fay'),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'fays', PolicyName: 'read', PolicyDocument: READ_BUCKET }),
    );
    const session = await assume(fay, 'fays');
    expect(await code(s3As(session).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'seed' })))).toBe('ok');
    const denied = await message(assume(gil, 'fays'));
    expect(denied).toContain(
      'is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam:::role/fays',
    );
  });

  it('sts:ExternalId conditions, MaxSessionDuration and RoleSessionName are enforced', async () => {
    const hal = await user('hal');
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'partner',
        AssumeRolePolicyDocument: trusting('arn:aws:iam:::user/hal', {
          StringEquals: { 'sts:ExternalId': 'secret-42' },
        }),
      }),
    );
    expect(await code(assume(hal, 'partner'))).toBe('AccessDenied');
    expect(await code(assume(hal, 'partner', { ExternalId: 'wrong' }))).toBe('AccessDenied');
    expect(await code(assume(hal, 'partner', { ExternalId: 'secret-42' }))).toBe('ok');
    const tooLong = await message(assume(hal, 'partner', { ExternalId: 'secret-42', DurationSeconds: 7200 }));
    expect(tooLong).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    await iam.send(new UpdateRoleCommand({ RoleName: 'partner', MaxSessionDuration: 7200 }));
    expect(await code(assume(hal, 'partner', { ExternalId: 'secret-42', DurationSeconds: 7200 }))).toBe('ok');
    const unnamed = sts(hal).send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN('partner'), ExternalId: 'secret-42' } as never),
    );
    expect(await message(unnamed)).toMatch(/roleSessionName|RoleSessionName/);
  });

  it('removing the role’s policy takes effect on live sessions at once; deleting the role stops them', async () => {
    const ivy = await user('ivy');
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'temp',
        AssumeRolePolicyDocument: trusting('arn:aws:iam:::user/ivy'),
      }),
    );
    const policy = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'temp-read', PolicyDocument: READ_BUCKET }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'temp', PolicyArn: policy.Policy!.Arn! }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'temp', PolicyName: 'list', PolicyDocument: READ_BUCKET }),
    );
    const session = await assume(ivy, 'temp');
    const s3 = s3As(session);
    const get = () => code(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'seed' })));
    expect(await get()).toBe('ok');
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'temp', PolicyName: 'list' }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'temp', PolicyArn: policy.Policy!.Arn! }));
    expect(await poll(async () => (await get()) === 'AccessDenied')).toBe(true);
    await iam.send(new DeleteRoleCommand({ RoleName: 'temp' }));
    expect(await poll(async () => (await get()) === 'InvalidToken')).toBe(true);
  });

  it('a RoleArn naming no role keeps MinIO’s behaviour: a session of the caller', async () => {
    const jo = await user('jo');
    const out = await sts(jo).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/x', RoleSessionName: 'minio' }),
    );
    expect(out.AssumedRoleUser!.Arn).toBe('arn:aws:iam:::user/jo');
  });

  it('aws iam create-role and aws sts assume-role', async () => {
    const kit = await user('kit');
    const created = await awsCliJson(server.endpoint, [
      'iam',
      'create-role',
      '--role-name',
      'cli-role',
      '--assume-role-policy-document',
      trusting('arn:aws:iam:::user/kit'),
    ]);
    expect((created['Role'] as { Arn: string }).Arn).toBe(ROLE_ARN('cli-role'));
    await awsCliJson(server.endpoint, [
      'iam',
      'put-role-policy',
      '--role-name',
      'cli-role',
      '--policy-name',
      'read',
      '--policy-document',
      READ_BUCKET,
    ]);
    const assumed = await awsCliJson(
      server.endpoint,
      ['sts', 'assume-role', '--role-arn', ROLE_ARN('cli-role'), '--role-session-name', 'cli'],
      kit,
    );
    expect((assumed['AssumedRoleUser'] as { Arn: string }).Arn).toBe(
      'arn:aws:sts:::assumed-role/cli-role/cli',
    );
    const c = assumed['Credentials'] as {
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
    };
    const listed = await awsCliJson(server.endpoint, ['s3api', 'list-objects-v2', '--bucket', BUCKET], {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    });
    expect((listed['Contents'] as { Key: string }[]).map((o) => o.Key)).toContain('seed');
  });
});
