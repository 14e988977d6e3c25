import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../core/index.js';
import type { Credential } from '../types.js';
import { postSignatureKind } from './fields.js';
import { verifyPostForm } from './verify.js';

// AWS's "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)".
const POLICY =
  'eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9';
const SIGNATURE = '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e';
const KEYS: Credential<string> = {
  accessKey: 'AKIAIOSFODNN7EXAMPLE',
  secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  principal: 'example-user',
};
const NOW = Date.parse('2015-12-29T12:00:00Z');

function v4(over: Record<string, string | undefined> = {}): Map<string, string> {
  const fields: Record<string, string | undefined> = {
    key: 'user/user1/${filename}',
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'x-amz-date': '20151229T000000Z',
    policy: POLICY,
    'x-amz-signature': SIGNATURE,
    ...over,
  };
  return new Map(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}

const opts = (lookup = (ak: string) => (ak === KEYS.accessKey ? KEYS : undefined)) => ({
  now: NOW,
  region: 'us-east-1',
  lookup,
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; detail: object }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TesseraError) return { code: e.code, message: e.message, detail: e.detail };
    throw e;
  }
  throw new Error('did not fail');
}

describe('POST policy signatures', () => {
  it('verifies AWS’s published SigV4 example, and not after any one-character change', async () => {
    const v = await verifyPostForm(v4(), opts());
    expect(v).toMatchObject({
      kind: 'post-policy',
      accessKey: KEYS.accessKey,
      principal: 'example-user',
      region: 'us-east-1',
      service: 's3',
      signatureVersion: 'AWS4-HMAC-SHA256',
    });
    for (const at of [0, 100, POLICY.length - 1]) {
      const policy = POLICY.slice(0, at) + (POLICY[at] === 'A' ? 'B' : 'A') + POLICY.slice(at + 1);
      const f = await failure(verifyPostForm(v4({ policy }), opts()));
      expect(f.code).toBe('SignatureDoesNotMatch');
      expect(f.detail).toMatchObject({ AWSAccessKeyId: KEYS.accessKey, StringToSign: policy });
    }
    const sig = `${SIGNATURE.slice(0, -1)}f`;
    expect((await failure(verifyPostForm(v4({ 'x-amz-signature': sig }), opts()))).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('verifies SigV2 (Base64 HMAC-SHA1 of the policy) and temporary credentials with their token', async () => {
    const { postSignatureV2 } = await import('./signature.js');
    const fields = new Map([
      ['awsaccesskeyid', KEYS.accessKey],
      ['policy', POLICY],
      ['signature', postSignatureV2(KEYS.secretKey, POLICY)],
    ]);
    expect(await verifyPostForm(fields, opts())).toMatchObject({
      kind: 'post-policy',
      signatureVersion: 'AWS',
    });
    const temp = { ...KEYS, sessionToken: 'token-1' };
    const lookup = (ak: string) => (ak === KEYS.accessKey ? temp : undefined);
    expect((await failure(verifyPostForm(fields, opts(lookup)))).code).toBe('InvalidToken');
    fields.set('x-amz-security-token', 'token-1');
    expect(await verifyPostForm(fields, opts(lookup))).toMatchObject({ sessionToken: 'token-1' });
  });

  it('names the first missing field, and refuses a wrong scope or an unknown key as S3 does', async () => {
    expect(postSignatureKind(new Map([['policy', POLICY]]))).toBe('anonymous');
    const missing = await failure(verifyPostForm(v4({ 'x-amz-signature': undefined }), opts()));
    expect(missing).toMatchObject({
      code: 'InvalidArgument',
      message:
        "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.",
    });
    const noKey = await failure(verifyPostForm(new Map([['signature', 'x']]), opts()));
    expect(noKey.message).toContain("'AWSAccessKeyId'");
    const region = await failure(verifyPostForm(v4(), { ...opts(), region: 'eu-west-1' }));
    expect(region).toMatchObject({
      code: 'InvalidArgument',
      message: "the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      detail: { ArgumentName: 'X-Amz-Credential', Region: 'eu-west-1' },
    });
    const service = 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/iam/aws4_request';
    expect((await failure(verifyPostForm(v4({ 'x-amz-credential': service }), opts()))).message).toBe(
      'incorrect service "iam". This endpoint belongs to "s3".',
    );
    const date = await failure(verifyPostForm(v4({ 'x-amz-date': '20151230T000000Z' }), opts()));
    expect(date.code).toBe('InvalidArgument');
    expect((await failure(verifyPostForm(v4({ 'x-amz-algorithm': 'AWS4-HMAC-SHA1' }), opts()))).code).toBe(
      'InvalidArgument',
    );
    const unknown = await failure(
      verifyPostForm(
        v4(),
        opts(() => undefined),
      ),
    );
    expect(unknown).toMatchObject({ code: 'InvalidAccessKeyId', detail: { AWSAccessKeyId: KEYS.accessKey } });
  });

  it('never fails with anything but a TesseraError (time-boxed fuzz)', async () => {
    const names = fc.constantFrom(
      'x-amz-algorithm',
      'x-amz-credential',
      'x-amz-date',
      'x-amz-signature',
      'x-amz-security-token',
      'policy',
      'awsaccesskeyid',
      'signature',
    );
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom('AWS4-HMAC-SHA256', '20151229T000000Z', POLICY, SIGNATURE, KEYS.accessKey),
      fc.constantFrom('AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request', '/////', 'a/b/c/d/e'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(names, value), { maxLength: 8 }), async (entries) => {
        try {
          await verifyPostForm(new Map(entries), opts());
        } catch (e) {
          if (!(e instanceof TesseraError)) throw e;
        }
      }),
      { numRuns: 2000, interruptAfterTimeLimit: 2000 },
    );
  });
});
