import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doc, type IamApiHarness, openHarness } from './testing.js';

let h: IamApiHarness;
beforeEach(async () => {
  h = await openHarness({ defaultAccountId: '123456789012' });
  await h.call(h.root, 'CreateUser', { UserName: 'carol' });
  await h.call(h.root, 'CreateGroup', { GroupName: 'devs' });
  await h.call(h.root, 'CreatePolicy', { PolicyName: 'logs', PolicyDocument: doc('s3:GetObject') });
});
afterEach(async () => {
  await h.close();
});

const LOGS = 'arn:aws:iam::123456789012:policy/logs';
const READONLY = 'arn:aws:iam::aws:policy/readonly';
const names = (list: { member?: { PolicyName: string }[] } | string) =>
  typeof list === 'string' ? [] : (list.member ?? []).map((p) => p.PolicyName);

describe('attached policies', () => {
  for (const [word, param, entity] of [
    ['User', 'UserName', 'carol'],
    ['Group', 'GroupName', 'devs'],
  ] as const) {
    it(`Attach / ListAttached / Detach ${word}Policy`, async () => {
      await h.call(h.root, `Attach${word}Policy`, { [param]: entity, PolicyArn: LOGS });
      await h.call(h.root, `Attach${word}Policy`, { [param]: entity, PolicyArn: READONLY });
      await h.call(h.root, `Attach${word}Policy`, { [param]: entity, PolicyArn: LOGS });
      const r = (await h.call(h.root, `ListAttached${word}Policies`, { [param]: entity }))[
        `ListAttached${word}PoliciesResult`
      ];
      expect(r.AttachedPolicies.member).toEqual([
        { PolicyName: 'logs', PolicyArn: LOGS },
        { PolicyName: 'readonly', PolicyArn: READONLY },
      ]);
      expect(r.IsTruncated).toBe('false');
      const page = (await h.call(h.root, `ListAttached${word}Policies`, { [param]: entity, MaxItems: '1' }))[
        `ListAttached${word}PoliciesResult`
      ];
      expect(page).toMatchObject({ IsTruncated: 'true' });
      await h.call(h.root, `Detach${word}Policy`, { [param]: entity, PolicyArn: LOGS });
      const after = (await h.call(h.root, `ListAttached${word}Policies`, { [param]: entity }))[
        `ListAttached${word}PoliciesResult`
      ];
      expect(names(after.AttachedPolicies)).toEqual(['readonly']);
      expect((await h.fail(h.root, `Detach${word}Policy`, { [param]: entity, PolicyArn: LOGS })).code).toBe(
        'NoSuchEntity',
      );
      expect(
        (await h.fail(h.root, `Attach${word}Policy`, { [param]: entity, PolicyArn: `${LOGS}-missing` })).code,
      ).toBe('NoSuchEntity');
      expect((await h.fail(h.root, `Attach${word}Policy`, { [param]: 'nobody', PolicyArn: LOGS })).code).toBe(
        'NoSuchEntity',
      );
    });
  }

  it('ListEntitiesForPolicy names users and groups, with EntityFilter', async () => {
    await h.call(h.root, 'AttachUserPolicy', { UserName: 'carol', PolicyArn: LOGS });
    await h.call(h.root, 'AttachGroupPolicy', { GroupName: 'devs', PolicyArn: LOGS });
    const r = (await h.call(h.root, 'ListEntitiesForPolicy', { PolicyArn: LOGS }))
      .ListEntitiesForPolicyResult;
    const carol = await h.iam.users.get('', 'carol');
    const devs = await h.iam.groups.get('', 'devs');
    expect(r.PolicyUsers.member).toEqual([{ UserName: 'carol', UserId: carol.id }]);
    expect(r.PolicyGroups.member).toEqual([{ GroupName: 'devs', GroupId: devs.id }]);
    expect(r.PolicyRoles).toBe('');
    expect(r.IsTruncated).toBe('false');
    const users = (await h.call(h.root, 'ListEntitiesForPolicy', { PolicyArn: LOGS, EntityFilter: 'User' }))
      .ListEntitiesForPolicyResult;
    expect(users.PolicyGroups).toBe('');
    expect(users.PolicyUsers.member).toHaveLength(1);
    const aws = (
      await h.call(h.root, 'ListEntitiesForPolicy', { PolicyArn: LOGS, EntityFilter: 'AWSManagedPolicy' })
    ).ListEntitiesForPolicyResult;
    expect([aws.PolicyUsers, aws.PolicyGroups]).toEqual(['', '']);
    expect((await h.fail(h.root, 'ListEntitiesForPolicy', { PolicyArn: `${LOGS}x` })).code).toBe(
      'NoSuchEntity',
    );
  });
});

describe('inline policies', () => {
  for (const [word, param, entity] of [
    ['User', 'UserName', 'carol'],
    ['Group', 'GroupName', 'devs'],
  ] as const) {
    it(`Put / Get / List / Delete ${word}Policy`, async () => {
      const text = doc('s3:PutObject', 'arn:aws:s3:::uploads/*');
      await h.call(h.root, `Put${word}Policy`, {
        [param]: entity,
        PolicyName: 'uploads',
        PolicyDocument: text,
      });
      await h.call(h.root, `Put${word}Policy`, {
        [param]: entity,
        PolicyName: 'extra',
        PolicyDocument: text,
      });
      const got = (await h.call(h.root, `Get${word}Policy`, { [param]: entity, PolicyName: 'uploads' }))[
        `Get${word}PolicyResult`
      ];
      expect(got).toEqual({
        [param]: entity,
        PolicyName: 'uploads',
        PolicyDocument: encodeURIComponent(text),
      });
      const list = (await h.call(h.root, `List${word}Policies`, { [param]: entity }))[
        `List${word}PoliciesResult`
      ];
      expect(list).toEqual({ PolicyNames: { member: ['extra', 'uploads'] }, IsTruncated: 'false' });
      const page = (await h.call(h.root, `List${word}Policies`, { [param]: entity, MaxItems: '1' }))[
        `List${word}PoliciesResult`
      ];
      expect(page.PolicyNames.member).toEqual(['extra']);
      const rest = (await h.call(h.root, `List${word}Policies`, { [param]: entity, Marker: page.Marker }))[
        `List${word}PoliciesResult`
      ];
      expect(rest.PolicyNames.member).toEqual(['uploads']);
      await h.call(h.root, `Delete${word}Policy`, { [param]: entity, PolicyName: 'uploads' });
      expect(
        (await h.fail(h.root, `Get${word}Policy`, { [param]: entity, PolicyName: 'uploads' })).code,
      ).toBe('NoSuchEntity');
      expect(
        (
          await h.fail(h.root, `Put${word}Policy`, {
            [param]: entity,
            PolicyName: 'bad',
            PolicyDocument: '[]',
          })
        ).code,
      ).toBe('MalformedPolicyDocument');
      expect((await h.fail(h.root, `List${word}Policies`, { [param]: 'nobody' })).code).toBe('NoSuchEntity');
    });
  }
});
