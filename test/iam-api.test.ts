import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  paginateListUsers,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';

/**
 * The IAM Query API against the running server, driven by @aws-sdk/client-iam and the aws CLI
 * (POST / with a form body, SigV4 scope service `iam`).
 */
const run = promisify(execFile);
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

let server: RunningServer;
let iam: IAMClient;

function client(accessKeyId: string, secretAccessKey: string): IAMClient {
  return new IAMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
  });
}

/** The error name the SDK gives (modelled errors end in `Exception`). */
async function errorOf(
  p: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('the call succeeded');
}

async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await run(AWS, ['--endpoint-url', server.endpoint, '--output', 'json', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: ROOT_USER,
      AWS_SECRET_ACCESS_KEY: ROOT_PASSWORD,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
  });
  return stdout.trim() === '' ? undefined : JSON.parse(stdout);
}

const READ_LOGS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' }],
});
const SELF_GET = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' }],
});

beforeAll(async () => {
  // One worker: every call sees the previous one's change at once (propagation is tested elsewhere).
  server = await startServer({ workers: 1 });
  iam = client(ROOT_USER, ROOT_PASSWORD);
});
afterAll(async () => {
  iam?.destroy();
  await server?.stop();
});

describe('IAM API with @aws-sdk/client-iam', () => {
  it('users: create, get, list (paginated), tags, delete', async () => {
    const created = await iam.send(
      new CreateUserCommand({ UserName: 'sdk-alice', Tags: [{ Key: 'team', Value: 'blue' }] }),
    );
    expect(created.User).toMatchObject({ UserName: 'sdk-alice', Path: '/' });
    expect(created.User?.Arn).toMatch(/^arn:aws:iam::\d*:user\/sdk-alice$/);
    expect(created.User?.CreateDate).toBeInstanceOf(Date);
    const got = await iam.send(new GetUserCommand({ UserName: 'sdk-alice' }));
    expect(got.User?.UserId).toBe(created.User?.UserId);
    expect(got.User?.Tags).toEqual([{ Key: 'team', Value: 'blue' }]);
    for (let i = 0; i < 4; i++) await iam.send(new CreateUserCommand({ UserName: `sdk-page-${i}` }));
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, {})) {
      names.push(...(page.Users ?? []).map((u) => u.UserName!));
    }
    expect(names).toEqual(expect.arrayContaining(['sdk-alice', 'sdk-page-0', 'sdk-page-3']));
    expect(new Set(names).size).toBe(names.length);
    await iam.send(new TagUserCommand({ UserName: 'sdk-alice', Tags: [{ Key: 'cost', Value: 'c1' }] }));
    await iam.send(new UntagUserCommand({ UserName: 'sdk-alice', TagKeys: ['team'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'sdk-alice' }))).Tags).toEqual([
      { Key: 'cost', Value: 'c1' },
    ]);
    await iam.send(new DeleteUserCommand({ UserName: 'sdk-alice' }));
    const missing = await errorOf(iam.send(new GetUserCommand({ UserName: 'sdk-alice' })));
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    const dup = await errorOf(iam.send(new CreateUserCommand({ UserName: 'SDK-PAGE-0' })));
    expect(dup).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
  });

  it('access keys are working credentials; deny until a policy allows; DeleteConflict while keys exist', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'sdk-bob' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'sdk-bob' }))).AccessKey!;
    expect(key.AccessKeyId!.length).toBeGreaterThanOrEqual(16);
    expect(key.Status).toBe('Active');
    const bob = client(key.AccessKeyId!, key.SecretAccessKey!);
    const denied = await errorOf(bob.send(new GetUserCommand({})));
    expect(denied.status).toBe(403);
    expect(denied.message).toMatch(
      /is not authorized to perform: iam:GetUser on resource: arn:aws:iam::\d*:user\/sdk-bob$/,
    );
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'sdk-bob', PolicyName: 'self', PolicyDocument: SELF_GET }),
    );
    expect((await bob.send(new GetUserCommand({}))).User?.UserName).toBe('sdk-bob');
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'sdk-bob' }));
    expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([key.AccessKeyId]);
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'sdk-bob', AccessKeyId: key.AccessKeyId, Status: 'Inactive' }),
    );
    expect((await errorOf(bob.send(new GetUserCommand({})))).status).toBe(403);
    const conflict = await errorOf(iam.send(new DeleteUserCommand({ UserName: 'sdk-bob' })));
    expect(conflict).toMatchObject({ name: 'DeleteConflictException', status: 409 });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'sdk-bob', AccessKeyId: key.AccessKeyId }));
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'sdk-bob', PolicyName: 'self' }));
    await iam.send(new DeleteUserCommand({ UserName: 'sdk-bob' }));
    bob.destroy();
  });

  it('groups and membership', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'sdk-carol' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'sdk-devs' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'sdk-devs', UserName: 'sdk-carol' }));
    const g = await iam.send(new GetGroupCommand({ GroupName: 'sdk-devs' }));
    expect(g.Group?.GroupName).toBe('sdk-devs');
    expect(g.Users?.map((u) => u.UserName)).toEqual(['sdk-carol']);
    const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'sdk-carol' }));
    expect(forUser.Groups?.map((x) => x.GroupName)).toEqual(['sdk-devs']);
    expect((await errorOf(iam.send(new DeleteGroupCommand({ GroupName: 'sdk-devs' })))).name).toBe(
      'DeleteConflictException',
    );
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'sdk-devs', UserName: 'sdk-carol' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'sdk-devs' }));
  });

  it('managed policies, versions, attachments, inline policies', async () => {
    const p = (await iam.send(new CreatePolicyCommand({ PolicyName: 'sdk-logs', PolicyDocument: READ_LOGS })))
      .Policy!;
    expect(p).toMatchObject({
      PolicyName: 'sdk-logs',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
    });
    const arn = p.Arn!;
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.PolicyId).toBe(p.PolicyId);
    const v1 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    // AWS returns documents URL-encoded; the SDK leaves them so.
    expect(JSON.parse(decodeURIComponent(v1.PolicyVersion!.Document!))).toEqual(JSON.parse(READ_LOGS));
    const v2 = await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: READ_LOGS, SetAsDefault: true }),
    );
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual(['v2', 'v1']);
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }));
    expect(aws.Policies?.map((x) => x.PolicyName)).toEqual(
      expect.arrayContaining(['consoleAdmin', 'readonly', 'readwrite', 'writeonly', 'diagnostics']),
    );
    await iam.send(new CreateUserCommand({ UserName: 'sdk-dave' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'sdk-dave', PolicyArn: arn }));
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'sdk-dave' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'sdk-logs', PolicyArn: arn }]);
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    expect(entities.PolicyUsers?.map((u) => u.UserName)).toEqual(['sdk-dave']);
    expect((await errorOf(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).name).toBe(
      'DeleteConflictException',
    );
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'sdk-dave', PolicyName: 'inline', PolicyDocument: READ_LOGS }),
    );
    const inline = await iam.send(new GetUserPolicyCommand({ UserName: 'sdk-dave', PolicyName: 'inline' }));
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument!))).toEqual(JSON.parse(READ_LOGS));
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'sdk-dave' }))).PolicyNames).toEqual([
      'inline',
    ]);
    const malformed = await errorOf(
      iam.send(
        new PutUserPolicyCommand({
          UserName: 'sdk-dave',
          PolicyName: 'bad',
          PolicyDocument: '{"Statement":1}',
        }),
      ),
    );
    expect(malformed).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    const sim = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: (await iam.send(new GetUserCommand({ UserName: 'sdk-dave' }))).User!.Arn!,
        ActionNames: ['s3:GetObject', 's3:PutObject'],
        ResourceArns: ['arn:aws:s3:::logs/a'],
      }),
    );
    expect(sim.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
    await iam.send(new DetachUserPolicyCommand({ UserName: 'sdk-dave', PolicyArn: arn }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  });

  it('SimulateCustomPolicy with context entries', async () => {
    const r = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:PutObject',
                Resource: '*',
                Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
              },
            ],
          }),
        ],
        ActionNames: ['s3:PutObject'],
        ContextEntries: [
          { ContextKeyName: 'aws:SourceIp', ContextKeyType: 'ip', ContextKeyValues: ['10.1.1.1'] },
        ],
      }),
    );
    expect(r.IsTruncated).toBe(false);
    expect(r.EvaluationResults?.[0]).toMatchObject({
      EvalActionName: 's3:PutObject',
      EvalResourceName: '*',
      EvalDecision: 'allowed',
      MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1' }],
    });
  });
});

