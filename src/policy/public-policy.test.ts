import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parse/document.js';
import { isPublicPolicy } from './public-policy.js';

const doc = (statement: object) =>
  parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...statement }],
    },
    { kind: 'resource', bucket: 'b' },
  );

describe('isPublicPolicy', () => {
  it('an Allow for every principal without a restricting condition is public', () => {
    expect(isPublicPolicy(doc({ Principal: '*' }))).toBe(true);
    expect(isPublicPolicy(doc({ Principal: { AWS: '*' } }))).toBe(true);
    expect(isPublicPolicy(doc({ Principal: { AWS: ['arn:aws:iam::123456789012:root', '*'] } }))).toBe(true);
    expect(
      isPublicPolicy(doc({ Principal: '*', Condition: { StringEquals: { 's3:prefix': 'public/' } } })),
    ).toBe(true);
  });

  it('a named principal, a Deny or a condition on the caller or network is not', () => {
    expect(isPublicPolicy(doc({ Principal: { AWS: 'arn:aws:iam::123456789012:root' } }))).toBe(false);
    expect(isPublicPolicy(doc({ Principal: '*', Effect: 'Deny' }))).toBe(false);
    expect(
      isPublicPolicy(doc({ Principal: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })),
    ).toBe(false);
  });
});
