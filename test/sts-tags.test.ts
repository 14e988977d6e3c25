import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  type Credentials,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

/**
 * Session tags (ABAC) against the running server with @aws-sdk/client-sts: AssumeRole with Tags
 * and TransitiveTagKeys, sts:TagSession in the trust and identity policies, aws:PrincipalTag in
 * role, user and bucket policies deciding real S3 calls, and transitive tags in role chaining.
 */

let server: RunningServer;
let iam: IAMClient;
let root: S3Client;
const BUCKET = 'tag-data';
const OPEN = 'tag-open';
const ROLE_ARN = (name: string) => `arn:aws:iam:::role/${name}`;

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
type Tag = { Key: string; Value: string };

const sts = (credentials: Keys) =>
  new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const s3As = (credentials: Keys) => s3Client(server, { credentials, maxAttempts: 1 });
const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The error's name and message ('ok' when the call succeeds). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof S3ServiceException || e instanceof STSServiceException) return `${e.name}: ${e.message}`;
    throw e;
  }
}

async function user(name: string, statements: object[]): Promise<Keys> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(
    new PutUserPolicyCommand({ UserName: name, PolicyName: 'own', PolicyDocument: doc(statements) }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

async function role(name: string, trust: object[], policy: object[], tags: Tag[] = []): Promise<void> {
  await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: doc(trust), Tags: tags }));
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: doc(policy) }));
}

function keysOf(out: { Credentials?: Credentials | undefined }): Keys {
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

async function assume(who: Keys, name: string, extra: Partial<AssumeRoleCommandInput> = {}) {
  return sts(who).send(new AssumeRoleCommand({ RoleArn: ROLE_ARN(name), RoleSessionName: 'app', ...extra }));
}

/** Reads `key` of the bucket with these credentials: 'ok' or the error. */
const read = (who: Keys, key: string, bucket = BUCKET) =>
  outcome(s3As(who).send(new GetObjectCommand({ Bucket: bucket, Key: key })));

const tagged = () => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: `arn:aws:s3:::${BUCKET}/\${aws:PrincipalTag/Project}/*`,
});
const trustAccount = (actions: string[], condition?: object) => ({
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam:::root' },
  Action: actions,
  ...(condition === undefined ? {} : { Condition: condition }),
});

