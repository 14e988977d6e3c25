import { describe, expect, it } from 'vitest';
import { signedServiceHint } from './scope-hint.js';

describe('signedServiceHint', () => {
  it('reads the service from the Authorization header or X-Amz-Credential, without verifying', () => {
    const auth = (c: string) => ({
      authorization: `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=host, Signature=00`,
    });
    expect(signedServiceHint(auth('AK/20260101/us-east-1/iam/aws4_request'), '')).toBe('iam');
    expect(signedServiceHint(auth('AK/20260101//s3/aws4_request'), '')).toBe('s3');
    expect(signedServiceHint(auth('a/b/c/sts/aws4_request'), 'X-Amz-Credential=x')).toBe('sts');
    expect(signedServiceHint(auth('garbage'), '')).toBeUndefined();
    expect(signedServiceHint({ authorization: 'AWS AK:sig' }, '')).toBeUndefined();
    expect(
      signedServiceHint(
        {},
        'Action=ListUsers&X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fiam%2Faws4_request&X',
      ),
    ).toBe('iam');
    expect(signedServiceHint({}, 'X-Amz-Credential=%E0%A4%A')).toBeUndefined();
    expect(signedServiceHint({}, 'list-type=2')).toBeUndefined();
  });
});
