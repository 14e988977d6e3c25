import { describe, expect, it } from 'vitest';
import type { PluginFetch } from '../../core/index.js';
import { TesseraError } from '../../core/index.js';
import { IdentityPlugin, identityPluginRoleArn, sameRoleArn } from './client.js';

/** A plugin that answers `status` and `body` (the network side is covered by test/sts-custom-token.test.ts). */
function answering(status: number, body: string, seen?: { url?: string; init?: RequestInit }): PluginFetch {
  return async (url, init) => {
    if (seen !== undefined) Object.assign(seen, { url, init });
    return new Response(body, { status });
  };
}

const config = {
  url: 'http://plugin/auth?a=b',
  rolePolicy: ['readonly'],
  timeoutMs: 1000,
  authToken: 'Bearer x',
};

async function failure(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

describe('IdentityPlugin', () => {
  it("sends MinIO's request and keeps scalar claims, dropping the reserved keys", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const body = JSON.stringify({
      user: 'alice',
      maxValiditySeconds: 900,
      claims: {
        exp: 1,
        parent: 'p',
        sub: 's',
        team: 'data',
        level: 3,
        admin: false,
        tags: ['a', 1],
        deep: { x: 1 },
      },
    });
    const who = await new IdentityPlugin(config, answering(200, body, seen)).authenticate('tok en&=');
    expect(who).toEqual({
      user: 'alice',
      maxValiditySeconds: 900,
      claims: { team: 'data', level: '3', admin: 'false', tags: ['a', '1'] },
    });
    const url = new URL(seen.url!);
    expect(url.searchParams.get('token')).toBe('tok en&=');
    expect(url.searchParams.get('a')).toBe('b');
    expect(seen.init).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect((seen.init!.headers as Record<string, string>).authorization).toBe('Bearer x');
  });

  it('passes a refusal on as AccessDenied with a printable reason, never the token', async () => {
    const e = await failure(
      new IdentityPlugin(config, answering(403, '{"reason":"revoked\\u0000\\nnow"}')).authenticate(
        'secret-tok',
      ),
    );
    expect([e.code, e.auditReason]).toEqual(['AccessDenied', 'plugin-rejected']);
    expect(e.message).toBe('The identity plugin rejected the token: revoked now');
    const plain = await failure(
      new IdentityPlugin(config, answering(403, 'nope')).authenticate('secret-tok'),
    );
    expect(plain.message).toBe('The identity plugin rejected the token');
    expect(plain.message).not.toContain('secret-tok');
  });

  it('answers IDPCommunicationError for every answer outside the protocol', async () => {
    const bad: [number, string][] = [
      [200, 'nope'],
      [200, '[]'],
      [200, '{"maxValiditySeconds":3600}'],
      [200, '{"user":"a","maxValiditySeconds":899}'],
      [200, '{"user":"a","maxValiditySeconds":31536001}'],
      [200, '{"user":"a","maxValiditySeconds":1000.5}'],
      [200, '{"user":"a","maxValiditySeconds":1000,"claims":[1]}'],
      [200, JSON.stringify({ user: 'a', maxValiditySeconds: 1000, claims: { big: 'x'.repeat(5000) } })],
      [200, 'x'.repeat(70_000)],
      [302, ''],
      [500, '{}'],
    ];
    for (const [status, body] of bad) {
      const e = await failure(new IdentityPlugin(config, answering(status, body)).authenticate('t'));
      expect([e.code, e.auditReason], `${status} ${body.slice(0, 60)}`).toEqual([
        'IDPCommunicationError',
        'plugin-invalid-response',
      ]);
    }
    const down: PluginFetch = async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    };
    const e = await failure(new IdentityPlugin(config, down).authenticate('t'));
    expect([e.code, e.auditReason]).toEqual(['IDPCommunicationError', 'plugin-unreachable']);
    expect(e.message).toContain('ECONNREFUSED');
  });

  it("forms MinIO's role ARN and accepts it with a region", () => {
    expect(identityPluginRoleArn('http://x/', 'id')).toBe('arn:minio:iam:::role/idmp-id');
    expect(sameRoleArn('arn:minio:iam:eu-west-1::role/idmp-id', 'arn:minio:iam:::role/idmp-id')).toBe(true);
    expect(sameRoleArn('arn:minio:iam:::role/idmp-other', 'arn:minio:iam:::role/idmp-id')).toBe(false);
  });
});
