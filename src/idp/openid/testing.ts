import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { isTesseraError } from '../../core/index.js';
import { DEFAULT_ALGORITHMS, type OpenIdProviderConfig } from './config.js';

/** Test helpers (not shipped): a tiny OpenID provider on loopback, keys and tokens. */

export type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
export interface Key {
  kid: string;
  alg: string;
  privateKey: PrivateKey;
  jwk: JWK;
}

export async function key(kid: string, alg = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A tiny OpenID provider on loopback: discovery and a JWKS that tests change, take down, count. */
export class LocalIdp {
  server!: Server;
  issuer = '';
  keys: Key[] = [];
  down = false;
  jwksHits = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (this.down) {
        res.writeHead(503).end();
        return;
      }
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      } else if (req.url === '/jwks') {
        this.jwksHits++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: this.keys.map((k) => k.jwk) }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  config(over: Partial<OpenIdProviderConfig> = {}): OpenIdProviderConfig {
    return {
      name: 'default',
      configUrl: `${this.issuer}/.well-known/openid-configuration`,
      clientId: 'tessera',
      claimName: 'policy',
      claimPrefix: '',
      rolePolicy: [],
      scopes: [],
      claimUserinfo: false,
      groupsClaim: 'groups',
      leewaySeconds: 60,
      algorithms: DEFAULT_ALGORITHMS,
      ...over,
    };
  }
}

export const NOW = Date.now();
export const s = (ms: number) => Math.floor(ms / 1000);

/** A token of `idp` (issuer, audience tessera, sub alice-id, 5 minutes) with `claims` over the defaults. */
export async function signFor(
  idp: LocalIdp,
  k: Key,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({
    iss: idp.issuer,
    aud: 'tessera',
    sub: 'alice-id',
    iat: s(NOW),
    exp: s(NOW) + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'JWT', ...header })
    .sign(k.privateKey);
}

/** The error code and message a verification ends with. */
export async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isTesseraError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
}

export const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
