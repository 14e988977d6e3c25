import { describe, expect, it } from 'vitest';
import {
  type AuthzPrincipal,
  authorize,
  compilePolicy,
  mayDeny,
  type PrincipalPolicySets,
  parsePolicy,
} from './index.js';

const v = '2012-10-17';
const id = (name: string, ...Statement: object[]) =>
  compilePolicy(parsePolicy({ Version: v, Statement }), name);
const bucket = (...Statement: object[]) =>
  compilePolicy(parsePolicy({ Version: v, Statement }, { kind: 'resource' }), 'bucket');
const get = { action: 's3:GetObject', resource: 'arn:aws:s3:::photos/a.jpg' };
const put = { action: 's3:PutObject', resource: 'arn:aws:s3:::photos/a.jpg' };
const alice: AuthzPrincipal = {
  type: 'user',
  arn: 'arn:aws:iam::111122223333:user/alice',
  account: '111122223333',
};
const session: AuthzPrincipal = {
  type: 'session',
  arn: 'arn:aws:sts::111122223333:assumed-role/reader/s1',
  account: '111122223333',
  aliases: ['arn:aws:iam::111122223333:role/reader'],
};
const allowAll = id('all', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
const allowGet = id('get', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
const denyPut = id('deny', { Sid: 'NoPut', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' });

const cases: [string, PrincipalPolicySets, typeof get, string][] = [
  ['root bypasses evaluation', { principal: { type: 'root' }, identity: [denyPut] }, put, 'allowed'],
  ['no policy: implicit deny', { principal: alice }, get, 'implicitDeny'],
  [
    'identity policies union',
    {
      principal: alice,
      identity: [allowGet, id('p', { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' })],
    },
    put,
    'allowed',
  ],
  [
    'deny in one identity policy wins',
    { principal: alice, identity: [allowAll, denyPut] },
    put,
    'explicitDeny',
  ],
  [
    'bucket policy alone allows a named user',
    {
      principal: alice,
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: alice.arn },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'allowed',
  ],
  [
    'bucket policy deny beats identity allow',
    {
      principal: alice,
      identity: [allowAll],
      resource: [
        bucket({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }),
      ],
    },
    get,
    'explicitDeny',
  ],
  [
    'account principal only delegates',
    {
      principal: alice,
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: '111122223333' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'implicitDeny',
  ],
  [
    'account delegation + identity allow',
    {
      principal: alice,
      identity: [allowGet],
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'allowed',
  ],
  [
    'bucket policy for someone else does not apply',
    {
      principal: alice,
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:user/bob' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'implicitDeny',
  ],
  [
    'NotPrincipal deny applies to others',
    {
      principal: alice,
      identity: [allowAll],
      resource: [
        bucket({
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::111122223333:user/bob' },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'explicitDeny',
  ],
  [
    'NotPrincipal deny spares the named',
    {
      principal: alice,
      identity: [allowAll],
      resource: [
        bucket({
          Effect: 'Deny',
          NotPrincipal: { AWS: alice.arn! },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'allowed',
  ],
  [
    'anonymous sees only the bucket policy',
    { principal: { type: 'anonymous' }, identity: [allowAll] },
    get,
    'implicitDeny',
  ],
  [
    'anonymous allowed by public bucket policy',
    {
      principal: { type: 'anonymous' },
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'allowed',
  ],
  [
    'anonymous not matched by a named principal',
    {
      principal: { type: 'anonymous' },
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: alice.arn! },
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    get,
    'implicitDeny',
  ],
  [
    'session policy intersects',
    { principal: session, identity: [allowAll], session: [allowGet] },
    put,
    'implicitDeny',
  ],
  [
    'session policy intersects (allowed by both)',
    { principal: session, identity: [allowAll], session: [allowGet] },
    get,
    'allowed',
  ],
  [
    'session policy alone grants nothing',
    { principal: session, identity: [], session: [allowAll] },
    get,
    'implicitDeny',
  ],
  [
    'session policy deny wins',
    { principal: session, identity: [allowAll], session: [allowAll, denyPut] },
    put,
    'explicitDeny',
  ],
  [
    'bucket policy naming the role is limited by the session policy',
    {
      principal: session,
      session: [allowGet],
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/reader' },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    put,
    'implicitDeny',
  ],
  [
    'bucket policy naming the session ARN is not',
    {
      principal: session,
      session: [allowGet],
      resource: [
        bucket({
          Effect: 'Allow',
          Principal: { AWS: session.arn! },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::photos/*',
        }),
      ],
    },
    put,
    'allowed',
  ],
  [
    'service account policy intersects the parent',
    { principal: { ...alice, type: 'serviceAccount' }, identity: [allowGet], serviceAccount: [allowAll] },
    put,
    'implicitDeny',
  ],
  [
    'service account without own policy inherits',
    { principal: { ...alice, type: 'serviceAccount' }, identity: [allowAll] },
    put,
    'allowed',
  ],
];

describe('authorize combines policy sets as AWS does', () => {
  it.each(cases)('%s', (_n, sets, req, want) => {
    expect(authorize(sets, req).reason).toBe(want);
    expect(authorize(sets, req, { explain: true }).reason).toBe(want);
  });

  it('explains a combined decision with every deciding statement', () => {
    const d = authorize({ principal: session, identity: [allowAll], session: [allowGet] }, get, {
      explain: true,
    });
    expect(d.statements.map((s) => s.policy)).toEqual(['all', 'get']);
    const root = authorize({ principal: { type: 'root' } }, get);
    expect(root.bypass).toBe('root');
  });
});

describe('mayDeny: whether any Deny statement covers an action at all', () => {
  const denyConditional = id('c', {
    Effect: 'Deny',
    Action: 'sts:*',
    Resource: 'arn:aws:iam::111122223333:role/x',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
  const denyNot = id('n', { Effect: 'Deny', NotAction: 's3:*', Resource: '*' });
  it('sees Deny statements by action (wildcards, NotAction), ignoring resources and conditions', () => {
    expect(mayDeny({ principal: alice, identity: [allowAll, denyPut] }, 'sts:AssumeRole')).toBe(false);
    expect(mayDeny({ principal: alice, identity: [allowAll, denyPut] }, 's3:PutObject')).toBe(true);
    expect(mayDeny({ principal: alice, identity: [denyConditional] }, 'sts:AssumeRole')).toBe(true);
    expect(mayDeny({ principal: alice, identity: [denyNot] }, 'sts:GetSessionToken')).toBe(true);
    expect(mayDeny({ principal: alice, identity: [denyNot] }, 's3:GetObject')).toBe(false);
  });
  it('looks in every layer, and never for root', () => {
    expect(mayDeny({ principal: session, identity: [allowAll], session: [denyPut] }, 's3:PutObject')).toBe(
      true,
    );
    expect(mayDeny({ principal: alice, serviceAccount: [denyPut] }, 's3:PutObject')).toBe(true);
    expect(
      mayDeny(
        {
          principal: alice,
          resource: [bucket({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' })],
        },
        's3:GetObject',
      ),
    ).toBe(true);
    expect(mayDeny({ principal: { type: 'root' }, identity: [denyPut] }, 's3:PutObject')).toBe(false);
  });
  it('agrees with authorize: whenever authorize answers explicitDeny, mayDeny is true', () => {
    for (const [, sets, req] of cases) {
      if (authorize(sets, { ...req, context: {} }).reason === 'explicitDeny')
        expect(mayDeny(sets, req.action)).toBe(true);
    }
  });
});
