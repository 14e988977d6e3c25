import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser } from './helpers/browser.js';
import { CookieJar, consoleLogin, consoleRequest } from './helpers/console-http.js';
import { freePort, ROOT_PASSWORD, ROOT_USER, type RunningServer, startServer } from './helpers/server.js';
import { type Slapd, startSlapd, USERS } from './helpers/slapd.js';

/**
 * Console sign-in through an OpenID provider (authorization code + PKCE S256, state and nonce,
 * via the discovery document) against the real `oidc-provider` with its development login form,
 * driven in headless Chromium; and LDAP sign-in against a throwaway slapd.
 */
let idp: Server;
let issuer = '';
let handler: RequestListener = () => {};
let slapd: Slapd;
let server: RunningServer;
let consoleUrl = '';
/** What the token endpoint saw: PKCE verifiers (present or not) and grant types. */
const tokenRequests: { grant: string | null; verifier: boolean; basic: boolean }[] = [];
const authRequests: URLSearchParams[] = [];

async function startIdp(redirectUri: string): Promise<void> {
  // oidc-provider ships no types; a computed specifier keeps it `any`.
  const name = 'oidc-provider';
  const { default: Provider } = await import(name);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tessera-console',
        client_secret: 'tessera-console-secret-0123456789',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    claims: { openid: ['sub', 'policy', 'preferred_username'] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, policy: 'readwrite', preferred_username: sub }),
    }),
    cookies: { keys: ['console-sso-test-cookie-key-0123456789'] },
  });
  const callback = provider.callback();
  handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/auth') authRequests.push(url.searchParams);
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        tokenRequests.push({
          grant: form.get('grant_type'),
          verifier: form.get('code_verifier') !== null,
          basic: (req.headers.authorization ?? '').startsWith('Basic '),
        });
      });
    }
    callback(req, res);
  };
}

beforeAll(async () => {
  idp = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const consolePort = await freePort();
  consoleUrl = `http://127.0.0.1:${consolePort}`;
  await startIdp(`${consoleUrl}/api/v1/login/openid/callback`);
  slapd = await startSlapd();
  server = await startServer({
    workers: 1,
    consoleAddress: `127.0.0.1:${consolePort}`,
    env: {
      MINIO_IDENTITY_OPENID_CONFIG_URL: `${issuer}/.well-known/openid-configuration`,
      MINIO_IDENTITY_OPENID_CLIENT_ID: 'tessera-console',
      MINIO_IDENTITY_OPENID_CLIENT_SECRET: 'tessera-console-secret-0123456789',
      MINIO_IDENTITY_OPENID_DISPLAY_NAME: 'Test IdP',
      MINIO_IDENTITY_OPENID_SCOPES: 'openid,profile',
      ...slapd.env(undefined),
    },
  });
  expect(server.consoleUrl).toBe(consoleUrl);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await slapd?.stop();
  await new Promise((r) => idp?.close(r));
});

describe('console: sign-in choices', () => {
  it('/session lists the OpenID provider and LDAP', async () => {
    const s = await consoleRequest(`${consoleUrl}/api/v1/session`);
    expect(s.json()).toEqual({
      signedIn: false,
      providers: [
        { kind: 'openid', id: 'default', displayName: 'Test IdP' },
        { kind: 'ldap', displayName: 'LDAP' },
      ],
    });
  });
});

