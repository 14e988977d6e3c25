import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await h.close();
});

const LOGS = doc('s3:GetObject', 'arn:aws:s3:::logs/*');
const ARN = 'arn:aws:iam::123456789012:policy/logs';

describe('managed policies', () => {
  it('CreatePolicy / GetPolicy answer the Policy structure', async () => {
    const p = (
      await h.call(h.root, 'CreatePolicy', {
        PolicyName: 'logs',
        PolicyDocument: LOGS,
        Description: 'read logs',
      })
    ).CreatePolicyResult.Policy;
    expect(p).toMatchObject({
      PolicyName: 'logs',
      Arn: ARN,
      Path: '/',
      DefaultVersionId: 'v1',
      AttachmentCount: '0',
      PermissionsBoundaryUsageCount: '0',
      IsAttachable: 'true',
      Description: 'read logs',
    });
    expect(p.PolicyId).toMatch(/^ANPA/);
    const got = (await h.call(h.root, 'GetPolicy', { PolicyArn: ARN })).GetPolicyResult.Policy;
    expect(got).toEqual(p);
    const builtin = (await h.call(h.root, 'GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/readonly' }))
      .GetPolicyResult.Policy;
    expect(builtin).toMatchObject({ PolicyName: 'readonly', Arn: 'arn:aws:iam::aws:policy/readonly' });
  });

  it('refuses malformed documents, duplicates, foreign and unknown ARNs', async () => {
    expect(
      (await h.fail(h.root, 'CreatePolicy', { PolicyName: 'x', PolicyDocument: '{"Version":' })).code,
    ).toBe('MalformedPolicyDocument');
    expect(
      (await h.fail(h.root, 'CreatePolicy', { PolicyName: 'x', PolicyDocument: doc('s3:NoSuchAction') }))
        .code,
    ).toBe('MalformedPolicyDocument');
    expect(
      (await h.fail(h.root, 'CreatePolicy', { PolicyName: 'ReadOnly', PolicyDocument: LOGS })).code,
    ).toBe('EntityAlreadyExists');
    expect(
      (
        await h.fail(h.root, 'CreatePolicy', {
          PolicyName: 'x',
          PolicyDocument: LOGS,
          'Tags.member.1.Key': 'a',
        })
      ).code,
    ).toBe('InvalidInput');
    await h.call(h.root, 'CreatePolicy', { PolicyName: 'logs', PolicyDocument: LOGS });
    expect(
      (await h.fail(h.root, 'GetPolicy', { PolicyArn: 'arn:aws:iam::999999999999:policy/logs' })).code,
    ).toBe('NoSuchEntity');
    expect((await h.fail(h.root, 'GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/logs' })).code).toBe(
      'NoSuchEntity',
    );
    expect((await h.fail(h.root, 'GetPolicy', { PolicyArn: 'not-an-arn' })).code).toBe('InvalidInput');
  });

  it('ListPolicies: Scope, OnlyAttached, paging; built-ins are AWS-managed', async () => {
    await h.call(h.root, 'CreatePolicy', { PolicyName: 'logs', PolicyDocument: LOGS });
    await h.call(h.root, 'CreatePolicy', { PolicyName: 'audit', PolicyDocument: LOGS });
    const names = async (params: Record<string, string>) =>
      ((await h.call(h.root, 'ListPolicies', params)).ListPoliciesResult.Policies.member ?? []).map(
        (p: { PolicyName: string }) => p.PolicyName,
      );
    const builtins = ['consoleAdmin', 'diagnostics', 'readonly', 'readwrite', 'writeonly'];
    expect(await names({})).toEqual([...builtins, 'audit', 'logs']);
    expect(await names({ Scope: 'AWS' })).toEqual(builtins);
    expect(await names({ Scope: 'Local' })).toEqual(['audit', 'logs']);
    await h.call(h.root, 'CreateUser', { UserName: 'carol' });
    await h.call(h.root, 'AttachUserPolicy', { UserName: 'carol', PolicyArn: ARN });
    await h.call(h.root, 'AttachUserPolicy', {
      UserName: 'carol',
      PolicyArn: 'arn:aws:iam::aws:policy/readonly',
    });
    expect(await names({ OnlyAttached: 'true' })).toEqual(['readonly', 'logs']);
    expect(await names({ Scope: 'Local', OnlyAttached: 'true' })).toEqual(['logs']);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const r = (
        await h.call(h.root, 'ListPolicies', { MaxItems: '3', ...(marker ? { Marker: marker } : {}) })
      ).ListPoliciesResult;
      seen.push(...r.Policies.member.map((p: { PolicyName: string }) => p.PolicyName));
      marker = r.IsTruncated === 'true' ? r.Marker : undefined;
    } while (marker);
    expect(seen).toEqual([...builtins, 'audit', 'logs']);
    expect((await h.fail(h.root, 'ListPolicies', { Scope: 'Mine' })).code).toBe('ValidationError');
  });

  it('versions: documents come back URL-encoded; default switching; limits and conflicts as in AWS', async () => {
    await h.call(h.root, 'CreatePolicy', { PolicyName: 'logs', PolicyDocument: LOGS });
    const v1 = (await h.call(h.root, 'GetPolicyVersion', { PolicyArn: ARN, VersionId: 'v1' }))
      .GetPolicyVersionResult.PolicyVersion;
    expect(v1).toMatchObject({
      VersionId: 'v1',
      IsDefaultVersion: 'true',
      Document: encodeURIComponent(LOGS),
    });
    expect(JSON.parse(decodeURIComponent(v1.Document))).toEqual(JSON.parse(LOGS));
    const v2doc = doc(['s3:GetObject', 's3:ListBucket'], ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*']);
    const v2 = (
      await h.call(h.root, 'CreatePolicyVersion', {
        PolicyArn: ARN,
        PolicyDocument: v2doc,
        SetAsDefault: 'true',
      })
    ).CreatePolicyVersionResult.PolicyVersion;
    expect(v2).toMatchObject({ VersionId: 'v2', IsDefaultVersion: 'true' });
    expect(v2.Document).toBeUndefined();
    await h.call(h.root, 'CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: LOGS });
    const versions = (await h.call(h.root, 'ListPolicyVersions', { PolicyArn: ARN }))
      .ListPolicyVersionsResult;
    expect(versions.Versions.member.map((v: { VersionId: string }) => v.VersionId)).toEqual([
      'v3',
      'v2',
      'v1',
    ]);
    expect(versions.Versions.member[1].IsDefaultVersion).toBe('true');
    expect(versions.Versions.member[0].Document).toBeUndefined();
    const page = (await h.call(h.root, 'ListPolicyVersions', { PolicyArn: ARN, MaxItems: '2' }))
      .ListPolicyVersionsResult;
    expect(page.IsTruncated).toBe('true');
    const rest = (await h.call(h.root, 'ListPolicyVersions', { PolicyArn: ARN, Marker: page.Marker }))
      .ListPolicyVersionsResult;
    expect(rest.Versions.member.map((v: { VersionId: string }) => v.VersionId)).toEqual(['v1']);
    expect((await h.fail(h.root, 'DeletePolicyVersion', { PolicyArn: ARN, VersionId: 'v2' })).code).toBe(
      'DeleteConflict',
    );
    await h.call(h.root, 'SetDefaultPolicyVersion', { PolicyArn: ARN, VersionId: 'v1' });
    expect(
      (await h.call(h.root, 'GetPolicy', { PolicyArn: ARN })).GetPolicyResult.Policy.DefaultVersionId,
    ).toBe('v1');
    await h.call(h.root, 'CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: LOGS });
    await h.call(h.root, 'CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: LOGS });
    expect((await h.fail(h.root, 'CreatePolicyVersion', { PolicyArn: ARN, PolicyDocument: LOGS })).code).toBe(
      'LimitExceeded',
    );
    expect((await h.fail(h.root, 'DeletePolicy', { PolicyArn: ARN })).code).toBe('DeleteConflict');
    for (const v of ['v2', 'v3', 'v4', 'v5'])
      await h.call(h.root, 'DeletePolicyVersion', { PolicyArn: ARN, VersionId: v });
    await h.call(h.root, 'DeletePolicy', { PolicyArn: ARN });
    expect((await h.fail(h.root, 'GetPolicy', { PolicyArn: ARN })).code).toBe('NoSuchEntity');
  });

  it('built-in policies are read-only and list their one version', async () => {
    const arn = 'arn:aws:iam::aws:policy/readwrite';
    const v = (await h.call(h.root, 'ListPolicyVersions', { PolicyArn: arn })).ListPolicyVersionsResult;
    expect(v.Versions.member).toHaveLength(1);
    const d = (await h.call(h.root, 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' }))
      .GetPolicyVersionResult;
    expect(JSON.parse(decodeURIComponent(d.PolicyVersion.Document)).Statement[0].Action).toEqual(['s3:*']);
    expect((await h.fail(h.root, 'DeletePolicy', { PolicyArn: arn })).code).toBe('InvalidInput');
    expect((await h.fail(h.root, 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: LOGS })).code).toBe(
      'InvalidInput',
    );
  });
});
