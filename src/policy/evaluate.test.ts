import { describe, expect, it } from 'vitest';
import { loadFixtures } from '../../test/policy/fixtures.js';
import { compilePolicy, evaluate, evaluateNaive, parsePolicy } from './index.js';
import type { ContextInput, DecisionReason } from './types.js';

interface Fixture {
  name: string;
  policies: { name: string; document: object }[];
  cases: { name: string; action: string; resource: string; context: ContextInput; expect: DecisionReason }[];
}

describe.each(loadFixtures<Fixture>('evaluation'))('$file', ({ data }) => {
  const docs = data.policies.map((p) => ({ name: p.name, doc: parsePolicy(p.document) }));
  const compiled = docs.map((d) => compilePolicy(d.doc, d.name));
  it.each(data.cases)('$name → $expect', (c) => {
    const req = { action: c.action, resource: c.resource, context: c.context };
    expect(evaluate(compiled, req).reason).toBe(c.expect);
    expect(evaluate(compiled, req, { explain: true }).reason).toBe(c.expect);
    expect(evaluateNaive(docs, req).reason).toBe(c.expect);
  });
});

describe('explain', () => {
  const p = compilePolicy(
    parsePolicy({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'A',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
        },
        {
          Sid: 'B',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: { StringEquals: { 'aws:UserAgent': 'x' } },
        },
        { Sid: 'C', Effect: 'Deny', Action: 's3:PutObject', Resource: '*' },
        { Sid: 'D', Effect: 'Deny', Action: 's3:Put*', Resource: '*' },
      ],
    }),
    'pol',
  );

  it('reports near misses with the failing condition and whether the key was missing', () => {
    const d = evaluate(
      [p],
      { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SourceIp': '11.0.0.1' } },
      { explain: true },
    );
    expect(d.reason).toBe('implicitDeny');
    expect(d.nearMisses).toEqual([
      {
        statement: { policy: 'pol', index: 0, sid: 'A', effect: 'Allow' },
        operator: 'IpAddress',
        key: 'aws:SourceIp',
        missing: false,
      },
      {
        statement: { policy: 'pol', index: 1, sid: 'B', effect: 'Allow' },
        operator: 'StringEquals',
        key: 'aws:UserAgent',
        missing: true,
      },
    ]);
  });

  it('lists every denying statement when explaining, the first otherwise', () => {
    const req = { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' };
    expect(evaluate([p], req, { explain: true }).statements.map((s) => s.sid)).toEqual(['C', 'D']);
    expect(evaluate([p], req).statements.map((s) => s.sid)).toEqual(['C']);
  });

  it('does not allocate a new decision per request when not explaining', () => {
    const req = { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' };
    expect(evaluate([p], req)).toBe(evaluate([p], req));
  });

  it('applies admin statements deployment-wide without Resource or with * / arn:aws:s3:::*, else to what they name', () => {
    const compiled = (statement: Record<string, unknown>) =>
      compilePolicy(parsePolicy({ Version: '2012-10-17', Statement: [statement] }), 'a');
    for (const wide of [
      { Effect: 'Allow', Action: 'admin:*' },
      { Effect: 'Allow', Action: 'admin:*', Resource: '*' },
      { Effect: 'Allow', Action: ['admin:*', 's3:*'], Resource: ['arn:aws:s3:::*'] },
    ]) {
      const p = compiled(wide);
      expect(evaluate([p], { action: 'admin:ServerInfo', resource: '*' }).allowed).toBe(true);
      expect(
        evaluate([p], { action: 'admin:CreateUser', resource: 'arn:aws:iam:::user/carol' }).allowed,
      ).toBe(true);
      expect(evaluate([p], { action: 'admin:FutureThing', resource: 'arn:aws:s3:::x' }).allowed).toBe(true);
    }
    const scoped = compiled({
      Effect: 'Allow',
      Action: 'admin:CreateServiceAccount',
      Resource: 'arn:aws:iam:::user/erin',
    });
    const ask = (resource: string) =>
      evaluate([scoped], { action: 'admin:CreateServiceAccount', resource }).allowed;
    expect(ask('arn:aws:iam:::user/erin')).toBe(true);
    expect(ask('arn:aws:iam:::user/carol')).toBe(false);
    expect(ask('*')).toBe(false);
    const bucket = compiled({ Effect: 'Allow', Action: 'admin:*', Resource: 'arn:aws:s3:::x' });
    expect(evaluate([bucket], { action: 'admin:SetBucketQuota', resource: 'arn:aws:s3:::x' }).allowed).toBe(
      true,
    );
    expect(evaluate([bucket], { action: 'admin:ServerInfo', resource: '*' }).allowed).toBe(false);
    expect(evaluate([bucket], { action: 's3:GetObject', resource: 'arn:aws:s3:::x' }).allowed).toBe(false);
  });
});
