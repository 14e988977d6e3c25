import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../core/index.js';
import { DiscoveryCache, discoveryUrl, type FetchFn, likelyIssuer } from './discovery.js';

/** A fetch that answers `body` (a string, or JSON) with `status`, and counts its calls. */
function answering(body: unknown, status = 200): FetchFn & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string) => {
    calls.push(url);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  };
  return Object.assign(f, { calls });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isTesseraError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
}

const opts = (clock: () => number = Date.now) => ({
  timeoutMs: 1000,
  maxAgeMs: 3_600_000,
  failureBackoffMs: 0,
  clock,
});

describe('discovery', () => {
  it('config_url: the discovery document itself, or an issuer completed with the well-known path', () => {
    expect(discoveryUrl('https://idp.example/realms/a/.well-known/openid-configuration')).toBe(
      'https://idp.example/realms/a/.well-known/openid-configuration',
    );
    expect(discoveryUrl('https://token.actions.githubusercontent.com/')).toBe(
      'https://token.actions.githubusercontent.com/.well-known/openid-configuration',
    );
    expect(likelyIssuer('https://idp.example/realms/a/.well-known/openid-configuration')).toBe(
      'https://idp.example/realms/a',
    );
  });

  it('reads issuer and jwks_uri, once per max age', async () => {
    let now = 0;
    const f = answering({ issuer: 'https://idp.example', jwks_uri: 'https://idp.example/certs', extra: 1 });
    const d = new DiscoveryCache('p', 'https://idp.example', f, { ...opts(() => now), maxAgeMs: 1000 });
    expect(await d.get()).toEqual({ issuer: 'https://idp.example', jwksUri: 'https://idp.example/certs' });
    await d.get();
    expect(f.calls).toEqual(['https://idp.example/.well-known/openid-configuration']);
    now += 1000;
    await d.get();
    expect(f.calls).toHaveLength(2);
  });

  it.each([
    ['not JSON', answering('<html>'), /not JSON/],
    ['no issuer', answering({ jwks_uri: 'https://x/certs' }), /has no issuer/],
    ['no jwks_uri', answering({ issuer: 'https://x' }), /no http\(s\) jwks_uri/],
    ['a file: jwks_uri', answering({ issuer: 'https://x', jwks_uri: 'file:///etc/passwd' }), /jwks_uri/],
    ['HTTP 500', answering('', 500), /HTTP 500/],
    ['more than 1 MiB', answering('x'.repeat(1.5 * 1024 * 1024)), /larger than 1 MiB/],
  ] as const)('%s → IDPCommunicationError', async (_what, f, message) => {
    const d = new DiscoveryCache('p', 'https://x', f, opts());
    const r = await code(d.get());
    expect(r).toMatch(/^IDPCommunicationError: The OpenID provider p could not be reached/);
    expect(r).toMatch(message);
  });

  it('a provider that does not answer in time → IDPCommunicationError', async () => {
    const hang: FetchFn = (_url, init) =>
      new Promise((_res, rej) => init.signal.addEventListener('abort', () => rej(init.signal.reason)));
    const d = new DiscoveryCache('slow', 'https://x', hang, { ...opts(), timeoutMs: 50 });
    expect(await code(d.get())).toMatch(/^IDPCommunicationError: .*no answer within 50 ms/);
  });

  it('keeps the last good document while the provider cannot be reached', async () => {
    let now = 0;
    let up = true;
    const f: FetchFn = async () =>
      up
        ? new Response(JSON.stringify({ issuer: 'https://x', jwks_uri: 'https://x/k' }))
        : new Response('', { status: 502 });
    const d = new DiscoveryCache('p', 'https://x', f, { ...opts(() => now), maxAgeMs: 10 });
    await d.get();
    up = false;
    now += 100;
    expect((await d.get()).issuer).toBe('https://x');
  });
});
