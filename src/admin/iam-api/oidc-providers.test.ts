import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
});
afterEach(async () => {
  await h.close();
});

const ARN = 'arn:aws:iam::123456789012:oidc-provider/token.example.com/realm';
const THUMB = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

describe('IAM OpenID Connect providers', () => {
  it('Create / Get / List / Delete with AWS’s documents', async () => {
    const created = (
      await h.call(h.root, 'CreateOpenIDConnectProvider', {
        Url: 'https://Token.Example.com/realm/',
        'ClientIDList.member.1': 'sts.amazonaws.com',
        'ClientIDList.member.2': 'tessera',
        'ThumbprintList.member.1': THUMB,
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'ops',
      })
    ).CreateOpenIDConnectProviderResult;
    expect(created.OpenIDConnectProviderArn).toBe(ARN);
    expect(created.Tags.member).toEqual([{ Key: 'team', Value: 'ops' }]);
    const got = (await h.call(h.root, 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN }))
      .GetOpenIDConnectProviderResult;
    expect(got).toMatchObject({
      Url: 'token.example.com/realm',
      ClientIDList: { member: ['sts.amazonaws.com', 'tessera'] },
      ThumbprintList: { member: [THUMB] },
      Tags: { member: [{ Key: 'team', Value: 'ops' }] },
    });
    expect(got.CreateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const listed = (await h.call(h.root, 'ListOpenIDConnectProviders')).ListOpenIDConnectProvidersResult;
    expect(listed.OpenIDConnectProviderList.member).toEqual([{ Arn: ARN }]);
    expect(
      (await h.fail(h.root, 'CreateOpenIDConnectProvider', { Url: 'https://token.example.com/realm' })).code,
    ).toBe('EntityAlreadyExists');
    await h.call(h.root, 'DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN });
    const gone = await h.fail(h.root, 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN });
    expect(gone).toEqual({
      code: 'NoSuchEntity',
      message: `OpenIDConnect Provider not found for arn ${ARN}`,
    });
    expect(
      (await h.fail(h.root, 'DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN })).code,
    ).toBe('NoSuchEntity');
  });

  it('client ids and thumbprints are changed as AWS changes them', async () => {
    await h.call(h.root, 'CreateOpenIDConnectProvider', { Url: 'https://token.example.com/realm' });
    const arn = { OpenIDConnectProviderArn: ARN };
    await h.call(h.root, 'AddClientIDToOpenIDConnectProvider', { ...arn, ClientID: 'a' });
    await h.call(h.root, 'AddClientIDToOpenIDConnectProvider', { ...arn, ClientID: 'b' });
    await h.call(h.root, 'AddClientIDToOpenIDConnectProvider', { ...arn, ClientID: 'a' });
    await h.call(h.root, 'RemoveClientIDFromOpenIDConnectProvider', { ...arn, ClientID: 'a' });
    await h.call(h.root, 'RemoveClientIDFromOpenIDConnectProvider', { ...arn, ClientID: 'zzz' });
    await h.call(h.root, 'UpdateOpenIDConnectProviderThumbprint', {
      ...arn,
      'ThumbprintList.member.1': THUMB.toUpperCase(),
    });
    const got = (await h.call(h.root, 'GetOpenIDConnectProvider', arn)).GetOpenIDConnectProviderResult;
    expect(got.ClientIDList.member).toEqual(['b']);
    expect(got.ThumbprintList.member).toEqual([THUMB.toUpperCase()]);
    await h.call(h.root, 'TagOpenIDConnectProvider', {
      ...arn,
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'v',
    });
    expect(
      (await h.call(h.root, 'ListOpenIDConnectProviderTags', arn)).ListOpenIDConnectProviderTagsResult.Tags
        .member,
    ).toEqual([{ Key: 'k', Value: 'v' }]);
    await h.call(h.root, 'UntagOpenIDConnectProvider', { ...arn, 'TagKeys.member.1': 'K' });
    expect(
      (await h.call(h.root, 'GetOpenIDConnectProvider', arn)).GetOpenIDConnectProviderResult.Tags,
    ).toBeUndefined();
  });

  it('refuses bad input: http, query, bad thumbprints, too many, foreign or malformed ARNs', async () => {
    const fail = (params: Record<string, string>) => h.fail(h.root, 'CreateOpenIDConnectProvider', params);
    expect((await fail({ Url: 'http://token.example.com' })).code).toBe('InvalidInput');
    expect((await fail({ Url: 'https://token.example.com/?a=b' })).code).toBe('InvalidInput');
    expect((await fail({})).code).toBe('ValidationError');
    expect((await fail({ Url: 'https://a.example.com', 'ThumbprintList.member.1': 'abc' })).code).toBe(
      'ValidationError',
    );
    const six = Object.fromEntries(
      [1, 2, 3, 4, 5, 6].map((i) => [`ThumbprintList.member.${i}`, THUMB.replace(/.$/, String(i))]),
    );
    expect((await fail({ Url: 'https://a.example.com', ...six })).code).toBe('LimitExceeded');
    const get = (arn: string) =>
      h.fail(h.root, 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
    expect((await get('arn:aws:iam::123456789012:role/x')).code).toBe('InvalidInput');
    expect((await get('arn:aws:iam::999999999999:oidc-provider/token.example.com')).code).toBe(
      'NoSuchEntity',
    );
  });

  it('authorizes iam:*OpenIDConnectProvider* on the provider ARN', async () => {
    const carol = await h.user('carol');
    await h.call(h.root, 'CreateOpenIDConnectProvider', { Url: 'https://token.example.com/realm' });
    const denied = await h.fail(carol, 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN });
    expect(denied.code).toBe('AccessDenied');
    expect(denied.message).toContain(`iam:GetOpenIDConnectProvider on resource: ${ARN}`);
    await h.call(h.root, 'PutUserPolicy', {
      UserName: 'carol',
      PolicyName: 'p',
      PolicyDocument: doc('iam:GetOpenIDConnectProvider', ARN),
    });
    const got = await h.call(carol, 'GetOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN });
    expect(got.GetOpenIDConnectProviderResult.Url).toBe('token.example.com/realm');
    expect((await h.fail(carol, 'DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN })).code).toBe(
      'AccessDenied',
    );
  });
});
