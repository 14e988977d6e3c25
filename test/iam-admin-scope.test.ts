import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamCall, iamQuery, xmlValue } from './helpers/iam.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * Admin actions and Resource, access-key name squatting, and deeply nested policies, against the
 * running server (docs/security.md).
 */

let server: RunningServer;
type Keys = { accessKeyId: string; secretAccessKey: string };

/** A user with an access key and one inline policy allowing `statement`. */
async function userWith(name: string, ...statements: object[]): Promise<Keys> {
  await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: name });
  const created = await iamQuery(server.endpoint, { Action: 'CreateAccessKey', UserName: name });
  if (statements.length > 0) {
    await iamQuery(server.endpoint, {
      Action: 'PutUserPolicy',
      UserName: name,
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
  }
  return {
    accessKeyId: xmlValue(created, 'AccessKeyId')!,
    secretAccessKey: xmlValue(created, 'SecretAccessKey')!,
  };
}

const call = (keys: Keys | undefined, params: Record<string, string>) =>
  keys === undefined ? iamCall(server.endpoint, params) : iamCall(server.endpoint, params, keys);

beforeAll(async () => {
  server = await startServer({ workers: 1 });
  await iamQuery(server.endpoint, { Action: 'CreateUser', UserName: 'carol' });
});

afterAll(async () => {
  await server?.stop();
});

describe('admin actions and Resource', () => {
  it('an admin statement naming a user scopes the action to that user', async () => {
    const erin = await userWith('erin', {
      Effect: 'Allow',
      Action: 'admin:CreateServiceAccount',
      Resource: 'arn:aws:iam:::user/erin',
    });
    expect((await call(erin, { Action: 'CreateAccessKey' })).status).toBe(200);
    expect((await call(erin, { Action: 'CreateAccessKey', UserName: 'erin' })).status).toBe(200);
    const forCarol = await call(erin, {
      Action: 'CreateAccessKey',
      UserName: 'carol',
      AccessKeyId: 'carol-chosen-key-0001-with-more-than-sixty-four-characters-in-it-xx',
      SecretAccessKey: 'chosen-secret-0123456789',
    });
    expect(forCarol.code).toBe('AccessDenied');
    expect(forCarol.body).toContain('on resource: arn:aws:iam:::user/carol');
    expect((await call(erin, { Action: 'CreateAccessKey', UserName: 'CAROL' })).code).toBe('AccessDenied');
    const keys = await iamQuery(server.endpoint, { Action: 'ListAccessKeys', UserName: 'carol' });
    expect(keys).not.toContain('<AccessKeyId>');
  });

  it('without Resource, or with * or arn:aws:s3:::*, an admin statement applies deployment-wide', async () => {
    const wide = [
      { Effect: 'Allow', Action: 'admin:CreateServiceAccount' },
      { Effect: 'Allow', Action: 'admin:CreateServiceAccount', Resource: '*' },
      { Effect: 'Allow', Action: ['admin:CreateServiceAccount', 's3:*'], Resource: 'arn:aws:s3:::*' },
    ];
    for (const [i, statement] of wide.entries()) {
      const keys = await userWith(`wide-${i}`, statement);
      expect((await call(keys, { Action: 'CreateAccessKey', UserName: 'carol' })).status).toBe(200);
    }
  });
});

describe('access key ids and user names', () => {
  it('a caller who may only manage its own keys cannot choose a key id that is a future user name', async () => {
    const own = await userWith('olga', {
      Effect: 'Allow',
      Action: ['iam:CreateAccessKey', 'iam:ListAccessKeys'],
      Resource: 'arn:aws:iam:::user/${aws:username}',
    });
    const squat = await call(own, {
      Action: 'CreateAccessKey',
      AccessKeyId: 'future-user',
      SecretAccessKey: 'chosen-secret-0123456789',
    });
    expect(squat.code).toBe('AccessDenied');
    expect(squat.body).toContain('iam:CreateUser on resource: arn:aws:iam:::user/future-user');
    // The name stays free for the user it belongs to.
    expect((await call(undefined, { Action: 'CreateUser', UserName: 'future-user' })).status).toBe(200);
    // Generated ids, and chosen ids that cannot be user names (over 64 characters), need no more.
    expect((await call(own, { Action: 'CreateAccessKey' })).status).toBe(200);
    const long = `k${'0'.repeat(70)}`;
    const chosen = await call(own, {
      Action: 'CreateAccessKey',
      AccessKeyId: long,
      SecretAccessKey: 'chosen-secret-0123456789',
    });
    expect(chosen.status).toBe(200);
    expect(xmlValue(chosen.body, 'AccessKeyId')).toBe(long);
  });

  it('a caller also allowed to create that user may choose the key id', async () => {
    const admin = await userWith('ingrid', {
      Effect: 'Allow',
      Action: ['iam:CreateAccessKey', 'iam:CreateUser'],
      Resource: '*',
    });
    const res = await call(admin, {
      Action: 'CreateAccessKey',
      AccessKeyId: 'ingrid-app',
      SecretAccessKey: 'chosen-secret-0123456789',
    });
    expect(res.status).toBe(200);
    expect((await call(undefined, { Action: 'CreateUser', UserName: 'ingrid-app' })).code).toBe(
      'EntityAlreadyExists',
    );
  });
});

describe('deeply nested policy documents', () => {
  const deep = `{"Version":"2012-10-17","Statement":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

  it('SimulateCustomPolicy authorizes before it parses: a caller without permission is denied', async () => {
    const nobody = await userWith('nobody');
    const res = await call(nobody, {
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': deep,
      'ActionNames.member.1': 's3:GetObject',
    });
    expect(res.code).toBe('AccessDenied');
  });

  it('is MalformedPolicyDocument (400) wherever a policy is accepted, never a 500', async () => {
    for (const params of [
      {
        Action: 'SimulateCustomPolicy',
        'PolicyInputList.member.1': deep,
        'ActionNames.member.1': 's3:GetObject',
      },
      { Action: 'CreatePolicy', PolicyName: 'deep', PolicyDocument: deep },
      { Action: 'PutUserPolicy', UserName: 'carol', PolicyName: 'deep', PolicyDocument: deep },
    ]) {
      const res = await call(undefined, params);
      expect([res.status, res.code]).toEqual([400, 'MalformedPolicyDocument']);
    }
    expect((await call(undefined, { Action: 'GetUser', UserName: 'carol' })).status).toBe(200);
  });
});