let alice: Keys;

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  root = s3Client(server);
  for (const b of [BUCKET, OPEN]) await root.send(new CreateBucketCommand({ Bucket: b }));
  for (const key of ['blue/a', 'red/a', 'green/a'])
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
  await root.send(new PutObjectCommand({ Bucket: OPEN, Key: 'ops-only', Body: 'x' }));
  // Only callers whose principal tag Team is ops may read OPEN (any principal: no identity policy needed).
  await root.send(
    new PutBucketPolicyCommand({
      Bucket: OPEN,
      Policy: doc([
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${OPEN}/*`,
          Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'ops' } },
        },
      ]),
    }),
  );
  alice = await user('alice', [
    { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' },
  ]);
  // The role reads the prefix its session's Project tag names; its own Project tag is red.
  await role(
    'abac',
    [
      trustAccount(['sts:AssumeRole']),
      trustAccount(['sts:TagSession'], { StringEquals: { 'aws:RequestTag/Project': ['blue', 'red'] } }),
    ],
    [tagged()],
    [{ Key: 'Project', Value: 'red' }],
  );
});
afterAll(async () => {
  iam?.destroy();
  root?.destroy();
  await server?.stop();
});

describe('session tags', () => {
  it('AssumeRole with Tags: aws:PrincipalTag of the session, over the role’s tag of the same key', async () => {
    // Without session tags the role's own tag decides: red.
    const plain = keysOf(await assume(alice, 'abac'));
    expect(await read(plain, 'red/a')).toBe('ok');
    expect(await read(plain, 'blue/a')).toMatch(/^AccessDenied/);
    // A session tag `project` (another case) replaces the role's `Project`.
    const out = await assume(alice, 'abac', { Tags: [{ Key: 'project', Value: 'blue' }] });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const blue = keysOf(out);
    expect(await read(blue, 'blue/a')).toBe('ok');
    expect(await read(blue, 'red/a')).toMatch(/^AccessDenied/);
    expect(await read(blue, 'green/a')).toMatch(/^AccessDenied/);
  });

  it('the trust policy’s sts:TagSession conditions on aws:RequestTag decide', async () => {
    expect(await outcome(assume(alice, 'abac', { Tags: [{ Key: 'Project', Value: 'green' }] }))).toMatch(
      /^AccessDenied: .*sts:TagSession on resource: arn:aws:iam:::role\/abac/,
    );
  });

  it('sts:TagSession missing from the caller’s policy or from the trust policy: AccessDenied', async () => {
    const carol = await user('carol', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    expect(await outcome(assume(carol, 'abac'))).toBe('ok');
    expect(await outcome(assume(carol, 'abac', { Tags: [{ Key: 'Project', Value: 'blue' }] }))).toMatch(
      /^AccessDenied: User: arn:aws:iam:::user\/carol is not authorized to perform: sts:TagSession/,
    );
    await role('no-tags', [trustAccount(['sts:AssumeRole'])], [tagged()]);
    expect(await outcome(assume(alice, 'no-tags'))).toBe('ok');
    expect(await outcome(assume(alice, 'no-tags', { Tags: [{ Key: 'Project', Value: 'blue' }] }))).toMatch(
      /^AccessDenied: .*sts:TagSession/,
    );
  });

  it('limits as AWS: duplicate keys in any case, too many, too long', async () => {
    expect(
      await outcome(
        assume(alice, 'abac', {
          Tags: [
            { Key: 'Project', Value: 'blue' },
            { Key: 'PROJECT', Value: 'red' },
          ],
        }),
      ),
    ).toMatch(/^InvalidParameterValue: Duplicate tag keys/);
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    expect(await outcome(assume(alice, 'abac', { Tags: many }))).toMatch(/^ValidationError/);
    expect(await outcome(assume(alice, 'abac', { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }))).toMatch(
      /^ValidationError/,
    );
    expect(
      await outcome(
        assume(alice, 'abac', { Tags: [{ Key: 'Project', Value: 'blue' }], TransitiveTagKeys: ['Team'] }),
      ),
    ).toMatch(/^InvalidParameterValue/);
  });

  it('user tags are principal tags of the user’s sessions; session tags override them', async () => {
    const bob = await user('bob', [{ Effect: 'Allow', Action: 'sts:TagSession', Resource: '*' }]);
    await iam.send(new TagUserCommand({ UserName: 'bob', Tags: [{ Key: 'Team', Value: 'ops' }] }));
    expect(await read(bob, 'ops-only', OPEN)).toBe('ok');
    const session = keysOf(await sts(bob).send(new GetSessionTokenCommand({})));
    expect(await read(session, 'ops-only', OPEN)).toBe('ok');
    // AssumeRole without a role (MinIO's mode) with a session tag team=dev: no longer ops.
    const dev = keysOf(
      await sts(bob).send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/any',
          RoleSessionName: 'dev',
          Tags: [{ Key: 'team', Value: 'dev' }],
        }),
      ),
    );
    expect(await read(dev, 'ops-only', OPEN)).toMatch(/^AccessDenied/);
    // Without sts:TagSession in its own policy a user may not tag even its own session.
    const eve = await user('eve', [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]);
    expect(
      await outcome(
        sts(eve).send(
          new AssumeRoleCommand({
            RoleArn: 'arn:aws:iam::000000000000:role/any',
            RoleSessionName: 'eve-session',
            Tags: [{ Key: 'Team', Value: 'ops' }],
          }),
        ),
      ),
    ).toMatch(/^AccessDenied: .*sts:TagSession/);
  });

  it('role chaining: transitive tags carry over and cannot be overridden; others do not', async () => {
    await role(
      'first',
      [trustAccount(['sts:AssumeRole', 'sts:TagSession'])],
      [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: ROLE_ARN('second') }],
    );
    await role(
      'second',
      [
        {
          Effect: 'Allow',
          Principal: { AWS: [ROLE_ARN('first'), ROLE_ARN('second')] },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
      [
        tagged(),
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN('second') },
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/red/*`,
          Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'ops' } },
        },
      ],
    );
    const first = keysOf(
      await assume(alice, 'first', {
        Tags: [
          { Key: 'Project', Value: 'blue' },
          { Key: 'Team', Value: 'ops' },
        ],
        TransitiveTagKeys: ['Project'],
      }),
    );
    const second = keysOf(await assume(first, 'second'));
    expect(await read(second, 'blue/a')).toBe('ok');
    // Team was not transitive: the second session does not have it.
    expect(await read(second, 'red/a')).toMatch(/^AccessDenied/);
    // A new tag in the chained call is allowed; the transitive key cannot be set again.
    const withTeam = keysOf(await assume(first, 'second', { Tags: [{ Key: 'Team', Value: 'ops' }] }));
    expect(await read(withTeam, 'red/a')).toBe('ok');
    expect(await read(withTeam, 'blue/a')).toBe('ok');
    expect(await outcome(assume(first, 'second', { Tags: [{ Key: 'project', Value: 'red' }] }))).toMatch(
      /^InvalidParameterValue/,
    );
    // And it stays transitive further down the chain.
    const third = keysOf(await assume(second, 'second'));
    expect(await read(third, 'blue/a')).toBe('ok');
  });
});