describe('IAM API with the aws CLI', () => {
  it('create-user, create-access-key, list-access-keys, policies (documents decoded), simulate', async () => {
    const user = (await aws('iam', 'create-user', '--user-name', 'cli-erin')) as {
      User: { UserName: string };
    };
    expect(user.User.UserName).toBe('cli-erin');
    const users = (await aws('iam', 'list-users')) as { Users: { UserName: string }[] };
    expect(users.Users.map((u) => u.UserName)).toContain('cli-erin');
    const key = (await aws('iam', 'create-access-key', '--user-name', 'cli-erin')) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string };
    };
    const id = key.AccessKey.AccessKeyId;
    await aws(
      'iam',
      'update-access-key',
      '--user-name',
      'cli-erin',
      '--access-key-id',
      id,
      '--status',
      'Inactive',
    );
    const keys = (await aws('iam', 'list-access-keys', '--user-name', 'cli-erin')) as {
      AccessKeyMetadata: { AccessKeyId: string; Status: string }[];
    };
    expect(keys.AccessKeyMetadata).toEqual([
      expect.objectContaining({ AccessKeyId: id, Status: 'Inactive' }),
    ]);
    const created = (await aws(
      'iam',
      'create-policy',
      '--policy-name',
      'cli-logs',
      '--policy-document',
      READ_LOGS,
    )) as {
      Policy: { Arn: string };
    };
    const version = (await aws(
      'iam',
      'get-policy-version',
      '--policy-arn',
      created.Policy.Arn,
      '--version-id',
      'v1',
    )) as { PolicyVersion: { Document: unknown } };
    // The CLI URL-decodes and parses the document, as it does for AWS.
    expect(version.PolicyVersion.Document).toEqual(JSON.parse(READ_LOGS));
    await aws('iam', 'attach-user-policy', '--user-name', 'cli-erin', '--policy-arn', created.Policy.Arn);
    const sim = (await aws(
      'iam',
      'simulate-custom-policy',
      '--policy-input-list',
      READ_LOGS,
      '--action-names',
      's3:GetObject',
      '--resource-arns',
      'arn:aws:s3:::logs/x',
    )) as { EvaluationResults: { EvalDecision: string }[] };
    expect(sim.EvaluationResults[0]?.EvalDecision).toBe('allowed');
    const missing = await aws('iam', 'get-user', '--user-name', 'cli-nobody').catch(
      (e: { stderr: string }) => e.stderr,
    );
    expect(String(missing)).toMatch(/NoSuchEntity/);
    await aws('iam', 'detach-user-policy', '--user-name', 'cli-erin', '--policy-arn', created.Policy.Arn);
    await aws('iam', 'delete-policy', '--policy-arn', created.Policy.Arn);
    await aws('iam', 'delete-access-key', '--user-name', 'cli-erin', '--access-key-id', id);
    await aws('iam', 'delete-user', '--user-name', 'cli-erin');
  });
});

describe('IAM API errors on the wire', () => {
  it('out-of-range parameters are ValidationError in an IAM ErrorResponse', async () => {
    const r = await errorOf(iam.send(new ListUsersCommand({ MaxItems: 0 })));
    expect(r).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});
