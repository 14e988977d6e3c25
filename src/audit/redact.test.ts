import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretName, REDACTED, redact, redactAuthorization, redactMap, redactValue } from './redact.js';

const SIG = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

describe('redaction', () => {
  it('keeps the credential scope and signed headers of SigV4, never the signature', () => {
    const v = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIG}`;
    expect(redactAuthorization(v)).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=REDACTED',
    );
    expect(redactAuthorization('AWS AKID:frJIUN8DYpKDtOLCwo//yllqDzg=')).toBe('AWS AKID:REDACTED');
    expect(redactAuthorization('Bearer eyJhbGciOi.secret')).toBe(REDACTED);
    expect(redactAuthorization(`AWS4-HMAC-SHA256 Credential=a b/x, Signature=${SIG}`)).toBe(REDACTED);
  });

  it('redacts request after request with the same credential as the first (the checked-head memo)', () => {
    const head =
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=';
    const want = `${head}REDACTED`;
    expect(redactAuthorization(`${head}${SIG}`)).toBe(want);
    for (const sig of ['00ff', SIG.toUpperCase(), '', 'x=y', 'Signature=z'])
      expect(redactAuthorization(`${head}${sig}`), sig).toBe(want);
    // A tail with white space never matched the pattern, memo or not.
    for (const tail of [`${SIG} extra`, `a\tb`, `${SIG}\n${SIG}`])
      expect(redactAuthorization(`${head}${tail}`), tail).toBe(REDACTED);
    // The pattern's answer: the signature part (trailing white space trimmed) has no white space.
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (tail) => {
        const v = `${head}${tail}`;
        expect(redactAuthorization(v)).toBe(/\s/.test(tail.trimEnd()) ? REDACTED : want);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps only well-formed credential scopes, memo or not', () => {
    const scope = 'AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request';
    expect(redactValue('X-Amz-Credential', scope)).toBe(scope);
    expect(redactValue('X-Amz-Credential', scope)).toBe(scope);
    expect(redactValue('X-Amz-Credential', `${scope} `)).toBe(REDACTED);
    expect(redactValue('X-Amz-Credential', `${scope}/secret`)).toBe(REDACTED);
  });

  it('redacts every secret-carrying header and parameter, and keeps the rest', () => {
    for (const name of [
      'X-Amz-Signature',
      'Signature',
      'x-amz-security-token',
      'X-Amz-Security-Token',
      'WebIdentityToken',
      'LDAPPassword',
      'client_secret',
      'SecretAccessKey',
      'Token',
      'x-amz-server-side-encryption-customer-key',
      'x-amz-copy-source-server-side-encryption-customer-key',
      'cookie',
      'SAMLAssertion',
      'Password',
      'x-amz-mfa',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of [
      'X-Amz-Credential',
      'X-Amz-Date',
      'continuation-token',
      'prefix',
      'x-amz-server-side-encryption-customer-key-md5',
      'x-amz-server-side-encryption-customer-algorithm',
      'max-keys',
      'versionId',
      'host',
    ])
      expect(isSecretName(name), name).toBe(false);
    expect(redactValue('X-Amz-Credential', 'AK/20260101/us-east-1/s3/aws4_request')).toBe(
      'AK/20260101/us-east-1/s3/aws4_request',
    );
    expect(redactValue('X-Amz-Credential', 'AK:secret')).toBe(REDACTED);
    expect(redactMap({ prefix: 'a/', 'X-Amz-Signature': SIG })).toEqual({
      prefix: 'a/',
      'X-Amz-Signature': REDACTED,
    });
  });

  it('walks a whole entry, at any depth', () => {
    const entry = {
      a: { requestHeader: { Authorization: `AWS a:${SIG}` }, list: [{ SecretAccessKey: 's' }] },
      n: 1,
    };
    expect(redact(entry)).toEqual({
      a: { requestHeader: { Authorization: 'AWS a:REDACTED' }, list: [{ SecretAccessKey: REDACTED }] },
      n: 1,
    });
  });

  const secretNames = fc.constantFrom(
    'authorization',
    'Authorization',
    'x-amz-signature',
    'X-AMZ-SECURITY-TOKEN',
    'Signature',
    'WebIdentityToken',
    'LDAPPassword',
    'client_secret',
    'SecretAccessKey',
    'x-amz-server-side-encryption-customer-key',
    'Token',
    'refresh_token',
  );
  const secretValue = fc.string({ minLength: 12, maxLength: 80 }).map((s) => `S3CR3T${s}`);

  it('property: no secret value survives, whatever the map around it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc
            .string({ maxLength: 20 })
            .filter(
              (k) => !isSecretName(k) && !/^(authorization|x-?amz-?credential)$/i.test(k.replace(/_/g, '')),
            ),
          fc.string({ maxLength: 20 }).filter((v) => !v.includes('S3CR3T')),
        ),
        fc.array(fc.tuple(secretNames, secretValue), { minLength: 1, maxLength: 5 }),
        (plain, secrets) => {
          const map: Record<string, string> = { ...plain };
          for (const [k, v] of secrets)
            map[k] =
              k.toLowerCase() === 'authorization'
                ? `AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${v}`
                : v;
          const out = redact({ requestHeader: map, requestQuery: map });
          const text = JSON.stringify(out);
          expect(text).not.toContain('S3CR3T');
          for (const [k, v] of Object.entries(plain)) expect(out.requestHeader[k]).toBe(v);
          expect(redact(out)).toEqual(out);
        },
      ),
    );
  });

  it('property: an Authorization header never comes out with more than its scope', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (v) => {
        const out = redactAuthorization(v);
        expect(out === REDACTED || /Signature=REDACTED$|:REDACTED$/.test(out)).toBe(true);
        expect(redactAuthorization(out)).toBe(out);
      }),
    );
  });
});
