import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import { IamArns } from './arn.js';
import {
  validateAccessKey,
  validateGroupName,
  validatePolicyName,
  validateSecretKey,
  validateTags,
  validateUserName,
} from './names.js';

function invalid(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return isTesseraError(e, 'InvalidInput');
  }
}

describe('IAM name rules', () => {
  it('UserName: [\\w+=,.@-]{1,64}; GroupName and PolicyName up to 128', () => {
    for (const ok of ['alice', 'a', 'svc+ci=1,x.y@corp-2', 'x'.repeat(64)])
      expect(validateUserName(ok)).toBe(ok);
    for (const bad of ['', 'x'.repeat(65), 'has space', 'slash/name', 'ünï', 'a:b']) {
      expect(invalid(() => validateUserName(bad))).toBe(true);
    }
    expect(validateGroupName('g'.repeat(128))).toHaveLength(128);
    expect(invalid(() => validateGroupName('g'.repeat(129)))).toBe(true);
    expect(validatePolicyName('p'.repeat(128))).toHaveLength(128);
    expect(invalid(() => validatePolicyName('p*'))).toBe(true);
  });

  it('access keys and secrets; the secret is never echoed', () => {
    expect(validateAccessKey('AKIAIOSFODNN7EXAMPLE')).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(invalid(() => validateAccessKey('ab'))).toBe(true);
    expect(invalid(() => validateAccessKey('a/b/c'))).toBe(true);
    expect(invalid(() => validateAccessKey('a=bcd'))).toBe(true);
    expect(validateSecretKey('wJalrXUtnFEMI/K7MDENG')).toBe('wJalrXUtnFEMI/K7MDENG');
    try {
      validateSecretKey('short 7');
    } catch (e) {
      expect((e as Error).message).not.toContain('short 7');
    }
    expect(invalid(() => validateSecretKey('1234567'))).toBe(true);
  });

  it('tags: key 1-128, value ≤ 256, no aws: prefix, no duplicate keys in any case', () => {
    validateTags([
      { key: 'team', value: 'storage' },
      { key: 'cost:center', value: '' },
    ]);
    expect(invalid(() => validateTags([{ key: '', value: 'x' }]))).toBe(true);
    expect(invalid(() => validateTags([{ key: 'aws:x', value: 'x' }]))).toBe(true);
    expect(invalid(() => validateTags([{ key: 'k', value: 'v'.repeat(257) }]))).toBe(true);
    expect(
      invalid(() =>
        validateTags([
          { key: 'K', value: '' },
          { key: 'k', value: '' },
        ]),
      ),
    ).toBe(true);
  });
});

describe('IamArns', () => {
  it('carries the account id; an empty default account id gives MinIO-style ARNs', () => {
    const minio = new IamArns('');
    expect(minio.user('', 'alice')).toBe('arn:aws:iam:::user/alice');
    const aws = new IamArns('123456789012');
    expect(aws.user('', 'alice')).toBe('arn:aws:iam::123456789012:user/alice');
    expect(aws.group('tenant-2', 'devs')).toBe('arn:aws:iam::tenant-2:group/devs');
    expect(aws.policy('', 'p')).toBe('arn:aws:iam::123456789012:policy/p');
    expect(aws.policy('', 'readonly', true)).toBe('arn:aws:iam::aws:policy/readonly');
    expect(aws.root('')).toBe('arn:aws:iam::123456789012:root');
  });

  it('parses policy ARNs back to account and name', () => {
    const arns = new IamArns('123456789012');
    expect(arns.parsePolicy('arn:aws:iam::123456789012:policy/team/p')).toEqual({ account: '', name: 'p' });
    expect(arns.parsePolicy('arn:aws:iam::aws:policy/readonly')).toEqual({
      account: undefined,
      name: 'readonly',
    });
    expect(arns.parsePolicy('arn:aws:iam::tenant-2:policy/q')).toEqual({ account: 'tenant-2', name: 'q' });
    expect(invalid(() => arns.parsePolicy('arn:aws:s3:::bucket'))).toBe(true);
  });
});
