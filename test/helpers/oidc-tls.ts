import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';

/** The real `oidc-provider` in this process on HTTPS (a self-signed loopback certificate). */
export interface TlsIdp {
  /** `https://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** `127.0.0.1:<port>`: the IAM OIDC provider's Url without `https://`. */
  readonly host: string;
  /** The certificate file, for the server's NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** A client_credentials JWT access token of `client` (audience by `resource`). */
  token(client: string, resource?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the IdP with `clients` (client id → extra token claims; sub is the client id). Tokens'
 * audience is `tessera-app`, or `other-app` for resource `urn:other`.
 */
export async function startTlsIdp(clients: Record<string, Record<string, unknown>>): Promise<TlsIdp> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-oidc-tls-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      ...subject,
      '-keyout',
      keyFile,
      '-out',
      caFile,
    ],
    { stdio: 'ignore' },
  );
  const ca = readFileSync(caFile);
  let handler: (req: unknown, res: unknown) => void = () => {};
  const https = createServer({ key: readFileSync(keyFile), cert: ca }, (req, res) => handler(req, res));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(https.address() as AddressInfo).port}`;
  const issuer = `https://${host}`;
  // oidc-provider ships no types; a computed specifier keeps it `any`.
  const name = 'oidc-provider';
  const { default: Provider } = await import(name);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    clients: Object.keys(clients).map((client_id) => ({
      client_id,
      client_secret: `${client_id}-secret-0123456789`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:app',
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 's3',
          audience: resource === 'urn:other' ? 'other-app' : 'tessera-app',
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: { ClientCredentials: 600 },
    extraTokenClaims: async (_ctx: unknown, t: { clientId: string }) => clients[t.clientId] ?? {},
  });
  handler = provider.callback();

  const token = async (client: string, resource?: string): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client,
      client_secret: `${client}-secret-0123456789`,
      scope: 's3',
      ...(resource === undefined ? {} : { resource }),
    }).toString();
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${issuer}/token`,
        { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        (res) => {
          let out = '';
          res.on('data', (d: Buffer) => (out += d.toString()));
          res.on('end', () => resolve(out));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const parsed = JSON.parse(text) as { access_token?: string };
    if (parsed.access_token === undefined) throw new Error(`no token: ${text}`);
    return parsed.access_token;
  };
  return {
    issuer,
    host,
    caFile,
    token,
    close: async () => {
      await new Promise((r) => https.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
