import { createCipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../core/index.js';
import type { SessionClaims } from '../iam/index.js';
import { StsKeyring } from './keys.js';
import { MAX_TOKEN_LENGTH, sealSession, sessionOpener } from './token.js';

const master = randomBytes(32);
const NOW = 1_800_000_000_000;
const claims: SessionClaims = {
  sessionId: 'sess-1',
  accessKey: 'ASIAAAAAAAAAAAAAAAAA',
  parentAccessKey: 'alice',
  issuedAt: NOW,
  expiresAt: NOW + 3600_000,
  sessionPolicies: ['{"Version":"2012-10-17","Statement":[]}'],
  sessionName: 'reader',
};

describe('session tokens', () => {
  it('open for their access key before expiry, with the secret they were issued with', () => {
    const keys = StsKeyring.derive(master);
    const { token, secretKey } = sealSession(keys, claims);
    const opened = sessionOpener(keys).open(claims.accessKey, token, NOW + 1000);
    expect(opened?.claims).toEqual(claims);
    expect(opened?.secretKey).toBe(secretKey);
    expect(secretKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(sessionOpener(keys).open('ASIABBBBBBBBBBBBBBBB', token, NOW)).toBeUndefined();
  });

  it('a token opened before is served from the cache, still checked for its key and expiry', () => {
    const keys = StsKeyring.derive(master);
    const { token } = sealSession(keys, claims);
    const opener = sessionOpener(keys, 2);
    const first = opener.open(claims.accessKey, token, NOW);
    expect(opener.open(claims.accessKey, token, NOW + 1)).toBe(first);
    expect(opener.open('ASIABBBBBBBBBBBBBBBB', token, NOW)).toBeUndefined();
    let code: string | undefined;
    try {
      opener.open(claims.accessKey, token, claims.expiresAt + 1);
    } catch (e) {
      code = isTesseraError(e) ? e.code : 'other';
    }
    expect(code).toBe('ExpiredToken');
  });

  it('expire: ExpiredToken at and after the expiry', () => {
    const keys = StsKeyring.derive(master);
    const { token } = sealSession(keys, claims);
    let code: string | undefined;
    try {
      sessionOpener(keys).open(claims.accessKey, token, claims.expiresAt);
    } catch (e) {
      code = isTesseraError(e) ? e.code : 'other';
    }
    expect(code).toBe('ExpiredToken');
  });

  it('a token altered anywhere, or sealed under another master key, does not open', () => {
    const keys = StsKeyring.derive(master);
    const { token } = sealSession(keys, claims);
    const opener = sessionOpener(keys);
    for (let i = 0; i < token.length; i += 7) {
      const c = token[i] === 'A' ? 'B' : 'A';
      expect(opener.open(claims.accessKey, token.slice(0, i) + c + token.slice(i + 1), NOW)).toBeUndefined();
    }
    const other = sealSession(StsKeyring.derive(randomBytes(32)), claims).token;
    expect(opener.open(claims.accessKey, other, NOW)).toBeUndefined();
  });

  it('rotate with overlap: tokens of an accepted old id open, of a dropped id do not', () => {
    const old = StsKeyring.derive(master, '1');
    const { token, secretKey } = sealSession(old, claims);
    const rotated = StsKeyring.derive(master, '2', ['1']);
    expect(sessionOpener(rotated).open(claims.accessKey, token, NOW)?.secretKey).toBe(secretKey);
    expect(sealSession(rotated, claims).token.startsWith('ts2.2.')).toBe(true);
    expect(sessionOpener(StsKeyring.derive(master, '2')).open(claims.accessKey, token, NOW)).toBeUndefined();
  });

  it('long claims (a 2,048-character session policy) are deflated and open the same', () => {
    const keys = StsKeyring.derive(master);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(1990) }] });
    const long = { ...claims, sessionPolicies: [policy] };
    const { token, secretKey } = sealSession(keys, long);
    // Deflated: the token is much shorter than the base64 of the raw claims would be.
    expect(token.length).toBeLessThan(policy.length);
    const opened = sessionOpener(keys).open(claims.accessKey, token, NOW);
    expect(opened?.claims).toEqual(long);
    expect(opened?.secretKey).toBe(secretKey);
  });

  it('tokens of the previous format (ts1: deflated claims, no flag byte) still open', () => {
    const keys = StsKeyring.derive(master, '1');
    const wire = { v: 1, sid: 'sess-1', ak: claims.accessKey, iat: NOW, exp: NOW + 3600_000, par: 'alice' };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.key('1')!.seal, iv);
    cipher.setAAD(Buffer.from('tessera-sts:ts1:1'));
    const body = Buffer.concat([cipher.update(deflateRawSync(JSON.stringify(wire))), cipher.final()]);
    const token = `ts1.1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    const opened = sessionOpener(keys).open(claims.accessKey, token, NOW);
    expect(opened?.claims).toEqual({
      sessionId: 'sess-1',
      accessKey: claims.accessKey,
      parentAccessKey: 'alice',
      issuedAt: NOW,
      expiresAt: NOW + 3600_000,
    });
    expect(opened?.secretKey).toBe(sealSession(keys, opened!.claims).secretKey);
    // The same bytes under the new version label do not open (the version is authenticated).
    expect(sessionOpener(keys).open(claims.accessKey, token.replace(/^ts1/, 'ts2'), NOW)).toBeUndefined();
  });

  it('never throws on garbage (fuzz), and refuses oversized tokens unread', () => {
    const opener = sessionOpener(StsKeyring.derive(master));
    const { token } = sealSession(StsKeyring.derive(master), claims);
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat(token.length), (junk, cut) => {
        expect(opener.open(claims.accessKey, junk, NOW)).toBeUndefined();
        const spliced = token.slice(0, cut) + junk;
        if (spliced !== token) expect(opener.open(claims.accessKey, spliced, NOW)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(opener.open(claims.accessKey, `ts1.1.${'A'.repeat(MAX_TOKEN_LENGTH)}`, NOW)).toBeUndefined();
  });
});
