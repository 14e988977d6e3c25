import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import { customerKeyOf, kmsKeyName, requestedSse } from './request.js';

const key = randomBytes(32);
const md5 = (k: Buffer) => createHash('md5').update(k).digest('base64');
const P = 'x-amz-server-side-encryption';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isTesseraError(e) ? e.code : 'not a TesseraError';
  }
  return undefined;
}

describe('SSE request headers', () => {
  it('parses SSE-S3, SSE-KMS and SSE-C', () => {
    expect(requestedSse({ headers: {} })).toBeUndefined();
    expect(requestedSse({ headers: { [P]: 'AES256' } })).toEqual({ kind: 'AES256' });
    expect(
      requestedSse({
        headers: { [P]: 'aws:kms', [`${P}-aws-kms-key-id`]: 'arn:aws:kms:us-east-1:1:key/k1' },
      }),
    ).toEqual({ kind: 'aws:kms', keyId: 'k1', context: undefined });
    const c = customerKeyOf({
      headers: {
        [`${P}-customer-algorithm`]: 'AES256',
        [`${P}-customer-key`]: key.toString('base64'),
        [`${P}-customer-key-md5`]: md5(key),
      },
    });
    expect(c?.key.equals(key)).toBe(true);
  });

  it('refuses what AWS refuses', () => {
    const ssec = (over: Record<string, string>) => ({
      headers: {
        [`${P}-customer-algorithm`]: 'AES256',
        [`${P}-customer-key`]: key.toString('base64'),
        [`${P}-customer-key-md5`]: md5(key),
        ...over,
      },
    });
    expect(codeOf(() => customerKeyOf(ssec({ [`${P}-customer-key-md5`]: md5(randomBytes(32)) })))).toBe(
      'InvalidArgument',
    );
    expect(codeOf(() => customerKeyOf(ssec({ [`${P}-customer-algorithm`]: 'AES128' })))).toBe(
      'InvalidEncryptionAlgorithmError',
    );
    expect(
      codeOf(() => customerKeyOf(ssec({ [`${P}-customer-key`]: randomBytes(16).toString('base64') }))),
    ).toBe('InvalidArgument');
    expect(codeOf(() => requestedSse(ssec({ [P]: 'AES256' })))).toBe('InvalidArgument');
    expect(codeOf(() => requestedSse({ headers: { [`${P}-aws-kms-key-id`]: 'k' } }))).toBe('InvalidArgument');
    expect(codeOf(() => requestedSse({ headers: { [P]: 'aws:kms', [`${P}-context`]: 'not-json' } }))).toBe(
      'InvalidArgument',
    );
    expect(codeOf(() => requestedSse({ headers: { [P]: 'DES' } }))).toBe('InvalidArgument');
  });

  it('names KMS keys from ARNs', () => {
    expect(kmsKeyName('my-key')).toBe('my-key');
    expect(kmsKeyName('arn:aws:kms:my-key')).toBe('my-key');
    expect(kmsKeyName('arn:minio:kms:::my-key')).toBe('my-key');
    expect(kmsKeyName('arn:aws:kms:us-east-1:123:key/my-key')).toBe('my-key');
  });
});
