import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await h.close();
});

const READ_LOGS = doc('s3:GetObject', 'arn:aws:s3:::logs/*');
const DENY_SECRET = doc('s3:*', 'arn:aws:s3:::logs/secret/*', 'Deny');
const IP_ONLY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    },
  ],
});

type Row = {
  EvalActionName: string;
  EvalResourceName: string;
  EvalDecision: string;
  MatchedStatements:
    | {
        member?: {
          SourcePolicyId: string;
          SourcePolicyType: string;
          StatementIndex: string;
          StatementId?: string;
        }[];
      }
    | '';
  MissingContextValues: { member?: string[] } | '';
};
const rows = (r: { EvaluationResults: { member: Row[] } }) => r.EvaluationResults.member;

describe('SimulateCustomPolicy', () => {
  it('answers EvaluationResults with allowed / explicitDeny / implicitDeny and the matched statements', async () => {
    const r = (
      await h.call(h.root, 'SimulateCustomPolicy', {
        'PolicyInputList.member.1': READ_LOGS,
        'PolicyInputList.member.2': DENY_SECRET,
        'ActionNames.member.1': 's3:GetObject',
        'ActionNames.member.2': 's3:PutObject',
        'ResourceArns.member.1': 'arn:aws:s3:::logs/a.txt',
        'ResourceArns.member.2': 'arn:aws:s3:::logs/secret/b.txt',
      })
    ).SimulateCustomPolicyResult;
    expect(r.IsTruncated).toBe('false');
    const got = rows(r).map((x) => [x.EvalActionName, x.EvalResourceName, x.EvalDecision]);
    expect(got).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::logs/a.txt', 'allowed'],
      ['s3:GetObject', 'arn:aws:s3:::logs/secret/b.txt', 'explicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::logs/a.txt', 'implicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::logs/secret/b.txt', 'explicitDeny'],
    ]);
    expect(rows(r)[0]!.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', StatementIndex: '0' }],
    });
    expect(rows(r)[1]!.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'PolicyInputList.2', SourcePolicyType: 'IAM Policy', StatementIndex: '0' }],
    });
    expect(rows(r)[2]!.MatchedStatements).toBe('');
  });

  it('uses ContextEntries and reports MissingContextValues', async () => {
    const base = { 'PolicyInputList.member.1': IP_ONLY, 'ActionNames.member.1': 's3:PutObject' };
    const missing = rows((await h.call(h.root, 'SimulateCustomPolicy', base)).SimulateCustomPolicyResult)[0]!;
    expect(missing.EvalDecision).toBe('implicitDeny');
    expect(missing.EvalResourceName).toBe('*');
    expect(missing.MissingContextValues).toEqual({ member: ['aws:SourceIp'] });
    const entry = (ip: string) => ({
      ...base,
      'ContextEntries.member.1.ContextKeyName': 'aws:SourceIp',
      'ContextEntries.member.1.ContextKeyType': 'ip',
      'ContextEntries.member.1.ContextKeyValues.member.1': ip,
    });
    const inside = rows(
      (await h.call(h.root, 'SimulateCustomPolicy', entry('10.1.2.3'))).SimulateCustomPolicyResult,
    );
    expect(inside[0]).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: '' });
    const outside = rows(
      (await h.call(h.root, 'SimulateCustomPolicy', entry('192.168.0.1'))).SimulateCustomPolicyResult,
    );
    expect(outside[0]!.EvalDecision).toBe('implicitDeny');
    expect((await h.fail(h.root, 'SimulateCustomPolicy', entry('not-an-ip'))).code).toBe('InvalidInput');
    const badType = { ...entry('10.0.0.1'), 'ContextEntries.member.1.ContextKeyType': 'ipv4' };
    expect((await h.fail(h.root, 'SimulateCustomPolicy', badType)).code).toBe('ValidationError');
  });

  it("adds each matched statement's index and Sid, and the near misses (Tessera's additions)", async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' },
        {
          Sid: 'PutFromOffice',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
      ],
    });
    const r = rows(
      (
        await h.call(h.root, 'SimulateCustomPolicy', {
          'PolicyInputList.member.1': policy,
          'ActionNames.member.1': 's3:GetObject',
          'ActionNames.member.2': 's3:PutObject',
          'ResourceArns.member.1': 'arn:aws:s3:::logs/a.txt',
          'ContextEntries.member.1.ContextKeyName': 'aws:SourceIp',
          'ContextEntries.member.1.ContextKeyType': 'ip',
          'ContextEntries.member.1.ContextKeyValues.member.1': '192.168.0.1',
        })
      ).SimulateCustomPolicyResult,
    ) as (Row & { NearMisses?: { member: Record<string, string>[] } })[];
    expect(r[0]!.MatchedStatements).toEqual({
      member: [
        {
          SourcePolicyId: 'PolicyInputList.1',
          SourcePolicyType: 'IAM Policy',
          StatementIndex: '0',
          StatementId: 'ReadLogs',
        },
      ],
    });
    expect(r[0]!.NearMisses).toBeUndefined();
    expect(r[1]!.EvalDecision).toBe('implicitDeny');
    expect(r[1]!.NearMisses).toEqual({
      member: [
        {
          SourcePolicyId: 'PolicyInputList.1',
          StatementIndex: '1',
          Sid: 'PutFromOffice',
          Effect: 'Allow',
          Operator: 'IpAddress',
          Key: 'aws:SourceIp',
          Missing: 'false',
        },
      ],
    });
  });

  it('with a ResourcePolicy decides as enforcement would, for the CallerArn', async () => {
    const bucketPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::123456789012:user/carol'] },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::shared/*',
        },
      ],
    });
    const params = {
      'PolicyInputList.member.1': READ_LOGS,
      'ActionNames.member.1': 's3:GetObject',
      'ResourceArns.member.1': 'arn:aws:s3:::shared/x',
      ResourcePolicy: bucketPolicy,
    };
    expect((await h.fail(h.root, 'SimulateCustomPolicy', params)).code).toBe('InvalidInput');
    const asCarol = rows(
      (
        await h.call(h.root, 'SimulateCustomPolicy', {
          ...params,
          CallerArn: 'arn:aws:iam::123456789012:user/carol',
        })
      ).SimulateCustomPolicyResult,
    )[0]!;
    expect(asCarol.EvalDecision).toBe('allowed');
    expect(asCarol.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'ResourcePolicy', SourcePolicyType: 'resource', StatementIndex: '0' }],
    });
    const asDave = rows(
      (
        await h.call(h.root, 'SimulateCustomPolicy', {
          ...params,
          CallerArn: 'arn:aws:iam::123456789012:user/dave',
        })
      ).SimulateCustomPolicyResult,
    )[0]!;
    expect(asDave.EvalDecision).toBe('implicitDeny');
  });

  it('pages the results and refuses malformed input', async () => {
    const params: Record<string, string> = { 'PolicyInputList.member.1': READ_LOGS, MaxItems: '2' };
    for (let i = 1; i <= 5; i++) params[`ResourceArns.member.${i}`] = `arn:aws:s3:::logs/${i}`;
    params['ActionNames.member.1'] = 's3:GetObject';
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const r = (
        await h.call(h.root, 'SimulateCustomPolicy', { ...params, ...(marker ? { Marker: marker } : {}) })
      ).SimulateCustomPolicyResult;
      seen.push(...rows(r).map((x) => x.EvalResourceName));
      marker = r.IsTruncated === 'true' ? r.Marker : undefined;
    } while (marker);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((i) => `arn:aws:s3:::logs/${i}`));
    const bad = await h.fail(h.root, 'SimulateCustomPolicy', {
      'PolicyInputList.member.1': '{"Statement":[{"Effect":"Maybe"}]}',
      'ActionNames.member.1': 's3:GetObject',
    });
    expect(bad.code).toBe('MalformedPolicyDocument');
    expect(bad.message).toMatch(/^PolicyInputList\.1: /);
    expect(
      (await h.fail(h.root, 'SimulateCustomPolicy', { 'PolicyInputList.member.1': READ_LOGS })).code,
    ).toBe('ValidationError');
    expect(
      (await h.fail(h.root, 'SimulateCustomPolicy', { 'ActionNames.member.1': 's3:GetObject' })).code,
    ).toBe('ValidationError');
  });
});

