import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

const call = (params: Record<string, string>) =>
  h.api({
    principal: h.root,
    params: new URLSearchParams({ Version: '2010-05-08', ...params }),
    requestId: 'REQ',
    context: {},
  });

const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
});
const digest = { sha256: createHash('sha256').update(DOC).digest('hex'), size: DOC.length };

describe('the change of a mutating IAM call (audit entry)', () => {
  it('is absent for reads', async () => {
    await call({ Action: 'CreateUser', UserName: 'ann' });
    expect((await call({ Action: 'GetUser', UserName: 'ann' })).change).toBeUndefined();
    expect((await call({ Action: 'ListUsers' })).change).toBeUndefined();
  });

  it('names the target and summarizes it before and after, documents as digests', async () => {
    const created = (await call({ Action: 'CreateUser', UserName: 'ann' })).change!;
    expect(created).toMatchObject({
      action: 'CreateUser',
      target: { type: 'user', name: 'ann', arn: 'arn:aws:iam:::user/ann' },
      after: { status: 'enabled', groups: [], attachedPolicies: [], inlinePolicies: [] },
    });
    expect(created.before).toBeUndefined();
    const put = (
      await call({ Action: 'PutUserPolicy', UserName: 'ann', PolicyName: 'p', PolicyDocument: DOC })
    ).change!;
    expect(put).toMatchObject({
      parameters: { UserName: 'ann', PolicyName: 'p', PolicyDocument: digest },
      before: { inlinePolicies: [] },
      after: { inlinePolicies: [{ name: 'p', ...digest }] },
    });
    expect(JSON.stringify(put)).not.toContain('s3:GetObject');
    await call({ Action: 'CreateGroup', GroupName: 'g' });
    expect((await call({ Action: 'AddUserToGroup', GroupName: 'g', UserName: 'ann' })).change).toMatchObject({
      target: { type: 'group', name: 'g' },
      before: { members: [] },
      after: { members: ['ann'] },
    });
    const deleted = (
      await call({ Action: 'DeletePolicy', PolicyArn: 'arn:aws:iam:::policy/nope' }).catch(() => undefined)
    )?.change;
    expect(deleted).toBeUndefined(); // a failed call answers no change (it throws)
  });

  it('never holds a password or a secret key', async () => {
    await call({ Action: 'CreateUser', UserName: 'ann' });
    const password = 'a-password-that-must-not-appear-123';
    const profile = (await call({ Action: 'CreateLoginProfile', UserName: 'ann', Password: password }))
      .change!;
    expect(profile).toMatchObject({ before: { loginProfile: false }, after: { loginProfile: true } });
    const key = await call({ Action: 'CreateAccessKey', UserName: 'ann' });
    const secret = /<SecretAccessKey>([^<]+)</.exec(key.body)![1]!;
    const id = /<AccessKeyId>([^<]+)</.exec(key.body)![1]!;
    expect(key.change).toMatchObject({ action: 'CreateAccessKey', after: { accessKeyId: id } });
    const text = JSON.stringify([profile, key.change]);
    expect(text).not.toContain(password);
    expect(text).not.toContain(secret);
  });
});
