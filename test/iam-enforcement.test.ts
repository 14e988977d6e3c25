import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DetachUserPolicyCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, s3Client, startServer } from './helpers/server.js';

let server: RunningServer;
let root: S3Client;
let iam: IAMClient;

async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'allow',
    (e: unknown) =>
      e instanceof S3ServiceException ? (e.name === 'AccessDenied' ? 'deny' : e.name) : String(e),
  );
}

async function userClient(name: string, document: object): Promise<{ client: S3Client; policyArn: string }> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const policy = await iam.send(
    new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(document) }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy.Policy!.Arn! }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  const client = s3Client(server, {
    credentials: {
      accessKeyId: key.AccessKey!.AccessKeyId!,
      secretAccessKey: key.AccessKey!.SecretAccessKey!,
    },
    maxAttempts: 1,
  });
  return { client, policyArn: policy.Policy!.Arn! };
}

/** Polls until `check` gives `want` (the change feed's promise is about a second), or gives up after 5 s. */
async function eventually(check: () => Promise<string>, want: string): Promise<string> {
  const deadline = Date.now() + 5000;
  let last = await check();
  while (last !== want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await check();
  }
  return last;
}

beforeAll(async () => {
  server = await startServer({ workers: 2 });
  root = s3Client(server);
  iam = new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ROOT_USER, secretAccessKey: ROOT_PASSWORD },
  });
  await root.send(new CreateBucketCommand({ Bucket: 'tags' }));
  await root.send(
    new PutObjectCommand({ Bucket: 'tags', Key: 'public-doc', Body: 'p', Tagging: 'class=public' }),
  );
  await root.send(
    new PutObjectCommand({ Bucket: 'tags', Key: 'secret-doc', Body: 's', Tagging: 'class=secret' }),
  );
});
afterAll(async () => {
  root?.destroy();
  iam?.destroy();
  await server?.stop();
});

describe('tag conditions', () => {
  it('s3:ExistingObjectTag decides reads; s3:RequestObjectTag decides tagged writes', async () => {
    const { client } = await userClient('tagger', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectTagging'],
          Resource: 'arn:aws:s3:::tags/*',
          Condition: { StringEquals: { 's3:ExistingObjectTag/class': 'public' } },
        },
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:PutObjectTagging'],
          Resource: 'arn:aws:s3:::tags/*',
          Condition: {
            StringEquals: { 's3:RequestObjectTag/class': 'public' },
            'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['class'] },
          },
        },
      ],
    });
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: 'tags', Key: 'public-doc' })))).toBe(
      'allow',
    );
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: 'tags', Key: 'secret-doc' })))).toBe(
      'deny',
    );
    expect(
      await outcome(client.send(new GetObjectTaggingCommand({ Bucket: 'tags', Key: 'secret-doc' }))),
    ).toBe('deny');
    expect(
      await outcome(
        client.send(
          new PutObjectCommand({ Bucket: 'tags', Key: 'new-public', Body: 'n', Tagging: 'class=public' }),
        ),
      ),
    ).toBe('allow');
    expect(
      await outcome(
        client.send(
          new PutObjectCommand({ Bucket: 'tags', Key: 'new-secret', Body: 'n', Tagging: 'class=secret' }),
        ),
      ),
    ).toBe('deny');
    expect(
      await outcome(client.send(new PutObjectCommand({ Bucket: 'tags', Key: 'untagged', Body: 'n' }))),
    ).toBe('deny');
    expect(
      await outcome(
        client.send(
          new PutObjectCommand({ Bucket: 'tags', Key: 'extra', Body: 'n', Tagging: 'class=public&owner=me' }),
        ),
      ),
    ).toBe('deny');
    // Re-tagging an object changes what its existing tags allow.
    await root.send(
      new PutObjectTaggingCommand({
        Bucket: 'tags',
        Key: 'secret-doc',
        Tagging: { TagSet: [{ Key: 'class', Value: 'public' }] },
      }),
    );
    expect(await outcome(client.send(new GetObjectCommand({ Bucket: 'tags', Key: 'secret-doc' })))).toBe(
      'allow',
    );
  });
});

describe('s3:prefix listing', () => {
  it('lists only under the prefix the policy names', async () => {
    const { client } = await userClient('lister', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::tags',
          Condition: { StringLike: { 's3:prefix': ['team/${aws:username}/*'] } },
        },
      ],
    });
    expect(
      await outcome(client.send(new ListObjectsV2Command({ Bucket: 'tags', Prefix: 'team/lister/' }))),
    ).toBe('allow');
    expect(
      await outcome(client.send(new ListObjectsV2Command({ Bucket: 'tags', Prefix: 'team/other/' }))),
    ).toBe('deny');
    expect(await outcome(client.send(new ListObjectsV2Command({ Bucket: 'tags' })))).toBe('deny');
  });
});

describe('change propagation across workers', () => {
  it('a policy attached or detached through one worker is enforced by every worker within about a second', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'late' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'late' }));
    const client = s3Client(server, {
      credentials: {
        accessKeyId: key.AccessKey!.AccessKeyId!,
        secretAccessKey: key.AccessKey!.SecretAccessKey!,
      },
      maxAttempts: 1,
    });
    const read = () => outcome(client.send(new GetObjectCommand({ Bucket: 'tags', Key: 'public-doc' })));
    // Several requests land on both workers (new connections are spread by the kernel).
    const all = async () => {
      const results = await Promise.all(Array.from({ length: 8 }, read));
      return results.every((r) => r === results[0]) ? results[0]! : 'mixed';
    };
    expect(await all()).toBe('deny');
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'late', PolicyArn: 'arn:aws:iam::aws:policy/readonly' }),
    );
    expect(await eventually(all, 'allow')).toBe('allow');
    await iam.send(
      new DetachUserPolicyCommand({ UserName: 'late', PolicyArn: 'arn:aws:iam::aws:policy/readonly' }),
    );
    expect(await eventually(all, 'deny')).toBe('deny');
  });
});