describe('SimulatePrincipalPolicy', () => {
  beforeEach(async () => {
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
    await h.call(h.root, 'AddUserToGroup', { GroupName: 'devs', UserName: 'carol' });
    await h.call(h.root, 'CreatePolicy', { PolicyName: 'logs', PolicyDocument: READ_LOGS });
    await h.call(h.root, 'AttachUserPolicy', {
      UserName: 'carol',
      PolicyArn: 'arn:aws:iam::123456789012:policy/logs',
    });
    await h.call(h.root, 'PutGroupPolicy', {
      GroupName: 'devs',
      PolicyName: 'no-secrets',
      PolicyDocument: DENY_SECRET,
    });
    await h.call(h.root, 'AttachGroupPolicy', {
      GroupName: 'devs',
      PolicyArn: 'arn:aws:iam::aws:policy/writeonly',
    });
  });

  const ask = (source: string, extra: Record<string, string> = {}) => ({
    PolicySourceArn: source,
    'ActionNames.member.1': 's3:GetObject',
    'ActionNames.member.2': 's3:PutObject',
    'ResourceArns.member.1': 'arn:aws:s3:::logs/a',
    'ResourceArns.member.2': 'arn:aws:s3:::logs/secret/b',
    ...extra,
  });

  it("simulates a user's own and its groups' policies, naming each source", async () => {
    const r = rows(
      (await h.call(h.root, 'SimulatePrincipalPolicy', ask('arn:aws:iam::123456789012:user/carol')))
        .SimulatePrincipalPolicyResult,
    );
    expect(r.map((x) => x.EvalDecision)).toEqual(['allowed', 'explicitDeny', 'allowed', 'explicitDeny']);
    expect(r[0]!.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'logs', SourcePolicyType: 'user-managed', StatementIndex: '0' }],
    });
    expect(r[1]!.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'group/devs/no-secrets', SourcePolicyType: 'group', StatementIndex: '0' }],
    });
    expect(r[2]!.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'writeonly', SourcePolicyType: 'aws-managed', StatementIndex: '0' }],
    });
  });

  it("simulates a group's policies alone, plus any PolicyInputList", async () => {
    const r = rows(
      (
        await h.call(
          h.root,
          'SimulatePrincipalPolicy',
          ask('arn:aws:iam::123456789012:group/devs', { 'PolicyInputList.member.1': doc('s3:GetObject') }),
        )
      ).SimulatePrincipalPolicyResult,
    );
    expect(r.map((x) => x.EvalDecision)).toEqual(['allowed', 'explicitDeny', 'allowed', 'explicitDeny']);
    expect(r[0]!.MatchedStatements).toEqual({
      member: [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', StatementIndex: '0' }],
    });
  });

  it('refuses unknown, foreign and root sources; authorizes on the source ARN', async () => {
    const fail = (arn: string) => h.fail(h.root, 'SimulatePrincipalPolicy', ask(arn));
    expect((await fail('arn:aws:iam::123456789012:user/nobody')).code).toBe('NoSuchEntity');
    expect((await fail('arn:aws:iam::999999999999:user/carol')).code).toBe('NoSuchEntity');
    expect((await fail('arn:aws:iam::123456789012:role/r')).code).toBe('NoSuchEntity');
    expect((await fail('arn:aws:iam::123456789012:root')).code).toBe('InvalidInput');
    expect((await fail('carol')).code).toBe('InvalidInput');
    const dave = await h.user('dave');
    await h.call(h.root, 'PutUserPolicy', {
      UserName: 'dave',
      PolicyName: 'sim-self',
      PolicyDocument: doc('iam:SimulatePrincipalPolicy', 'arn:aws:iam::*:user/${aws:username}'),
    });
    await h.call(dave, 'SimulatePrincipalPolicy', ask('arn:aws:iam::123456789012:user/dave'));
    const denied = await h.fail(dave, 'SimulatePrincipalPolicy', ask('arn:aws:iam::123456789012:user/carol'));
    expect(denied.message).toBe(
      'User: arn:aws:iam::123456789012:user/dave is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::123456789012:user/carol',
    );
  });
});