describe('console: OpenID sign-in in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('authorization code + PKCE: the provider login, then back on / signed in', async () => {
    const { page } = browser;
    // From the console's sign-in page: its button for the provider (a full-page navigation).
    await page.goto(consoleUrl);
    await Promise.all([
      page.waitForURL((u) => u.toString().startsWith(`${issuer}/interaction/`)),
      page.getByRole('button', { name: 'Sign in with Test IdP' }).click(),
    ]);
    // At the provider: its development login form, then its consent.
    expect(page.url().startsWith(`${issuer}/interaction/`)).toBe(true);
    await page.locator('input[name="login"]').fill('sso-user');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.toString().startsWith(consoleUrl) || u.pathname.includes('/interaction/'));
    if (page.url().startsWith(issuer)) await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.toString().startsWith(`${consoleUrl}/`));
    // Back in the console, signed in: the shell shows the SSO user.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByText('sso-user').first().waitFor();
    const session = (await page.evaluate(async () => (await fetch('/api/v1/session')).json())) as {
      signedIn: boolean;
      csrfToken: string;
      principal: { type: string; name: string; arn: string };
    };
    expect(session.signedIn).toBe(true);
    expect(session.principal.type).toBe('openid');
    expect(session.principal.name).toBe('sso-user');
    // The authorization request carried PKCE S256, state and nonce; the code was redeemed with the verifier.
    const auth = authRequests.at(-1)!;
    expect(auth.get('code_challenge_method')).toBe('S256');
    expect(auth.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(auth.get('state')).toBeTruthy();
    expect(auth.get('nonce')).toBeTruthy();
    expect(auth.get('redirect_uri')).toBe(`${consoleUrl}/api/v1/login/openid/callback`);
    expect(tokenRequests.at(-1)).toEqual({ grant: 'authorization_code', verifier: true, basic: true });
    // The session acts with the token's policy (readwrite): a bucket made through the S3 relay.
    const status = await page.evaluate(
      async (csrf) =>
        (await fetch('/api/v1/s3/sso-bucket', { method: 'PUT', headers: { 'x-csrf-token': csrf } })).status,
      session.csrfToken,
    );
    expect(status).toBe(200);
    // The cookie is not readable by the page.
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).toBe('');
    const cookies = await browser.context.cookies(consoleUrl);
    const c = cookies.find((x) => x.name === 'tessera_console')!;
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The login cookie is gone.
    expect(cookies.find((x) => x.name === 'tessera_console_login')).toBeUndefined();
  }, 90_000);

  it('a callback without the login cookie (or with another state) ends at the sign-in page with an error', async () => {
    const res = await consoleRequest(`${consoleUrl}/api/v1/login/openid/callback?code=x&state=forged`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/#/signin?error=InvalidState');
    const start = await consoleRequest(`${consoleUrl}/api/v1/login/openid/default`);
    expect(start.status).toBe(302);
    const login = start.setCookies.find((c) => c.startsWith('tessera_console_login='))!;
    expect(login).toMatch(/HttpOnly/);
    expect(login).toMatch(/SameSite=Lax/);
    const jar = new CookieJar();
    jar.store([login]);
    const wrong = await consoleRequest(`${consoleUrl}/api/v1/login/openid/callback?code=x&state=other`, {
      jar,
    });
    expect(wrong.headers.location).toBe('/#/signin?error=InvalidState');
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    const bad = await consoleRequest(
      `${consoleUrl}/api/v1/login/openid/callback?code=not-a-code&state=${encodeURIComponent(state)}`,
      { jar },
    );
    expect(bad.status).toBe(302);
    expect(String(bad.headers.location)).toMatch(/^\/#\/signin\?error=/);
    expect(bad.setCookies.some((c) => c.startsWith('tessera_console='))).toBe(false);
    expect((await consoleRequest(`${consoleUrl}/api/v1/login/openid/nosuch`)).status).toBe(404);
  });
});

describe('console: LDAP sign-in', () => {
  it('POST /api/v1/login/ldap signs a directory user in; a wrong password is 401', async () => {
    // carol's DN gets a policy through the admin relay (MinIO's encrypted idp/ldap/policy/attach).
    const root = await consoleLogin(consoleUrl, ROOT_USER, ROOT_PASSWORD);
    const mapped = await consoleRequest(`${consoleUrl}/api/v1/admin/v3/idp/ldap/policy/attach`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': root.csrf },
      body: JSON.stringify({ policies: ['readonly'], user: USERS.carol.dn }),
      jar: root.jar,
    });
    expect(mapped.status, mapped.text).toBe(200);
    for (const [path, body] of [
      ['/s3/ldap-bucket', undefined],
      ['/s3/ldap-bucket/doc.txt', 'words'],
    ] as const) {
      const made = await consoleRequest(`${consoleUrl}/api/v1${path}`, {
        method: 'PUT',
        headers: { 'x-csrf-token': root.csrf, 'content-type': 'text/plain' },
        ...(body === undefined ? {} : { body }),
        jar: root.jar,
      });
      expect(made.status, made.text).toBe(200);
    }
    const jar = new CookieJar();
    const res = await consoleRequest(`${consoleUrl}/api/v1/login/ldap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: USERS.carol.password }),
      jar,
    });
    expect(res.status, res.text).toBe(200);
    const body = res.json<{
      signedIn: boolean;
      principal: { type: string; arn: string };
      csrfToken: string;
    }>();
    expect(body.signedIn).toBe(true);
    expect(body.principal.type).toBe('ldap');
    expect(body.principal.arn).toContain('uid=carol');
    const read = await consoleRequest(`${consoleUrl}/api/v1/s3/ldap-bucket/doc.txt`, { jar });
    expect(read.status).toBe(200);
    expect(read.text).toBe('words');
    // readonly: no bucket creation.
    const denied = await consoleRequest(`${consoleUrl}/api/v1/s3/carol-bucket`, {
      method: 'PUT',
      headers: { 'x-csrf-token': body.csrfToken },
      jar,
    });
    expect(denied.status).toBe(403);
    const wrong = await consoleRequest(`${consoleUrl}/api/v1/login/ldap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: 'wrong' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json().code).toBe('AccessDenied');
  });
});
