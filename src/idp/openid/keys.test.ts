import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { b64, failure, type Key, key, LocalIdp, NOW, s, signFor } from './testing.js';
import { createOpenIdVerifier, MAX_ID_TOKEN_BYTES } from './verifier.js';

let idp: LocalIdp;
let k1: Key;

beforeAll(async () => {
  idp = new LocalIdp();
  await idp.start();
  k1 = await key('k1');
});
afterAll(async () => {
  await new Promise((r) => idp.server.close(r));
});
beforeEach(() => {
  idp.keys = [k1];
  idp.down = false;
  idp.jwksHits = 0;
});

const sign = (k: Key, claims: Record<string, unknown>, header?: Record<string, unknown>) =>
  signFor(idp, k, claims, header);

describe('createOpenIdVerifier: keys, providers, garbage', () => {
  it('an unknown kid is fetched once (key rotation), and refetches are rate-limited', async () => {
    let clock = 1_000_000;
    const v = createOpenIdVerifier([idp.config()], { clock: () => clock, jwksCooldownMs: 30_000 });
    expect(await failure(v.verify(await sign(k1, { policy: 'x' }), { now: NOW }))).toBe('ok');
    expect(idp.jwksHits).toBe(1);
    // The provider rotates: a new key signs, the old one is still published.
    const k2 = await key('k2', 'ES256');
    idp.keys = [k2, k1];
    clock += 1000;
    expect(await failure(v.verify(await sign(k2, { policy: 'x' }), { now: NOW }))).toBe('ok');
    expect(idp.jwksHits).toBe(2);
    // Made-up kids: refused without another fetch inside the cooldown…
    const k3 = await key('k3');
    for (let i = 0; i < 5; i++) {
      clock += 1000;
      expect(await failure(v.verify(await sign(k3, { policy: 'x' }), { now: NOW }))).toMatch(
        /^InvalidIdentityToken: unknown kid.*kid k3/,
      );
    }
    expect(idp.jwksHits).toBe(2);
    // …and once it has passed, one refetch.
    clock += 30_000;
    expect(await failure(v.verify(await sign(k3, { policy: 'x' }), { now: NOW }))).toMatch(/unknown kid/);
    expect(idp.jwksHits).toBe(3);
  });

  it('a token without kid is tried against every fitting key', async () => {
    const k2 = await key('k2');
    idp.keys = [k1, k2];
    const v = createOpenIdVerifier([idp.config()]);
    const token = await new SignJWT({
      iss: idp.issuer,
      aud: 'tessera',
      sub: 'x',
      exp: s(NOW) + 60,
      policy: 'p',
    })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(k2.privateKey);
    expect((await v.verify(token, { now: NOW })).subject).toBe('x');
  });

  it('the provider down → IDPCommunicationError; cached keys keep working', async () => {
    idp.down = true;
    let clock = 1_000_000;
    const v = createOpenIdVerifier([idp.config()], { timeoutMs: 2000, clock: () => clock });
    const token = await sign(k1, { policy: 'x' });
    expect(await failure(v.verify(token, { now: NOW }))).toMatch(/^IDPCommunicationError: .*HTTP 503/);
    idp.down = false;
    // Within the backoff the provider is not asked again; after it, it is.
    expect(await failure(v.verify(token, { now: NOW }))).toMatch(/^IDPCommunicationError: .*HTTP 503/);
    clock += 5000;
    expect(await failure(v.verify(token, { now: NOW }))).toBe('ok');
    idp.down = true;
    expect(await failure(v.verify(token, { now: NOW }))).toBe('ok');
  });

  it('JWKS endpoint unreachable → IDPCommunicationError', async () => {
    const v = createOpenIdVerifier([idp.config()], {
      fetch: async (url, init) => {
        if (url.endsWith('/jwks')) throw new TypeError('fetch failed');
        return fetch(url, init);
      },
    });
    expect(await failure(v.verify(await sign(k1, { policy: 'x' }), { now: NOW }))).toMatch(
      /^IDPCommunicationError: The OpenID provider default could not be reached: GET .*\/jwks: fetch failed/,
    );
    const closed = createOpenIdVerifier([
      idp.config({ configUrl: 'http://127.0.0.1:1/.well-known/openid-configuration' }),
    ]);
    expect(await failure(closed.verify(await sign(k1, { policy: 'x' }), { now: NOW }))).toMatch(
      /^IDPCommunicationError/,
    );
    expect(await closed.warmUp()).toHaveLength(1);
  });

  it('several providers: the issuer selects one, and among those with one issuer the audience', async () => {
    const other = new LocalIdp();
    await other.start();
    const ko = await key('ko', 'ES384');
    other.keys = [ko];
    try {
      const v = createOpenIdVerifier([
        idp.config({ name: 'a' }),
        idp.config({ name: 'a2', clientId: 'second', claimPrefix: 'two-' }),
        other.config({ name: 'b', claimName: 'roles' }),
      ]);
      expect((await v.verify(await sign(k1, { policy: 'p' }), { now: NOW })).provider).toBe('a');
      const second = await v.verify(await sign(k1, { aud: 'second', policy: 'p' }), { now: NOW });
      expect(second).toMatchObject({ provider: 'a2', policies: ['two-p'], audience: 'second' });
      const fromB = await new SignJWT({
        iss: other.issuer,
        aud: 'tessera',
        sub: 'bob',
        exp: s(NOW) + 60,
        roles: ['r'],
      })
        .setProtectedHeader({ alg: 'ES384', kid: 'ko' })
        .sign(ko.privateKey);
      expect(await v.verify(fromB, { now: NOW })).toMatchObject({
        provider: 'b',
        policies: ['r'],
        subject: 'bob',
      });
      // A token of issuer b signed with a's key: bad signature (keys never cross providers).
      const crossed = await new SignJWT({
        iss: other.issuer,
        aud: 'tessera',
        sub: 'x',
        exp: s(NOW) + 60,
        roles: 'r',
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'ko' })
        .sign(k1.privateKey);
      expect(await failure(v.verify(crossed, { now: NOW }))).toMatch(
        /^InvalidIdentityToken: (unknown kid|bad signature)/,
      );
    } finally {
      await new Promise((r) => other.server.close(r));
    }
  });

  it('oversized and malformed tokens → InvalidIdentityToken', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const big = await sign(k1, { policy: 'x', pad: 'x'.repeat(MAX_ID_TOKEN_BYTES) });
    expect(await failure(v.verify(big, { now: NOW }))).toMatch(/larger than 16 KiB/);
    for (const t of [
      '',
      'abc',
      'a.b.c',
      'a.b.c.d.e',
      `${b64({ alg: 'RS256' })}.${b64([1])}.x`,
      `${b64('x')}..`,
    ]) {
      expect(await failure(v.verify(t, { now: NOW }))).toMatch(/^InvalidIdentityToken: /);
    }
  });

  it('garbage never crashes: always InvalidIdentityToken', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const good = await sign(k1, { policy: 'x' });
    const part = fc.oneof(
      fc.string(),
      fc.base64String(),
      fc.json().map((j) => Buffer.from(j).toString('base64url')),
      fc
        .record({ alg: fc.constantFrom('RS256', 'none', 'HS256', 'ES256', 'EdDSA', 'XX'), kid: fc.string() })
        .map(b64),
      fc
        .record({
          iss: fc.constantFrom(idp.issuer, 'x'),
          aud: fc.oneof(fc.string(), fc.constant('tessera')),
          sub: fc.anything(),
          exp: fc.anything(),
          policy: fc.anything(),
        })
        .map(b64),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.array(part, { minLength: 1, maxLength: 6 }).map((ps) => ps.join('.')),
          fc
            .tuple(fc.nat(good.length), fc.string())
            .map(([i, x]) => good.slice(0, i) + x + good.slice(i + 1)),
        ),
        async (token) => {
          const r = await failure(v.verify(token, { now: NOW }));
          // Only the genuine token may pass (the signature's encoding may differ in unused bits).
          if (r === 'ok') expect(token.split('.').slice(0, 2)).toEqual(good.split('.').slice(0, 2));
          else expect(r).toMatch(/^InvalidIdentityToken: /);
        },
      ),
      { numRuns: 300 },
    );
  });
});
