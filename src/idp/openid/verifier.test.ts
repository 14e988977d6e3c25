import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { roleArnFor } from './config.js';
import { b64, failure, type Key, key, LocalIdp, NOW, s, signFor } from './testing.js';
import { createOpenIdVerifier } from './verifier.js';

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

describe('createOpenIdVerifier', () => {
  it('a good token: identity, policies, groups, claims', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const token = await sign(k1, {
      policy: 'readonly',
      groups: ['eng', 'ops'],
      preferred_username: 'alice',
      email: 'alice@example.com',
      amr: ['pwd'],
      n: 1,
    });
    const id = await v.verify(token, { now: NOW });
    expect(id).toMatchObject({
      provider: 'default',
      issuer: idp.issuer,
      subject: 'alice-id',
      audience: 'tessera',
      name: 'alice',
      policies: ['readonly'],
      groups: ['eng', 'ops'],
      expiresAt: (s(NOW) + 300) * 1000,
    });
    expect(id.claims).toMatchObject({
      sub: 'alice-id',
      email: 'alice@example.com',
      amr: ['pwd'],
      aud: 'tessera',
    });
    expect(id.claims).not.toHaveProperty('n');
    expect(id.claims).not.toHaveProperty('exp');
  });

  it('azp may carry the client id; name falls back to email, then sub', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const a = await v.verify(await sign(k1, { aud: 'account', azp: 'tessera', policy: 'x', email: 'e@x' }), {
      now: NOW,
    });
    expect(a.name).toBe('e@x');
    const b = await v.verify(await sign(k1, { aud: ['other', 'tessera'], policy: 'x' }), { now: NOW });
    expect(b.name).toBe('alice-id');
  });

  it('the policy claim as a string, a comma list or an array, with the prefix', async () => {
    const v = createOpenIdVerifier([idp.config({ claimPrefix: 'oidc-' })]);
    for (const policy of ['a,b', ' a , b ,', ['a', 'b'], ['a,b', 'a']]) {
      expect((await v.verify(await sign(k1, { policy }), { now: NOW })).policies).toEqual([
        'oidc-a',
        'oidc-b',
      ]);
    }
    const custom = createOpenIdVerifier([idp.config({ claimName: 'https://example.com/policies' })]);
    const id = await custom.verify(await sign(k1, { 'https://example.com/policies': 'readwrite' }), {
      now: NOW,
    });
    expect(id.policies).toEqual(['readwrite']);
  });

  it('no policy → IDPRejectedClaim', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    for (const policy of [undefined, '', [], 7, ' , ']) {
      expect(await failure(v.verify(await sign(k1, { policy }), { now: NOW }))).toMatch(
        /^IDPRejectedClaim: .*policy/,
      );
    }
  });

  it('into an IAM role, no policy need be mapped: the token verifies with none', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const id = await v.verify(await sign(k1, {}), { now: NOW, intoRole: true });
    expect(id.policies).toEqual([]);
    expect(id.subject).toBeTruthy();
    // Everything else is still checked.
    expect(await failure(v.verify(await sign(k1, {}), { now: NOW + 10 * 3600_000, intoRole: true }))).toMatch(
      /^InvalidIdentityToken: .*expired/,
    );
  });

  it('role_policy: its role ARN (either region form), an AWS ARN or none select it; another MinIO role is refused', async () => {
    const p = idp.config({ rolePolicy: ['readwrite'], roleArn: roleArnFor('tessera') });
    const v = createOpenIdVerifier([p]);
    const token = await sign(k1, {});
    expect((await v.verify(token, { now: NOW, roleArn: p.roleArn! })).policies).toEqual(['readwrite']);
    const regional = p.roleArn!.replace('arn:minio:iam:::', 'arn:minio:iam:us-east-1::');
    expect((await v.verify(token, { now: NOW, roleArn: regional })).policies).toEqual(['readwrite']);
    expect((await v.verify(token, { now: NOW })).policies).toEqual(['readwrite']);
    const aws = 'arn:aws:iam::000000000000:role/any';
    expect((await v.verify(token, { now: NOW, roleArn: aws })).policies).toEqual(['readwrite']);
    expect(await failure(v.verify(token, { now: NOW, roleArn: roleArnFor('other') }))).toMatch(
      /^IDPRejectedClaim: RoleArn/,
    );
  });

  it('wrong audience, wrong issuer, missing sub', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    expect(
      await failure(v.verify(await sign(k1, { aud: 'someone-else', policy: 'x' }), { now: NOW })),
    ).toMatch(/^InvalidIdentityToken: wrong audience.*someone-else.*tessera/);
    expect(
      await failure(v.verify(await sign(k1, { iss: 'https://evil.example', policy: 'x' }), { now: NOW })),
    ).toMatch(/^InvalidIdentityToken: wrong issuer: https:\/\/evil.example/);
    expect(await failure(v.verify(await sign(k1, { sub: undefined, policy: 'x' }), { now: NOW }))).toMatch(
      /^InvalidIdentityToken: the token has no sub claim/,
    );
  });

  it('expired, not yet valid, issued in the future: which check and by how much', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const expired = await sign(k1, { policy: 'x', exp: s(NOW) - 102 });
    expect(await failure(v.verify(expired, { now: s(NOW) * 1000 }))).toBe(
      'InvalidIdentityToken: token expired 102 s ago (leeway 60 s).',
    );
    // Within the leeway: accepted.
    expect(await failure(v.verify(await sign(k1, { policy: 'x', exp: s(NOW) - 30 }), { now: NOW }))).toBe(
      'ok',
    );
    const early = await sign(k1, { policy: 'x', nbf: s(NOW) + 90 });
    expect(await failure(v.verify(early, { now: s(NOW) * 1000 }))).toMatch(
      /^InvalidIdentityToken: token not valid for another 90 s \(leeway 60 s\)/,
    );
    const future = await sign(k1, { policy: 'x', iat: s(NOW) + 600, exp: s(NOW) + 900 });
    expect(await failure(v.verify(future, { now: s(NOW) * 1000 }))).toMatch(/issued 600 s in the future/);
    expect(await failure(v.verify(await sign(k1, { policy: 'x', exp: undefined }), { now: NOW }))).toMatch(
      /no exp claim/,
    );
    const strict = createOpenIdVerifier([idp.config({ leewaySeconds: 0 })]);
    expect(
      await failure(strict.verify(await sign(k1, { policy: 'x', exp: s(NOW) - 1 }), { now: NOW })),
    ).toMatch(/expired \d+ s ago \(leeway 0 s\)/);
  });

  it('bad signature, alg none, HS256 with the public key as secret, an alg not in the allow-list', async () => {
    const v = createOpenIdVerifier([idp.config()]);
    const good = await sign(k1, { policy: 'x' });
    const [h, p] = good.split('.');
    const other = await key('k1');
    const forged = await sign(other, { policy: 'x' });
    expect(await failure(v.verify(forged, { now: NOW }))).toMatch(/^InvalidIdentityToken: bad signature/);
    expect(await failure(v.verify(`${h}.${p}.${'A'.repeat(342)}`, { now: NOW }))).toMatch(/bad signature/);
    const tampered = `${h}.${b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), policy: 'consoleAdmin' })}.${good.split('.')[2]}`;
    expect(await failure(v.verify(tampered, { now: NOW }))).toMatch(/bad signature/);
    expect(await failure(v.verify(`${b64({ alg: 'none' })}.${p}.`, { now: NOW }))).toMatch(
      /^InvalidIdentityToken: alg none is not allowed/,
    );
    const hs = await new SignJWT({ iss: idp.issuer, aud: 'tessera', sub: 'x', exp: s(NOW) + 60, policy: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(k1.jwk)));
    expect(await failure(v.verify(hs, { now: NOW }))).toMatch(
      /^InvalidIdentityToken: alg HS256 is not allowed/,
    );
    const onlyEs = createOpenIdVerifier([idp.config({ algorithms: ['ES256'] })]);
    expect(await failure(onlyEs.verify(good, { now: NOW }))).toMatch(
      /alg RS256 is not allowed \(allowed: ES256\)/,
    );
  });
});
