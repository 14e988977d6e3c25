import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal, RoleIdentity } from '../core/index.js';
import { principalContext, sessionCredential } from '../iam/index.js';
import { StsKeyring } from './keys.js';
import {
  inheritedTags,
  packedPolicySize,
  requestedTags,
  requestTagContext,
  tagsFromClaims,
  withInherited,
} from './session-tags.js';
import { sealSession, sessionOpener } from './token.js';

const form = (o: Record<string, string>) => new URLSearchParams(o);
function code(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('session tags', () => {
  it('parses Tags.member.N and TransitiveTagKeys.member.N in order of N', () => {
    const t = requestedTags(
      form({
        'Tags.member.2.Key': 'Team',
        'Tags.member.2.Value': 'ops',
        'Tags.member.1.Key': 'Project',
        'Tags.member.1.Value': 'x',
        'TransitiveTagKeys.member.1': 'team',
      }),
    );
    expect(t.tags).toEqual({ Project: 'x', Team: 'ops' });
    expect(Object.keys(t.tags)).toEqual(['Project', 'Team']);
    expect(t.transitive).toEqual(['Team']);
    expect(requestTagContext(t)).toEqual({
      'aws:TagKeys': ['Project', 'Team'],
      'aws:RequestTag/Project': 'x',
      'aws:RequestTag/Team': 'ops',
      'sts:TransitiveTagKeys': ['Team'],
    });
    expect(requestedTags(form({ 'Tags.member.1.Key': 'empty' })).tags).toEqual({ empty: '' });
  });

  it('refuses what AWS refuses: limits, characters, duplicates in any case, transitive keys of no tag', () => {
    const many = Object.fromEntries(
      Array.from({ length: 51 }, (_, i) => [`Tags.member.${i + 1}.Key`, `k${i}`]),
    );
    expect(code(() => requestedTags(form(many)))).toBe('ValidationError');
    expect(code(() => requestedTags(form({ 'Tags.member.1.Key': 'k'.repeat(129) })))).toBe('ValidationError');
    expect(code(() => requestedTags(form({ 'Tags.member.1.Key': 'k'.repeat(128) })))).toBe('ok');
    expect(
      code(() => requestedTags(form({ 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v'.repeat(257) }))),
    ).toBe('ValidationError');
    expect(code(() => requestedTags(form({ 'Tags.member.1.Key': 'a;b' })))).toBe('ValidationError');
    expect(code(() => requestedTags(form({ 'Tags.member.1.Value': 'v' })))).toBe('ValidationError');
    expect(
      code(() => requestedTags(form({ 'Tags.member.1.Key': 'Dept', 'Tags.member.2.Key': 'dept' }))),
    ).toBe('InvalidParameterValue');
    expect(
      code(() => requestedTags(form({ 'Tags.member.1.Key': 'a', 'TransitiveTagKeys.member.1': 'b' }))),
    ).toBe('InvalidParameterValue');
  });

  it('packs the inline policy and the tags under one limit', () => {
    const none = requestedTags(form({}));
    expect(packedPolicySize(undefined, none)).toBeUndefined();
    expect(packedPolicySize('x'.repeat(1024), none)).toBe(50);
    const tags = requestedTags(
      form({ 'Tags.member.1.Key': 'k'.repeat(128), 'Tags.member.1.Value': 'v'.repeat(256) }),
    );
    expect(packedPolicySize(undefined, tags)).toBe(10);
    expect(code(() => packedPolicySize('x'.repeat(2000), tags))).toBe('PackedPolicyTooLarge');
    const fifty = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        [`Tags.member.${i + 1}.Key`, `k${i}`.padEnd(128, 'k')],
        [`Tags.member.${i + 1}.Value`, 'v'.repeat(256)],
      ]).flat(),
    );
    expect(code(() => packedPolicySize(undefined, requestedTags(form(fifty))))).toBe('PackedPolicyTooLarge');
  });

  it('reads the https://aws.amazon.com/tags claim; refuses a malformed one', () => {
    const t = tagsFromClaims({
      'https://aws.amazon.com/tags': {
        principal_tags: { Project: ['Automation'], CostCenter: '987654' },
        transitive_tag_keys: ['Project'],
      },
    });
    expect(t).toEqual({ tags: { Project: 'Automation', CostCenter: '987654' }, transitive: ['Project'] });
    expect(tagsFromClaims({}).tags).toEqual({});
    expect(
      code(() => tagsFromClaims({ 'https://aws.amazon.com/tags': { principal_tags: { a: [1] } } })),
    ).toBe('InvalidIdentityToken');
    expect(code(() => tagsFromClaims({ 'https://aws.amazon.com/tags': 'x' }))).toBe('InvalidIdentityToken');
  });

  it('role chaining: transitive tags carry over and cannot be set again', () => {
    const caller = {
      kind: 'session',
      sessionTags: { Project: 'a', Team: 'b' },
      transitiveTagKeys: ['Project'],
    } as unknown as Principal;
    const inherited = inheritedTags(caller);
    expect(inherited).toEqual({ tags: { Project: 'a' }, transitive: ['Project'] });
    const more = requestedTags(form({ 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'c' }));
    expect(withInherited(more, inherited)).toEqual({
      tags: { Project: 'a', Team: 'c' },
      transitive: ['Project'],
    });
    const clash = requestedTags(form({ 'Tags.member.1.Key': 'project', 'Tags.member.1.Value': 'z' }));
    expect(code(() => withInherited(clash, inherited))).toBe('InvalidParameterValue');
  });
});

describe('session tags in the token and the principal', () => {
  const role: RoleIdentity = {
    kind: 'role',
    account: '',
    name: 'abac',
    arn: 'arn:aws:iam:::role/abac',
    roleId: 'AROAAAAAAAAAAAAAAAAAA',
    assumedRoleArn: 'arn:aws:sts:::assumed-role/abac',
    tags: { Project: 'red', Team: 'ops' },
  };

  it('are sealed, opened, and become principal tags over the role’s (keys in any case)', () => {
    const keys = StsKeyring.derive(randomBytes(32));
    const claims = {
      sessionId: 's1',
      accessKey: 'ASIAAAAAAAAAAAAAAAAA',
      role: { account: '', name: 'abac', id: role.roleId },
      issuedAt: 1,
      expiresAt: 10_000,
      sessionName: 'job',
      sessionTags: { project: 'blue', __proto__x: 'y' },
      transitiveTagKeys: ['project'],
    };
    const { token } = sealSession(keys, claims);
    const opened = sessionOpener(keys).open(claims.accessKey, token, 2)!;
    expect(opened.claims.sessionTags).toEqual(claims.sessionTags);
    expect(opened.claims.transitiveTagKeys).toEqual(['project']);
    const p = sessionCredential(opened, role, token).principal;
    expect(p.kind === 'session' && p.tags).toEqual({ Team: 'ops', project: 'blue', __proto__x: 'y' });
    const ctx = principalContext(p, '');
    expect(ctx['aws:PrincipalTag/project']).toBe('blue');
    expect(ctx['aws:PrincipalTag/Project']).toBeUndefined();
    expect(ctx['aws:PrincipalTag/Team']).toBe('ops');
    expect(inheritedTags(p)).toEqual({ tags: { project: 'blue' }, transitive: ['project'] });
  });
});
