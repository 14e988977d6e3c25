import { describe, expect, it } from 'vitest';
import { type PolicyDocument, parsePolicy } from '../../policy/index.js';
import { isNarrowSourceIp, isPublicPolicy } from './is-public.js';

// Cases from the S3 User Guide, "The meaning of 'public'" (access-control-block-public-access).
const policy = (...statements: object[]) =>
  parsePolicy(
    {
      Version: '2012-10-17',
      Statement: statements.map((s) => ({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        ...s,
      })),
    },
    { kind: 'resource', bucket: 'b' },
  );
const everyone = (Condition?: object) => policy({ Principal: '*', ...(Condition ? { Condition } : {}) });

describe('isPublicPolicy: principals', () => {
  it('"*" and {"AWS":"*"} are public', () => {
    expect(isPublicPolicy(everyone())).toBe(true);
    expect(isPublicPolicy(policy({ Principal: { AWS: '*' } }))).toBe(true);
    expect(isPublicPolicy(policy({ Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }))).toBe(
      true,
    );
  });

  it('fixed principals are not; a wildcard or a policy variable in one is', () => {
    expect(isPublicPolicy(policy({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }))).toBe(false);
    expect(isPublicPolicy(policy({ Principal: { AWS: '111122223333' } }))).toBe(false);
    expect(isPublicPolicy(policy({ Principal: { Service: 'cloudtrail.amazonaws.com' } }))).toBe(false);
    expect(isPublicPolicy(policy({ Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }))).toBe(true);
    expect(
      isPublicPolicy(policy({ Principal: { AWS: 'arn:aws:iam::111122223333:user/${aws:username}' } })),
    ).toBe(true);
  });

  it('an Allow with NotPrincipal grants nearly everyone: public', () => {
    expect(isPublicPolicy(policy({ NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }))).toBe(true);
  });

  it('Deny statements grant nothing', () => {
    expect(isPublicPolicy(policy({ Principal: '*', Effect: 'Deny' }))).toBe(false);
  });

  it('one public statement makes the policy public (the guide: "qualifies as public because of the third statement")', () => {
    const p = policy(
      { Principal: { Service: 'cloudtrail.amazonaws.com' } },
      { Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
      { Principal: '*' },
    );
    expect(isPublicPolicy(p)).toBe(true);
  });
});

describe('isPublicPolicy: conditions', () => {
  it.each([
    ['aws:SourceVpc', 'vpc-91237329'],
    ['aws:SourceVpce', 'vpce-1a2b3c4d'],
    ['aws:SourceArn', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/t'],
    ['aws:SourceAccount', '111122223333'],
    ['aws:PrincipalOrgID', 'o-abcdefghij'],
    ['aws:PrincipalAccount', '111122223333'],
    ['aws:userid', 'AIDAEXAMPLE'],
    ['s3:x-amz-server-side-encryption-aws-kms-key-id', 'arn:aws:kms:us-east-1:111122223333:key/k'],
  ])('StringEquals %s to a fixed value is not public', (key, value) => {
    expect(isPublicPolicy(everyone({ StringEquals: { [key]: value } }))).toBe(false);
    // Condition keys are case-insensitive.
    expect(isPublicPolicy(everyone({ StringEquals: { [key.toUpperCase()]: value } }))).toBe(false);
  });

  it('the guide\'s example: StringLike aws:SourceVpc "vpc-*" is public', () => {
    expect(isPublicPolicy(everyone({ StringLike: { 'aws:SourceVpc': 'vpc-*' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ StringLike: { 'aws:SourceVpc': 'vpc-91237329' } }))).toBe(false);
  });

  it('aws:userid in the pattern "AROLEID:*" is public', () => {
    expect(isPublicPolicy(everyone({ StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } }))).toBe(true);
  });

  it('a policy variable in the value is not fixed', () => {
    expect(
      isPublicPolicy(everyone({ StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } })),
    ).toBe(true);
  });

  it('every value must be fixed', () => {
    expect(isPublicPolicy(everyone({ StringEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-*'] } }))).toBe(true);
  });

  it('keys that do not name callers or networks do not help', () => {
    expect(isPublicPolicy(everyone({ StringEquals: { 's3:prefix': 'public/' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ Bool: { 'aws:SecureTransport': 'true' } }))).toBe(true);
  });

  it('negated, IfExists, ForAllValues and Null conditions pin nothing', () => {
    expect(isPublicPolicy(everyone({ StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ 'ForAllValues:StringEquals': { 'aws:SourceVpc': 'vpc-1' } }))).toBe(
      true,
    );
    expect(isPublicPolicy(everyone({ Null: { 'aws:SourceVpc': 'false' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ 'ForAnyValue:StringEquals': { 'aws:SourceVpc': 'vpc-1' } }))).toBe(
      false,
    );
  });

  it('one pinning key among other conditions is enough (all conditions must hold)', () => {
    const c = { StringEquals: { 's3:prefix': 'x', 'aws:SourceAccount': '111122223333' } };
    expect(isPublicPolicy(everyone(c))).toBe(false);
  });

  it('aws:SourceIp: a set of CIDRs no broader than /8 (IPv4) or /32 (IPv6) is not public', () => {
    expect(isPublicPolicy(everyone({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }))).toBe(false);
    expect(
      isPublicPolicy(everyone({ IpAddress: { 'aws:SourceIp': ['203.0.113.7', '2001:db8::/32'] } })),
    ).toBe(false);
    expect(isPublicPolicy(everyone({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ IpAddress: { 'aws:SourceIp': '::/0' } }))).toBe(true);
    expect(isPublicPolicy(everyone({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/0'] } }))).toBe(
      true,
    );
  });

  // Tessera has no access points, so its parser refuses these keys; the rule is checked on
  // documents built by hand (isPublicPolicy takes any parsed document).
  it('s3:DataAccessPointArn may wildcard the access point name, not the account', () => {
    const arn = (key: string, v: string): PolicyDocument => ({
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          Condition: { StringLike: { [key]: [v] } },
        },
      ],
    });
    expect(
      isPublicPolicy(arn('s3:DataAccessPointArn', 'arn:aws:s3:us-west-2:123456789012:accesspoint/*')),
    ).toBe(false);
    expect(isPublicPolicy(arn('s3:DataAccessPointArn', 'arn:aws:s3:us-west-2:*:accesspoint/*'))).toBe(true);
    expect(isPublicPolicy(arn('s3:DataAccessPointAccount', '123456789012'))).toBe(false);
    expect(isPublicPolicy(arn('s3:DataAccessPointAccount', '12345678901*'))).toBe(true);
  });
});

describe('isNarrowSourceIp', () => {
  it.each([
    ['10.0.0.0/8', true],
    ['11.0.0.0/7', false],
    ['8.0.0.0/8', true],
    ['192.168.0.0/16', true],
    ['192.0.0.0/2', false],
    ['203.0.113.5', true],
    ['2001:db8::/32', true],
    ['2001::/16', false],
    ['fc00::/7', true],
    ['fd12::/16', true],
    ['::/0', false],
    ['not-an-ip', false],
    ['10.0.0.0/33', false],
  ])('%s → %s', (value, narrow) => {
    expect(isNarrowSourceIp(value)).toBe(narrow);
  });
});
